"""Graph validation: each problem is reported naming the node (and field or column) at fault."""

from __future__ import annotations

from typing import Any

import pytest

from skyulf_core.graph import check_graph, validate_graph
from skyulf_errors import InvalidArgument

COLUMNS = [
    "customer_id",
    "age",
    "income",
    "tenure_months",
    "city",
    "signup_date",
    "lat",
    "lon",
    "plan_type",
    "monthly_spend",
    "churned",
]
SPLIT = ("split", "TrainTestSplitter", {"target_column": "churned"})
MODEL = ("model", "logistic_regression", {})


def _codes(graph: dict[str, Any], columns: list[str] | None = COLUMNS) -> dict[str, Any]:
    report = validate_graph(graph, columns)
    assert report.valid is (not report.errors)
    return {issue.code: issue for issue in report.errors}


def test_canonical_churn_graph_is_valid(churn_graph) -> None:
    report = validate_graph(churn_graph(), COLUMNS)
    assert report.valid, report.errors


def test_duplicate_ids(chain) -> None:
    issue = _codes(chain(SPLIT, ("split", "SimpleImputer", {}), MODEL))["duplicate_id"]
    assert issue.node_id == "split"


def test_edge_to_unknown_node(chain) -> None:
    graph = chain(SPLIT, MODEL)
    graph["edges"].append({"source": "model", "target": "ghost"})
    issue = _codes(graph)["unknown_edge_node"]
    assert issue.node_id == "ghost"


def test_cycle_names_a_node_on_it(chain) -> None:
    graph = chain(("a", "MissingIndicator", {}), SPLIT, ("b", "SimpleImputer", {}), MODEL)
    graph["edges"].append({"source": "b", "target": "split"})
    codes = _codes(graph)
    assert codes["cycle"].node_id in {"split", "b"} or codes["branch"].node_id == "split"


def test_pure_cycle_is_detected(chain) -> None:
    graph = chain(("a", "MissingIndicator", {}), ("b", "MissingIndicator", {}))
    graph["edges"].append({"source": "b", "target": "a"})
    assert _codes(graph)["cycle"].node_id in {"a", "b"}


def test_branch_leading_to_no_model_names_the_node(chain) -> None:
    graph = chain(SPLIT, ("imp", "SimpleImputer", {}), MODEL)
    graph["nodes"].append({"id": "other", "type": "StandardScaler", "params": {}})
    graph["edges"].append({"source": "split", "target": "other"})
    issue = _codes(graph)["dead_end"]
    assert issue.node_id == "other"
    assert "leads to no model" in issue.message
    assert validate_graph(graph, COLUMNS, partial=True).valid


def test_two_inputs_need_a_merge(chain) -> None:
    graph = chain(SPLIT, ("a", "SimpleImputer", {}), ("b", "StandardScaler", {}), MODEL)
    graph["edges"].append({"source": "split", "target": "b"})
    issue = _codes(graph)["branch"]
    assert issue.node_id == "b"
    assert "merge" in issue.message


def test_unknown_node_type(chain) -> None:
    issue = _codes(chain(SPLIT, ("x", "Magic", {}), MODEL))["unknown_type"]
    assert (issue.node_id, issue.field) == ("x", "type")


def test_bad_params_name_the_field(chain) -> None:
    graph = chain(
        ("split", "TrainTestSplitter", {"target_column": "churned", "test_size": 2}),
        ("imp", "SimpleImputer", {"strategy": "mode"}),
        MODEL,
    )
    codes = validate_graph(graph, COLUMNS).errors
    fields = {(i.node_id, i.field) for i in codes if i.code == "invalid_params"}
    assert fields == {("split", "test_size"), ("imp", "strategy")}


def test_bad_model_params_name_the_field(chain) -> None:
    issue = _codes(chain(SPLIT, ("model", "random_forest_classifier", {"n_estimators": 0})))[
        "invalid_params"
    ]
    assert (issue.node_id, issue.field) == ("model", "n_estimators")


def test_missing_splitter_and_target(chain) -> None:
    assert "no_splitter" in _codes(chain(("imp", "MissingIndicator", {}), MODEL))
    issue = _codes(chain(("split", "TrainTestSplitter", {}), MODEL))["no_target"]
    assert (issue.node_id, issue.field) == ("split", "target_column")


def test_target_not_in_dataset(chain) -> None:
    issue = _codes(chain(("split", "TrainTestSplitter", {"target_column": "label"}), MODEL))[
        "unknown_column"
    ]
    assert (issue.node_id, issue.column) == ("split", "label")


