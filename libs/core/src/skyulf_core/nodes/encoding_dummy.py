"""Encoding nodes (fit): DummyEncoder.

``pandas.get_dummies`` with the categories fixed at fit time: the output on the train split equals
``pd.get_dummies(X, columns=..., drop_first=..., dtype=float)`` (original columns dropped, one
``<column>_<category>`` column per sorted category appended in column order), and any other frame
gets exactly the same columns. Unknown and missing values give an all-zero row, like a category
``get_dummies`` never saw. The 0/1 columns are float64 (``get_dummies`` defaults to bool) so they
feed any model directly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel

from skyulf_core.nodes._categories import (
    Category,
    array_codes,
    check_new_names,
    observed_categories,
    replace_columns,
    resolve_categorical,
    series_codes,
)
from skyulf_core.nodes.base import (
    Columns,
    ColumnSet,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
)

NODE = "DummyEncoder"


class DummyEncoderParams(ColumnsParams):
    drop_first: bool = False


class DummyColumn(BaseModel):
    column: str
    categories: list[Category]
    # One output name per category; None = the category dropped by drop_first.
    outputs: list[str | None]


class DummyEncoderRecord(FittedRecord):
    node_type: str = NODE
    encoded: list[DummyColumn]

    def created_columns(self) -> list[str]:
        return [n for enc in self.encoded for n in enc.outputs if n is not None]


def _fit_dummy(
    X: pd.DataFrame, y: pd.Series | None, params: DummyEncoderParams, ctx: NodeContext
) -> DummyEncoderRecord:
    columns = resolve_categorical(X, params.columns, ctx, NODE)
    encoded: list[DummyColumn] = []
    for col in columns:
        cats = observed_categories(X[col])
        outputs: list[str | None] = [f"{col}_{c}" for c in cats]
        if params.drop_first and outputs:
            outputs[0] = None
        encoded.append(DummyColumn(column=col, categories=cats, outputs=outputs))
    names = [(e.column, n) for e in encoded for n in e.outputs if n is not None]
    check_new_names(X, columns, names, ctx, NODE)
    return DummyEncoderRecord(node_id=ctx.node_id, columns=columns, encoded=encoded)


def _dummies(codes: np.ndarray, enc: DummyColumn) -> dict[str, np.ndarray]:
    return {
        name: (codes == i).astype("float64")
        for i, name in enumerate(enc.outputs)
        if name is not None
    }


def _apply_dummy(
    X: pd.DataFrame, y: pd.Series | None, record: DummyEncoderRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    added: dict[str, np.ndarray] = {}
    for enc in record.encoded:
        added.update(_dummies(series_codes(X[enc.column], enc.categories), enc))
    out = X.drop(columns=record.columns)
    return pd.concat([out, pd.DataFrame(added, index=X.index)], axis=1), y


def _dummy_arrays(cols: Columns, record: DummyEncoderRecord) -> Columns:
    added: dict[str, np.ndarray] = {}
    for enc in record.encoded:
        added.update(_dummies(array_codes(cols[enc.column], enc.categories), enc))
    return replace_columns(cols, record.columns, added)


def _dummy_flow(columns: ColumnSet, params: DummyEncoderParams) -> ColumnSet:
    if params.columns is not None:
        columns = columns.without(params.columns)
    return ColumnSet(columns.names, open=True, removed=columns.removed)


DUMMY_ENCODER: NodeDefinition[DummyEncoderParams, DummyEncoderRecord] = NodeDefinition(
    id=NODE,
    group="encoding",
    description="Replaces categorical columns with one 0/1 column per category seen in "
    "training (pandas get_dummies with fixed categories).",
    params_model=DummyEncoderParams,
    record_model=DummyEncoderRecord,
    learns=True,
    train_only=False,
    calculator=_fit_dummy,
    applier=_apply_dummy,
    column_flow=_dummy_flow,
    array_applier=_dummy_arrays,
)

NODES: list[NodeDefinition] = [DUMMY_ENCODER]
