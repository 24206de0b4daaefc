"""Every node's array applier (the inference fast path) gives exactly its pandas applier's output.

Runs over every registered node that has an ``array_applier``, with the parameters of the
contract suite (contract_params/*.json): fitted on the churn train split, compared on the whole
test split, on single rows, and on rows holding NaN, ±inf and missing text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from skyulf_core.bundle.fastpath import frame_columns
from skyulf_core.nodes import FittedRecord, NodeContext, NodeDefinition, get_node, node_types
from skyulf_errors import NodeError

PARAMS_DIR = Path(__file__).parent / "contract_params"
CONTRACT_PARAMS: dict[str, dict[str, Any]] = {
    node_id: params
    for path in sorted(PARAMS_DIR.glob("*.json"))
    for node_id, params in json.loads(path.read_text()).items()
}
CTX = NodeContext(node_id="n1", target="churned")
WITH_ARRAYS = [t for t in node_types() if get_node(t).array_applier is not None]


def test_the_slice_nodes_have_array_appliers() -> None:
    assert {"SimpleImputer", "OneHotEncoder", "StandardScaler"} <= set(WITH_ARRAYS)


@pytest.fixture
def split(churn: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    X, y = churn.drop(columns=["churned"]), churn["churned"]
    return X.iloc[:200], y.iloc[:200], X.iloc[200:]


def _fit(definition: NodeDefinition, X: pd.DataFrame, y: pd.Series) -> FittedRecord:
    assert definition.id in CONTRACT_PARAMS, f"{definition.id} has no contract parameters"
    return definition.fit(X, y, CONTRACT_PARAMS[definition.id], CTX)


def _assert_same(definition: NodeDefinition, record: FittedRecord, X: pd.DataFrame) -> None:
    assert definition.array_applier is not None
    columns = frame_columns(X)
    assert columns is not None
    try:
        expected, _ = definition.apply(X, None, record, CTX)
    except NodeError as exc:
        with pytest.raises(NodeError) as info:
            definition.array_applier(columns, record)
        assert str(info.value) == str(exc)
        return
    got = definition.array_applier(columns, record)
    assert list(got) == [str(c) for c in expected.columns]
    assert all(isinstance(v, np.ndarray) and v.shape == (len(X),) for v in got.values())
    frame = pd.DataFrame(got, index=X.index)
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False, check_exact=True)


@pytest.mark.parametrize("type_id", WITH_ARRAYS)
def test_array_applier_equals_applier_on_the_test_split(type_id: str, split: Any) -> None:
    X, y, X_test = split
    definition = get_node(type_id)
    record = _fit(definition, X, y)
    _assert_same(definition, record, X_test)


@pytest.mark.parametrize("type_id", WITH_ARRAYS)
def test_array_applier_equals_applier_on_single_rows(type_id: str, split: Any) -> None:
    X, y, X_test = split
    definition = get_node(type_id)
    record = _fit(definition, X, y)
    for i in range(0, len(X_test), 7):
        _assert_same(definition, record, X_test.iloc[[i]])


@pytest.mark.parametrize("type_id", WITH_ARRAYS)
def test_array_applier_equals_applier_on_missing_and_infinite(type_id: str, split: Any) -> None:
    X, y, X_test = split
    definition = get_node(type_id)
    record = _fit(definition, X, y)
    dirty = X_test.copy()
    numeric = [c for c in dirty.columns if pd.api.types.is_float_dtype(dirty[c].dtype)]
    text = [c for c in dirty.columns if pd.api.types.is_string_dtype(dirty[c].dtype)]
    for j, col in enumerate(numeric):
        dirty.loc[dirty.index[j::5], col] = [np.nan, np.inf, -np.inf][j % 3]
    for j, col in enumerate(text):
        dirty.loc[dirty.index[j::4], col] = None
    dirty.loc[dirty.index[1], text] = "never seen in training"
    _assert_same(definition, record, dirty)
    for i in range(6):
        _assert_same(definition, record, dirty.iloc[[i]])
