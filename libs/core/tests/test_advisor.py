"""Advisor rules on churn_300: each recommendation is a valid node, and the set trains."""

from __future__ import annotations

import itertools

import pandas as pd
import polars as pl
import pytest

from skyulf_core.advisor import recommend
from skyulf_core.graph import train_pipeline
from skyulf_core.nodes import get_node
from skyulf_core.profiling import DatasetProfile, profile_frame
from skyulf_errors import NotFound


@pytest.fixture
def profile(churn_pl: pl.DataFrame) -> DatasetProfile:
    return profile_frame(churn_pl)


def test_recommendations_for_churn(profile: DatasetProfile) -> None:
    recs = {r.id: r for r in recommend(profile, "churned")}
    assert recs["drop_id_columns"].columns == ["customer_id"]
    assert recs["split"].node is not None
    assert recs["split"].node.params == {"target_column": "churned", "stratify": True}
    imputed = recs["impute_numeric_mean"].node
    assert imputed is not None and imputed.params["strategy"] == "mean"
    # Dates as text may not parse: their calendar parts are imputed too.
    assert imputed.params["columns"][:4] == ["age", "income", "lat", "lon"]
    assert recs["date_parts"].columns == ["signup_date"]
    assert recs["impute_categorical"].columns == ["city"]
    assert recs["one_hot_encode"].columns == ["city", "plan_type"]
    assert "churned" not in recs["scale_numeric"].columns
    for rec in recs.values():
        if rec.node is not None and rec.stage != "model":
            get_node(rec.node.type).parse_params(rec.node.params, rec.id)  # valid as given
        assert "churned" not in rec.columns or rec.rule in ("split", "model", "imbalance")


def test_skewed_columns_get_the_median_and_mostly_missing_are_dropped() -> None:
    n = 100
    df = pl.DataFrame(
        {
            "spend": [1.0] * 80 + [500.0] * 15 + [None] * 5,
            "notes": [None] * 70 + ["x"] * 30,
            "y": [0, 1] * (n // 2),
        }
    )
    recs = {r.id: r for r in recommend(profile_frame(df), "y")}
    assert recs["impute_numeric_median"].columns == ["spend"]
    assert recs["drop_mostly_missing"].columns == ["notes"]
    assert "impute_categorical" not in recs  # the dropped column is not also imputed


def test_unknown_target_names_the_column(profile: DatasetProfile) -> None:
    with pytest.raises(NotFound, match="'label'") as info:
        recommend(profile, "label")
    assert info.value.details["column"] == "label"


def test_recommended_nodes_train_as_a_pipeline(
    profile: DatasetProfile, churn: pd.DataFrame
) -> None:
    recs = recommend(profile, "churned")
    nodes = [{"id": r.id, "type": r.node.type, "params": r.node.params} for r in recs if r.node]
    edges = [{"source": a["id"], "target": b["id"]} for a, b in itertools.pairwise(nodes)]
    result = train_pipeline({"nodes": nodes, "edges": edges}, churn)
    assert result.metrics["test_accuracy"] > 0.5
