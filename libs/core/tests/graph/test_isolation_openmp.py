"""Fits in child processes after OpenMP ran in this one: they must not hang (GNU libgomp)."""

from __future__ import annotations

import pandas as pd
import pytest

from skyulf_core.graph.executor import train_pipeline

pytestmark = pytest.mark.timeout(120)


def _graph(model: dict[str, object]) -> dict[str, object]:
    return {
        "nodes": [
            {"id": "split", "type": "TrainTestSplitter", "params": {"target_column": "churned"}},
            {"id": "impute", "type": "SimpleImputer", "params": {"strategy": "median"}},
            {"id": "model", **model},
        ],
        "edges": [
            {"source": "split", "target": "impute"},
            {"source": "impute", "target": "model"},
        ],
    }


def test_cross_validated_xgboost_in_child_processes_finishes(churn: pd.DataFrame) -> None:
    numeric = churn[["age", "income", "tenure_months", "monthly_spend", "churned"]]
    graph = _graph(
        {
            "type": "xgboost_classifier",
            "params": {"n_estimators": 20, "cv_enabled": True, "cv_folds": 3},
        }
    )
    result = train_pipeline(graph, numeric, isolate_fit=True)
    assert "cv_accuracy_mean" in result.metrics


def test_two_models_on_one_trunk_in_child_processes_finish(churn: pd.DataFrame) -> None:
    numeric = churn[["age", "income", "tenure_months", "monthly_spend", "churned"]]
    graph = _graph({"type": "xgboost_classifier", "params": {"n_estimators": 20}})
    graph["nodes"].append(  # type: ignore[attr-defined]
        {"id": "lgbm", "type": "lgbm_classifier", "params": {"n_estimators": 20}}
    )
    graph["edges"].append({"source": "impute", "target": "lgbm"})  # type: ignore[attr-defined]
    result = train_pipeline(graph, numeric, isolate_fit=True)
    assert [m.node_id for m in result.models] == ["model", "lgbm"]
