"""Evaluation data on the test split: shapes, bounds, and that the numbers mean what they say."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from skyulf_core.evaluation import importance
from skyulf_core.evaluation.curves import downsample
from skyulf_core.evaluation.schema import MAX_POINTS, PermutationSample
from skyulf_core.graph import train_pipeline


def _frame(n: int, task: str, n_classes: int = 2, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    if task == "regression":
        y: Any = 3 * X[:, 0] + rng.normal(scale=0.1, size=n)
    else:
        cuts = np.quantile(X[:, 0], np.linspace(0, 1, n_classes + 1)[1:-1])
        y = np.array(["abc"[i] for i in np.digitize(X[:, 0], cuts)])
    return pd.DataFrame({"signal": X[:, 0], "noise1": X[:, 1], "noise2": X[:, 2], "y": y})


def _graph(chain: Callable[..., dict[str, Any]], model: str, **params: Any) -> dict[str, Any]:
    return chain(
        ("split", "TrainTestSplitter", {"target_column": "y", "test_size": 0.25}),
        ("model", model, params),
    )


def test_binary_classification_evaluation(chain: Callable[..., dict[str, Any]]) -> None:
    df = _frame(1200, "classification")
    ev = train_pipeline(_graph(chain, "logistic_regression"), df).evaluation
    assert ev is not None and ev.task == "classification"
    cm = ev.confusion_matrix
    assert cm is not None and cm.labels == ["a", "b"]
    assert sum(map(sum, cm.counts)) == 300
    assert all(abs(sum(row) - 1) < 1e-9 for row in cm.normalized)
    assert ev.roc_curves is not None and [c.label for c in ev.roc_curves] == ["b"]
    roc = ev.roc_curves[0]
    assert roc.auc > 0.95 and len(roc.fpr) <= MAX_POINTS and (roc.fpr[0], roc.tpr[-1]) == (0, 1)
    assert ev.pr_curves is not None and len(ev.pr_curves[0].precision) <= MAX_POINTS
    assert ev.calibration is not None and sum(ev.calibration[0].count) == 300
    ta = ev.threshold_analysis
    assert ta is not None and len(ta.thresholds) == len(ta.f1) == 99
    assert ta.recall[0] >= ta.recall[-1]  # recall falls as the cut-off rises
    assert ev.residuals is None and ev.clusters is None
    assert ev.metrics.test["accuracy"] == pytest.approx(np.trace(cm.counts) / 300)
    fi = ev.feature_importances
    assert fi is not None and fi.native is not None and fi.permutation is not None
    assert fi.native[0].feature == "signal" and fi.permutation[0].feature == "signal"
    assert fi.permutation[0].mean > 0.1 > abs(fi.permutation[-1].mean)
    assert fi.permutation_sample == PermutationSample(rows=300, test_rows=300, repeats=3)


def test_permutation_importance_on_a_sample_of_a_large_test_split(
    chain: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importance, "PERMUTATION_ROWS", 100)
    ev = train_pipeline(_graph(chain, "linear_regression"), _frame(1200, "regression")).evaluation
    fi = ev.feature_importances if ev is not None else None
    assert fi is not None and fi.permutation is not None
    assert fi.permutation_sample == PermutationSample(rows=100, test_rows=300, repeats=3)
    assert fi.permutation[0].feature == "signal" and fi.permutation[0].mean > 1.0


def test_multiclass_curves_per_class(chain: Callable[..., dict[str, Any]]) -> None:
    df = _frame(600, "classification", n_classes=3)
    ev = train_pipeline(_graph(chain, "random_forest_classifier"), df).evaluation
    assert ev is not None
    assert ev.confusion_matrix is not None and len(ev.confusion_matrix.counts) == 3
    assert ev.roc_curves is not None and [c.label for c in ev.roc_curves] == ["a", "b", "c"]
    assert ev.pr_curves is not None and len(ev.pr_curves) == 3
    assert ev.calibration is not None and len(ev.calibration) == 3
    assert ev.threshold_analysis is None


def test_regression_residuals(chain: Callable[..., dict[str, Any]]) -> None:
    df = _frame(1000, "regression")
    ev = train_pipeline(_graph(chain, "linear_regression"), df).evaluation
    assert ev is not None and ev.confusion_matrix is None and ev.roc_curves is None
    res = ev.residuals
    assert res is not None
    assert len(res.predicted) == len(res.residual) == MAX_POINTS
    assert res.predicted == sorted(res.predicted)
    assert sum(res.histogram.counts) == 250
    assert len(res.histogram.edges) == len(res.histogram.counts) + 1
    assert max(abs(r) for r in res.residual) < 1.0
    fi = ev.feature_importances
    assert fi is not None and fi.native is not None and fi.native[0].feature == "signal"


def test_a_model_without_probabilities_has_a_matrix_but_no_curves(
    chain: Callable[..., dict[str, Any]],
) -> None:
    df = _frame(200, "classification")
    ev = train_pipeline(_graph(chain, "svc", probability=False), df).evaluation
    assert ev is not None and ev.confusion_matrix is not None
    assert ev.roc_curves is None and ev.threshold_analysis is None


def test_downsample_keeps_ends_and_bounds() -> None:
    idx = downsample(10_000)
    assert len(idx) <= MAX_POINTS and idx[0] == 0 and idx[-1] == 9_999
    assert list(downsample(5)) == [0, 1, 2, 3, 4]