def test_unknown_column_names_node_and_column(chain) -> None:
    issue = _codes(chain(SPLIT, ("imp", "SimpleImputer", {"columns": ["agee"]}), MODEL))[
        "unknown_column"
    ]
    assert (issue.node_id, issue.field, issue.column) == ("imp", "columns", "agee")


def test_columns_are_tracked_through_the_chain(chain) -> None:
    dropped = chain(
        ("drop", "DropMissingColumns", {"columns": ["age"]}),
        SPLIT,
        ("scale", "StandardScaler", {"columns": ["age"]}),
        MODEL,
    )
    assert _codes(dropped)["unknown_column"].node_id == "scale"
    encoded = chain(
        SPLIT,
        ("ohe", "OneHotEncoder", {"columns": ["city"]}),
        ("imp", "SimpleImputer", {"strategy": "most_frequent", "columns": ["city"]}),
        MODEL,
    )
    assert _codes(encoded)["unknown_column"].node_id == "imp"
    # One-hot outputs depend on the data: downstream references to them are not guessed at.
    unknown_outputs = chain(
        SPLIT,
        ("ohe", "OneHotEncoder", {"columns": ["city"]}),
        ("scale", "StandardScaler", {"columns": ["city_Houston", "age"]}),
        MODEL,
    )
    assert validate_graph(unknown_outputs, COLUMNS).valid
    flagged = chain(
        ("flag", "MissingIndicator", {"columns": ["age"]}),
        SPLIT,
        ("scale", "StandardScaler", {"columns": ["age_was_missing"]}),
        MODEL,
    )
    assert validate_graph(flagged, COLUMNS).valid


def test_target_used_as_feature(chain) -> None:
    issue = _codes(chain(SPLIT, ("s", "StandardScaler", {"columns": ["churned"]}), MODEL))[
        "target_as_feature"
    ]
    assert (issue.node_id, issue.column) == ("s", "churned")


def test_model_node_rules(chain) -> None:
    assert "no_model" in _codes(chain(SPLIT, ("imp", "SimpleImputer", {})))
    not_last = _codes(chain(SPLIT, MODEL, ("imp", "SimpleImputer", {})))["model_not_terminal"]
    assert not_last.node_id == "model"
    graph = chain(SPLIT, MODEL)
    graph["nodes"].append({"id": "reg", "type": "linear_regression", "params": {}})
    graph["edges"].append({"source": "split", "target": "reg"})
    mixed = _codes(graph)["mixed_tasks"]
    assert mixed.node_id == "reg" and "regression" in mixed.message


def test_leakage_guard_names_the_learning_node(chain) -> None:
    graph = chain(
        ("drop", "DropMissingColumns", {}),
        ("impute", "SimpleImputer", {}),
        ("flag", "MissingIndicator", {}),
        SPLIT,
        MODEL,
    )
    report = validate_graph(graph, COLUMNS)
    leaks = [i for i in report.errors if i.code == "leakage"]
    # DropMissingColumns without columns learns which columns are sparse: it leaks too.
    assert [i.node_id for i in leaks] == ["drop", "impute"]
    assert "SimpleImputer" in leaks[1].message and "'split'" in leaks[1].message


def test_stateless_nodes_before_the_split_are_allowed(chain) -> None:
    graph = chain(
        ("drop", "DropMissingColumns", {"columns": ["customer_id"]}),
        ("cast", "Casting", {"column_types": {"age": "float", "income": "float64"}}),
        ("flag", "MissingIndicator", {}),
        SPLIT,
        ("scale", "StandardScaler", {}),
        MODEL,
    )
    assert validate_graph(graph, COLUMNS).valid


def test_check_graph_raises_with_every_issue(chain) -> None:
    graph = chain(("impute", "SimpleImputer", {}), ("split", "TrainTestSplitter", {}), MODEL)
    with pytest.raises(InvalidArgument, match=r"node '(impute|split)'.*\(and 1 more\)") as info:
        check_graph(graph, COLUMNS)
    details = info.value.details
    assert details["node"] == details["issues"][0]["node_id"]
    assert {(i["code"], i["node_id"]) for i in details["issues"]} == {
        ("leakage", "impute"),
        ("no_target", "split"),
    }


def test_malformed_graph_names_the_field() -> None:
    with pytest.raises(InvalidArgument, match="nodes") as info:
        check_graph({"nodes": [{"id": "a"}]})
    assert info.value.details["field"].startswith("nodes")


def test_partial_graph_for_preview(chain) -> None:
    graph = chain(("drop", "DropMissingColumns", {}), ("flag", "MissingIndicator", {}))
    assert not validate_graph(graph, COLUMNS).valid
    assert validate_graph(graph, COLUMNS, partial=True).valid
