"""Clustering models: pipelines without a target, cluster ids, metrics, sizes and centroids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from skyulf_core.bundle import FittedPipeline
from skyulf_core.graph import train_pipeline, validate_graph
from skyulf_errors import InvalidArgument, NodeError

CLUSTERING = ["kmeans", "minibatch_kmeans", "gaussian_mixture", "birch"]


@pytest.fixture
def blobs() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])
    points = np.vstack([rng.normal(c, 0.4, size=(60, 2)) for c in centres])
    return pd.DataFrame({"a": points[:, 0], "b": points[:, 1], "kind": np.repeat(list("xyz"), 60)})


def _graph(chain: Callable[..., dict[str, Any]], model: str, **params: Any) -> dict[str, Any]:
    return chain(
        ("drop", "DropMissingColumns", {"columns": ["kind"]}),
        ("split", "TrainTestSplitter", {"test_size": 0.25}),
        ("model", model, params),
    )


@pytest.mark.parametrize("model_id", CLUSTERING)
def test_clustering_trains_without_a_target(
    model_id: str, blobs: pd.DataFrame, chain: Callable[..., dict[str, Any]]
) -> None:
    graph = _graph(chain, model_id)
    assert validate_graph(graph, list(blobs.columns)).valid
    result = train_pipeline(graph, blobs)
    assert result.task == "clustering" and result.target is None
    m = result.metrics
    assert m["test_silhouette"] > 0.7 and m["train_davies_bouldin"] < 0.5
    assert m["test_calinski_harabasz"] > 100
    assert ("train_inertia" in m) == model_id.endswith("kmeans")
    ev = result.evaluation
    assert ev is not None and ev.clusters is not None and ev.confusion_matrix is None
    sizes = sorted(s.size for s in ev.clusters.sizes)
    assert sum(sizes) == 135 and sizes[0] > 35  # three clusters of about 45 train rows
    assert ev.clusters.centroids is not None
    assert ev.clusters.centroids.features == ["a", "b"]
    found = sorted(map(tuple, ev.clusters.centroids.values))
    assert np.allclose(found, [(0, 0), (0, 6), (6, 0)], atol=0.5)
    loaded = FittedPipeline.from_files(result.fitted.to_files())
    predictions = loaded.predict(blobs).predictions
    assert set(predictions) == {0, 1, 2} and all(isinstance(p, int) for p in predictions)
    assert loaded.signature.output.name == "cluster"


def test_a_target_with_a_clustering_model_is_refused(
    blobs: pd.DataFrame, chain: Callable[..., dict[str, Any]]
) -> None:
    graph = chain(
        ("split", "TrainTestSplitter", {"target_column": "kind"}),
        ("model", "kmeans", {}),
    )
    [issue] = validate_graph(graph, list(blobs.columns)).errors
    assert (issue.code, issue.field) == ("target_with_clustering", "target_column")
    with pytest.raises(InvalidArgument, match="without a target"):
        train_pipeline(graph, blobs)


def test_a_supervised_model_still_needs_a_target(chain: Callable[..., dict[str, Any]]) -> None:
    graph = chain(("split", "TrainTestSplitter", {}), ("model", "logistic_regression", {}))
    assert [e.code for e in validate_graph(graph).errors] == ["no_target"]


def test_more_clusters_than_rows_names_the_field(
    blobs: pd.DataFrame, chain: Callable[..., dict[str, Any]]
) -> None:
    with pytest.raises(NodeError, match="n_clusters") as info:
        train_pipeline(_graph(chain, "kmeans", n_clusters=90), blobs.head(40))
    assert info.value.details["field"] == "n_clusters"


def test_clustering_cross_validates(
    blobs: pd.DataFrame, chain: Callable[..., dict[str, Any]]
) -> None:
    result = train_pipeline(_graph(chain, "kmeans", cv_enabled=True, cv_folds=3), blobs)
    assert result.metrics["cv_silhouette_mean"] > 0.7
    assert result.evaluation is not None and result.evaluation.cv is not None
    assert len(result.evaluation.cv.metrics["silhouette"].folds) == 3
