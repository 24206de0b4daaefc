"""Pipelines in and out: the original Skyulf's saved pipelines, and graphs as runnable scripts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from skyulf_core.bundle import FittedPipeline
from skyulf_core.graph import train_pipeline, validate_graph
from skyulf_core.graph.export import export_script
from skyulf_core.graph.importing import import_original
from skyulf_errors import InvalidArgument

SAVED = Path(__file__).parents[1] / "data" / "original_pipeline.json"


def test_a_pipeline_saved_by_the_original_skyulf_becomes_a_graph(churn: pd.DataFrame) -> None:
    imported = import_original(json.loads(SAVED.read_text()))
    graph = imported.graph
    assert [(n.id, n.type) for n in graph.nodes] == [
        ("drop_ids", "DropMissingColumns"),
        ("split", "TrainTestSplitter"),
        ("impute_num", "SimpleImputer"),
        ("impute_cat", "SimpleImputer"),
        ("encode", "OneHotEncoder"),
        ("scale", "StandardScaler"),
        ("train_rf", "random_forest_classifier"),
        ("tune_lr", "logistic_regression"),
    ]
    # The data source is the job's dataset; both training steps hang off the scaler.
    assert [(e.source, e.target) for e in graph.edges][-2:] == [
        ("scale", "train_rf"),
        ("scale", "tune_lr"),
    ]
    assert graph.node("split").params["target_column"] == "churned"
    assert graph.node("train_rf").params == {
        "n_estimators": 50,
        "max_depth": 10,
        "min_samples_split": 5,
    }
    assert any("tuning_config" in w for w in imported.warnings)
    assert validate_graph(graph, list(churn.columns)).valid
    result = train_pipeline(graph, churn)
    assert [m.node_id for m in result.models] == ["train_rf", "tune_lr"]


def test_a_saved_chain_without_split_or_inputs_gets_a_split_before_the_model() -> None:
    saved = {
        "nodes": [
            {"node_id": "impute", "step_type": "SimpleImputer", "params": {}},
            {
                "node_id": "train",
                "step_type": "basic_training",
                "params": {"model_type": "logistic_regression", "target_column": "churned"},
            },
        ]
    }
    imported = import_original(saved)
    assert [(e.source, e.target) for e in imported.graph.edges] == [
        ("impute", "split"),
        ("split", "train"),
    ]
    assert imported.graph.node("split").params == {"target_column": "churned"}
    assert any("no TrainTestSplitter" in w for w in imported.warnings)


@pytest.mark.parametrize(
    ("node", "message"),
    [
        ({"node_id": "x", "step_type": "MagicCleaner"}, "step 'x' has step_type 'MagicCleaner'"),
        (
            {"node_id": "t", "step_type": "basic_training", "params": {"model_type": "nope"}},
            "training step 't' has model_type 'nope'",
        ),
    ],
)
def test_an_unknown_step_is_named(node: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message) as info:
        import_original({"nodes": [node]})
    assert info.value.details["node"] == node["node_id"]


def test_the_exported_script_gets_the_same_metrics(
    churn: pd.DataFrame, churn_path: Path, tmp_path: Path
) -> None:
    graph = import_original(json.loads(SAVED.read_text())).graph
    script = tmp_path / "pipeline.py"
    script.write_text(export_script(graph, title="churn baseline", filename="pipeline.py"))
    out = tmp_path / "model"
    run = subprocess.run(
        [sys.executable, str(script), str(churn_path), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    saved = json.loads((out / "metrics.json").read_text())
    expected = train_pipeline(graph, churn)
    assert {k: v["metrics"] for k, v in saved.items()} == {
        m.node_id: m.metrics for m in expected.models
    }
    files = {p.name: p.read_bytes() for p in (out / "train_rf").iterdir()}
    bundle = FittedPipeline.from_files(files)
    assert bundle.predict(churn.head(3)).predictions == (
        expected.models[0].fitted.predict(churn.head(3)).predictions
    )
