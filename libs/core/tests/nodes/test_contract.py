"""The conformance suite every registered node runs through (scikit-learn's check_estimator idea).

A node added to the registry without an entry in contract_params/<group>.json fails here on
purpose.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from skyulf_core.nodes import FittedRecord, NodeContext, NodeDefinition, get_node, node_types
from skyulf_errors import NodeError

# One JSON file per node group (contract_params/<group>.json: {node id: params}), so that groups
# are added side by side without touching this module.
PARAMS_DIR = Path(__file__).parent / "contract_params"
CONTRACT_PARAMS: dict[str, dict[str, Any]] = {
    node_id: params
    for path in sorted(PARAMS_DIR.glob("*.json"))
    for node_id, params in json.loads(path.read_text()).items()
}

NODE_IDS = node_types()
CTX = NodeContext(node_id="n1", target="churned")


def test_every_registered_node_has_contract_params() -> None:
    assert sorted(CONTRACT_PARAMS) == sorted(NODE_IDS)


@pytest.fixture
def train_test(churn: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame, pd.Series]:
    X, y = churn.drop(columns=["churned"]), churn["churned"]
    return X.iloc[:200], y.iloc[:200], X.iloc[200:], y.iloc[200:]


def _fit(type_id: str, X: pd.DataFrame, y: pd.Series) -> FittedRecord:
    return get_node(type_id).fit(X, y, CONTRACT_PARAMS[type_id], CTX)


@pytest.mark.parametrize("type_id", NODE_IDS)
def test_definition_is_complete(type_id: str) -> None:
    d = get_node(type_id)
    assert d.id == type_id
    assert d.description and "\n" not in d.description
    assert d.params_model.model_config.get("extra") == "forbid"
    d.params_model()  # every parameter has a default
    schema = d.params_model.model_json_schema()
    assert schema["type"] == "object"
    assert not (d.train_only and not d.learns and d.group == "splitting")


@pytest.mark.parametrize("type_id", NODE_IDS)
def test_fit_apply_round_trip(type_id: str, train_test: Any) -> None:
    X, y, _, _ = train_test
    record = _fit(type_id, X, y)
    assert record.node_type == type_id
    assert record.node_id == "n1"
    assert isinstance(record.version, int)
    out, out_y = get_node(type_id).apply(X, y, record, CTX)
    assert isinstance(out, pd.DataFrame)
    assert out_y is None or len(out_y) == len(out)
    for col in record.created_columns():
        assert col in out.columns


@pytest.mark.parametrize("type_id", NODE_IDS)
def test_record_json_round_trip_gives_identical_output(type_id: str, train_test: Any) -> None:
    X, y, X_test, y_test = train_test
    definition = get_node(type_id)
    record = _fit(type_id, X, y)
    text = record.model_dump_json()
    reloaded = definition.load_record(json.loads(text))
    assert reloaded == record
    expected, _ = definition.apply(X_test, y_test, record, CTX)
    got, _ = definition.apply(X_test, y_test, reloaded, CTX)
    pd.testing.assert_frame_equal(expected, got)


@pytest.mark.parametrize("type_id", NODE_IDS)
def test_fit_and_apply_do_not_mutate_input(type_id: str, train_test: Any) -> None:
    X, y, X_test, y_test = train_test
    X_before, y_before, test_before = X.copy(), y.copy(), X_test.copy()
    record = _fit(type_id, X, y)
    get_node(type_id).apply(X_test, y_test, record, CTX)
    pd.testing.assert_frame_equal(X, X_before)
    pd.testing.assert_series_equal(y, y_before)
    pd.testing.assert_frame_equal(X_test, test_before)


@pytest.mark.parametrize("type_id", NODE_IDS)
def test_apply_on_unseen_rows_and_single_row(type_id: str, train_test: Any) -> None:
    X, y, X_test, _ = train_test
    definition = get_node(type_id)
    record = _fit(type_id, X, y)
    if definition.train_only:
        return
    full, _ = definition.apply(X_test, None, record, CTX)
    assert len(full) == len(X_test)
    # A single row gives the same values as that row inside a batch (the prediction fast path).
    one, _ = definition.apply(X_test.iloc[[5]], None, record, CTX)
    assert list(one.columns) == list(full.columns)
    pd.testing.assert_frame_equal(one, full.iloc[[5]], check_dtype=False)


@pytest.mark.parametrize("type_id", NODE_IDS)
def test_apply_on_empty_frame(type_id: str, train_test: Any) -> None:
    X, y, _, _ = train_test
    record = _fit(type_id, X, y)
    out, _ = get_node(type_id).apply(X.iloc[:0], None, record, CTX)
    assert len(out) == 0


@pytest.mark.parametrize("type_id", NODE_IDS)
def test_apply_before_fit_is_a_clear_error(type_id: str, train_test: Any) -> None:
    X, _, _, _ = train_test
    with pytest.raises(NodeError, match=r"node 'n1'.*has not been fitted") as info:
        get_node(type_id).apply(X, None, None, CTX)
    assert info.value.details["node"] == "n1"


@pytest.mark.parametrize("type_id", NODE_IDS)
def test_fit_on_empty_frame_is_a_clear_error(type_id: str, train_test: Any) -> None:
    X, y, _, _ = train_test
    with pytest.raises(NodeError, match=r"n1.*no rows"):
        get_node(type_id).fit(X.iloc[:0], y.iloc[:0], CONTRACT_PARAMS[type_id], CTX)


@pytest.mark.parametrize("type_id", NODE_IDS)
def test_missing_input_column_names_column_and_node(type_id: str, train_test: Any) -> None:
    X, y, X_test, _ = train_test
    record = _fit(type_id, X, y)
    if not record.columns:
        # A node that reads no column must not care which columns arrive.
        out, _ = get_node(type_id).apply(X_test.drop(columns=["income"]), None, record, CTX)
        assert "income" not in out.columns
        return
    gone = record.columns[0]
    with pytest.raises(NodeError, match=f"node 'n1'.*'{gone}'") as info:
        get_node(type_id).apply(X_test.drop(columns=[gone]), None, record, CTX)
    assert info.value.details["column"] == gone


@pytest.mark.parametrize("type_id", NODE_IDS)
def test_unknown_parameter_is_rejected_naming_the_field(type_id: str, train_test: Any) -> None:
    X, y, _, _ = train_test
    with pytest.raises(NodeError, match="bogus") as info:
        get_node(type_id).fit(X, y, {"bogus": 1}, CTX)
    assert info.value.details["field"] == "bogus"
    assert info.value.details["node"] == "n1"


@pytest.mark.parametrize("type_id", NODE_IDS)
def test_record_of_another_node_is_refused(type_id: str, train_test: Any) -> None:
    X, y, _, _ = train_test
    other = next(t for t in NODE_IDS if t != type_id)
    record = _fit(other, X, y)
    with pytest.raises(NodeError, match=f"record of type {other}"):
        get_node(type_id).apply(X, None, record, CTX)


def _resamples(definition: NodeDefinition) -> bool:
    """Train-only nodes either filter rows or, in the resampling group, rebuild the train rows."""
    return definition.train_only and definition.group == "resampling"


@pytest.mark.parametrize("type_id", NODE_IDS)
def test_infinite_and_missing_values_do_not_crash(type_id: str, train_test: Any) -> None:
    X, y, X_test, y_test = train_test
    X = X.copy()
    X.loc[X.index[:3], "age"] = np.inf
    X.loc[X.index[3:6], "income"] = -np.inf
    definition = get_node(type_id)
    record = _fit(type_id, X, y)
    if not definition.train_only:
        out, _ = definition.apply(X_test, None, record, CTX)
        assert len(out) == len(X_test)
        return
    # Train-only nodes only ever run on a train split, whose target is known.
    out, out_y = definition.apply(X_test, y_test, record, CTX)
    assert out_y is not None and len(out_y) == len(out)
    if not _resamples(definition):
        assert len(out) <= len(X_test)  # row filters may drop rows, never add them


@pytest.mark.parametrize("type_id", [t for t in NODE_IDS if get_node(t).train_only])
def test_train_only_node_keeps_rows_and_target_together(type_id: str, train_test: Any) -> None:
    X, y, _, _ = train_test
    definition = get_node(type_id)
    record = _fit(type_id, X, y)
    out, out_y = definition.apply(X, y, record, CTX)
    assert out_y is not None
    assert out.index.equals(out_y.index)
    if _resamples(definition):
        # Resamplers may add or remove rows; they never invent a class or lose a column.
        assert list(out.columns) == list(X.columns)
        assert set(out_y.unique()) <= set(y.unique())
    else:
        # A row filter returns some of its input rows, untouched, with their own targets.
        assert out.index.isin(X.index).all()
        pd.testing.assert_frame_equal(out, X.loc[out.index])
        pd.testing.assert_series_equal(out_y, y.loc[out.index])


def _fit_or_node_error(type_id: str, X: pd.DataFrame, y: pd.Series) -> FittedRecord | None:
    """Fitting may refuse the data, but only with a NodeError naming the node."""
    try:
        return _fit(type_id, X, y)
    except NodeError as e:
        assert e.details.get("node") == "n1", e
        return None


@pytest.mark.parametrize("type_id", NODE_IDS)
def test_constant_and_all_missing_columns_are_defined_behaviour(
    type_id: str, train_test: Any
) -> None:
    X, y, X_test, _ = train_test
    X = X.copy()
    X["age"] = 42.0  # constant
    X["income"] = np.nan  # all missing
    record = _fit_or_node_error(type_id, X, y)
    if record is None:
        return
    definition = get_node(type_id)
    try:
        out, _ = definition.apply(X_test, None, record, CTX)
    except NodeError as e:
        assert e.details.get("node") == "n1", e
        return
    if not definition.train_only:
        assert len(out) == len(X_test)


@pytest.mark.parametrize("type_id", NODE_IDS)
def test_unknown_categories_at_apply_are_defined_behaviour(type_id: str, train_test: Any) -> None:
    X, y, X_test, _ = train_test
    record = _fit(type_id, X, y)
    unseen = X_test.copy()
    unseen["city"] = "Atlantis"
    unseen["plan_type"] = "platinum"
    definition = get_node(type_id)
    try:
        out, _ = definition.apply(unseen, None, record, CTX)
    except NodeError as e:
        assert e.details.get("node") == "n1", e
        return
    if not definition.train_only:
        assert len(out) == len(unseen)


# ---------------------------------------------------------------------------- fan-in nodes
# A node with several inputs (merge) also goes through its fan-in entry points: fitted on two
# inputs over the train rows that share a column, applied to the same two inputs of unseen rows.

FAN_IN_IDS = [t for t in NODE_IDS if get_node(t).fan_in is not None]


def test_merge_is_the_fan_in_node() -> None:
    assert FAN_IN_IDS == ["merge"]


def _inputs(X: pd.DataFrame) -> list[pd.DataFrame]:
    return [X[["age", "income", "city"]], X[["income", "tenure_months"]]]


@pytest.mark.parametrize("type_id", FAN_IN_IDS)
def test_fan_in_fit_apply_and_json_round_trip(type_id: str, train_test: Any) -> None:
    X, _, X_test, _ = train_test
    definition = get_node(type_id)
    record = definition.fit_inputs(_inputs(X), CONTRACT_PARAMS[type_id], CTX)
    out = definition.apply_inputs(_inputs(X_test), record, CTX)
    assert len(out) == len(X_test) and out.index.equals(X_test.index)
    assert not out.columns.duplicated().any()
    reloaded = definition.load_record(json.loads(record.model_dump_json()))
    pd.testing.assert_frame_equal(out, definition.apply_inputs(_inputs(X_test), reloaded, CTX))
    one = definition.apply_inputs(_inputs(X_test.iloc[[3]]), record, CTX)
    pd.testing.assert_frame_equal(one, out.iloc[[3]])
    for col in record.created_columns():
        assert col in out.columns


@pytest.mark.parametrize("type_id", FAN_IN_IDS)
def test_fan_in_errors_name_node_and_column(type_id: str, train_test: Any) -> None:
    X, _, X_test, _ = train_test
    definition = get_node(type_id)
    with pytest.raises(NodeError, match=r"node 'n1'.*not been fitted"):
        definition.apply_inputs(_inputs(X_test), None, CTX)
    with pytest.raises(NodeError, match=r"n1.*no rows"):
        definition.fit_inputs(_inputs(X.iloc[:0]), CONTRACT_PARAMS[type_id], CTX)
    record = definition.fit_inputs(_inputs(X), CONTRACT_PARAMS[type_id], CTX)
    gone = record.columns[0]
    parts = [p.drop(columns=[gone]) for p in _inputs(X_test)]
    with pytest.raises(NodeError, match=f"node 'n1'.*'{gone}'") as info:
        definition.apply_inputs(parts, record, CTX)
    assert info.value.details["column"] == gone


@pytest.mark.parametrize("type_id", [t for t in NODE_IDS if get_node(t).fan_in is None])
def test_one_input_nodes_refuse_several_inputs(type_id: str, train_test: Any) -> None:
    X, _, _, _ = train_test
    with pytest.raises(NodeError, match="takes one input"):
        get_node(type_id).fit_inputs(_inputs(X), CONTRACT_PARAMS[type_id], CTX)
