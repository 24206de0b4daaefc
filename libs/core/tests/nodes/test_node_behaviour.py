"""Behaviour of the phase-1 nodes at their edges: what a user would see when data is awkward."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from skyulf_core.nodes import NodeContext, get_node, node_catalog
from skyulf_errors import NodeError

CTX = NodeContext(node_id="prep", target="churned")


def test_unknown_node_type_names_it() -> None:
    with pytest.raises(NodeError, match="NoSuchNode") as info:
        get_node("NoSuchNode")
    assert info.value.details["node_type"] == "NoSuchNode"


def test_catalog_lists_nodes_and_models_with_json_schema() -> None:
    catalog = {info.id: info for info in node_catalog()}
    ohe = catalog["OneHotEncoder"]
    assert ohe.group == "encoding" and ohe.learns and not ohe.train_only
    props = ohe.params_schema["properties"]
    assert props["max_categories"]["default"] == 20
    assert props["prefix_separator"]["default"] == "_"
    assert catalog["TrainTestSplitter"].params_schema["properties"]["test_size"]["default"] == 0.2
    assert catalog["logistic_regression"].group == "model"
    assert catalog["random_forest_classifier"].task == "classification"
    json.dumps([info.model_dump() for info in catalog.values()])  # JSON-safe throughout


def test_imputer_mean_on_text_column_names_the_column(churn: pd.DataFrame) -> None:
    with pytest.raises(NodeError, match="'city'") as info:
        get_node("SimpleImputer").fit(churn, None, {"strategy": "mean", "columns": ["city"]}, CTX)
    assert info.value.details == {"node": "prep", "node_type": "SimpleImputer", "column": "city"}


def test_imputer_numeric_strategy_picks_numeric_columns_only(churn: pd.DataFrame) -> None:
    X = churn.drop(columns=["churned"])
    record = get_node("SimpleImputer").fit(X, None, {"strategy": "median"}, CTX)
    assert "city" not in record.columns and "age" in record.columns
    assert "churned" not in record.columns


def test_imputer_all_missing_column_is_a_clear_error(churn: pd.DataFrame) -> None:
    X = churn.assign(empty=np.nan)
    with pytest.raises(NodeError, match="'empty' has no values"):
        get_node("SimpleImputer").fit(X, None, {"columns": ["empty"]}, CTX)
    record = get_node("SimpleImputer").fit(
        X, None, {"strategy": "constant", "fill_value": 0, "columns": ["empty"]}, CTX
    )
    out, _ = get_node("SimpleImputer").apply(X, None, record, CTX)
    assert (out["empty"] == 0).all()


def test_imputer_treats_infinity_as_missing(churn: pd.DataFrame) -> None:
    X = churn.assign(age=churn["age"].where(churn.index > 2, np.inf))
    node = get_node("SimpleImputer")
    record = node.fit(X, None, {"strategy": "mean", "columns": ["age"]}, CTX)
    expected = churn["age"].iloc[3:].mean()
    assert record.fill_values["age"] == pytest.approx(expected)
    out, _ = node.apply(X, None, record, CTX)
    assert np.isfinite(out["age"]).all()


def test_imputer_constant_text_fill_into_numeric_column_is_refused(churn: pd.DataFrame) -> None:
    with pytest.raises(NodeError, match="fill_value") as info:
        get_node("SimpleImputer").fit(
            churn, None, {"strategy": "constant", "fill_value": "x", "columns": ["age"]}, CTX
        )
    assert info.value.details["field"] == "fill_value"


def test_target_listed_as_column_is_refused(churn: pd.DataFrame) -> None:
    with pytest.raises(NodeError, match="'churned' is the target"):
        get_node("StandardScaler").fit(churn, None, {"columns": ["churned"]}, CTX)


def test_one_hot_names_and_unknown_categories(churn: pd.DataFrame) -> None:
    node = get_node("OneHotEncoder")
    record = node.fit(churn, None, {"columns": ["plan_type"]}, CTX)
    assert record.created_columns() == [
        "plan_type_basic",
        "plan_type_enterprise",
        "plan_type_premium",
    ]
    unseen = pd.DataFrame({"plan_type": ["gold", "basic", None]})
    out, _ = node.apply(unseen, None, record, CTX)
    assert out.to_numpy().tolist() == [[0, 0, 0], [1, 0, 0], [0, 0, 0]]


def test_one_hot_handle_unknown_error_names_the_column(churn: pd.DataFrame) -> None:
    node = get_node("OneHotEncoder")
    record = node.fit(churn, None, {"columns": ["plan_type"], "handle_unknown": "error"}, CTX)
    with pytest.raises(NodeError, match=r"'plan_type'.*gold") as info:
        node.apply(pd.DataFrame({"plan_type": ["gold"]}), None, record, CTX)
    assert info.value.details["column"] == "plan_type"


def test_one_hot_auto_columns_keep_original_when_asked(churn: pd.DataFrame) -> None:
    X = churn.drop(columns=["churned", "signup_date"])
    node = get_node("OneHotEncoder")
    record = node.fit(X, None, {"drop_original": False, "prefix_separator": "="}, CTX)
    assert record.columns == ["city", "plan_type"]
    out, _ = node.apply(X, None, record, CTX)
    assert "city" in out.columns and "city=Houston" in out.columns


def test_one_hot_output_name_collision_is_refused() -> None:
    X = pd.DataFrame({"a": ["x", "y"], "a_x": [1, 2]})
    with pytest.raises(NodeError, match="'a_x' from column 'a' already exists"):
        get_node("OneHotEncoder").fit(X, None, {"columns": ["a"]}, CTX)


def test_missing_indicator_flags_columns_with_missing(churn: pd.DataFrame) -> None:
    X = churn.drop(columns=["churned"])
    node = get_node("MissingIndicator")
    record = node.fit(X, None, {}, CTX)
    assert record.columns == ["age", "income", "city", "lat", "lon"]
    out, _ = node.apply(X, None, record, CTX)
    assert out["age_was_missing"].sum() == X["age"].isna().sum()
    assert out["age_was_missing"].isin([0, 1]).all()


def test_drop_missing_columns_threshold_and_list(churn: pd.DataFrame) -> None:
    X = churn.drop(columns=["churned"]).assign(sparse=[1.0] + [np.nan] * 299)
    node = get_node("DropMissingColumns")
    # Listed columns are exactly what is dropped: nothing is learned from the rows.
    listed = node.fit(X, None, {"columns": ["customer_id"]}, CTX)
    assert listed.dropped == ["customer_id"]
    assert not node.learns_with(node.parse_params({"columns": ["customer_id"]}, "n1"))
    # With none listed, the share rule learns which columns are sparse.
    record = node.fit(X, None, {}, CTX)
    assert record.dropped == ["sparse"]
    assert node.learns_with(node.parse_params({}, "n1"))
    assert not node.learns_with(node.parse_params({"threshold": 0}, "n1"))
    out, _ = node.apply(X, None, record, CTX)
    assert "sparse" not in out.columns and "customer_id" in out.columns
    # Dropped columns need not be present at prediction time.
    out, _ = node.apply(X.drop(columns=["sparse"]).iloc[:1], None, record, CTX)
    assert "age" in out.columns


def test_drop_missing_columns_unknown_column_named(churn: pd.DataFrame) -> None:
    with pytest.raises(NodeError, match="'nope'"):
        get_node("DropMissingColumns").fit(churn, None, {"columns": ["nope"]}, CTX)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"test_size": 0.0}, "test_size"),
        ({"test_size": 1.0}, "test_size"),
        ({"test_size": 0.5, "validation_size": 0.5}, "params"),
        ({"stratify": True, "shuffle": False}, "params"),
    ],
)
def test_splitter_parameters_are_validated(params: dict, field: str) -> None:
    with pytest.raises(NodeError) as info:
        get_node("TrainTestSplitter").parse_params(params, "split")
    assert info.value.details["field"] == field
    assert info.value.details["node"] == "split"


def test_splitter_sizes_and_stratification(churn: pd.DataFrame) -> None:
    from skyulf_core.nodes.splitting import split_frame

    node = get_node("TrainTestSplitter")
    params = node.parse_params(
        {"target_column": "churned", "validation_size": 0.1, "stratify": True}, "split"
    )
    X, y = churn.drop(columns=["churned"]), churn["churned"]
    parts = split_frame(X, y, params, NodeContext("split", "churned"))
    assert (len(parts.train.X), len(parts.test.X), len(parts.val.X)) == (210, 60, 30)
    assert abs(parts.test.y.mean() - y.mean()) < 0.02
    assert set(parts.train.X.index).isdisjoint(parts.test.X.index)
