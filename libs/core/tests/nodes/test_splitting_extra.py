"""feature_target_split: separates the target, stateless, allowed before the splitter."""

from __future__ import annotations

import pandas as pd
import pytest

from skyulf_core.graph.validation import validate_graph
from skyulf_core.nodes import NodeContext, get_node
from skyulf_errors import NodeError


def test_moves_the_target_out_of_the_features(churn: pd.DataFrame) -> None:
    d = get_node("feature_target_split")
    ctx = NodeContext(node_id="f")
    record = d.fit(churn, None, {"target_column": "churned"}, ctx)
    X, y = d.apply(churn, None, record, ctx)
    assert "churned" not in X.columns and y is not None and y.tolist() == churn["churned"].tolist()
    assert not d.learns and record.columns == []
    # prediction inputs have no target: they pass unchanged, on both paths
    features = churn.drop(columns=["churned"])
    same, _ = d.apply(features, None, record, ctx)
    assert same is features
    assert d.array_applier is not None
    assert list(d.array_applier({"a": churn["age"].to_numpy()}, record)) == ["a"]


def test_target_must_exist_and_agree_with_the_graph(churn: pd.DataFrame) -> None:
    d = get_node("feature_target_split")
    with pytest.raises(NodeError, match="'nope'") as info:
        d.fit(churn, None, {"target_column": "nope"}, NodeContext(node_id="f"))
    assert info.value.details["field"] == "target_column"
    with pytest.raises(NodeError, match="differs"):
        d.fit(churn, None, {"target_column": "age"}, NodeContext(node_id="f", target="churned"))
    with pytest.raises(NodeError, match="no target"):
        d.fit(churn, None, {}, NodeContext(node_id="f"))


def test_graph_may_use_it_before_the_splitter_but_still_needs_one(chain, churn) -> None:
    cols = list(churn.columns)
    with_split = chain(
        ("fts", "feature_target_split", {"target_column": "churned"}),
        ("split", "TrainTestSplitter", {"target_column": "churned"}),
        ("model", "logistic_regression", {}),
    )
    assert validate_graph(with_split, cols).valid
    without = chain(
        ("fts", "feature_target_split", {"target_column": "churned"}),
        ("model", "logistic_regression", {}),
    )
    report = validate_graph(without, cols)
    assert not report.valid
    assert any("TrainTestSplitter" in e.message for e in report.errors)
