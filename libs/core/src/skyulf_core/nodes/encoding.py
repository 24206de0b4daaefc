"""Encoding nodes (fit): OneHotEncoder.

Output matches scikit-learn's ``OneHotEncoder(sparse_output=False)``: categories sorted, one float
column per category named ``<column><sep><category>``; ``max_categories`` caps the output columns
per input column, the rarest categories sharing one ``<column><sep>infrequent_sklearn`` column
(the name scikit-learn and the original Skyulf use, so pipelines stay portable). Missing values
are not a category unless ``include_missing`` (then ``<column><sep>nan``); unknown values give
an all-zero row, or an error naming the column with ``handle_unknown='error'``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from skyulf_core.nodes.base import (
    Columns,
    ColumnSet,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
)
from skyulf_core.nodes.columns import is_categorical, json_scalar, resolve_columns
from skyulf_errors import NodeError

Category = str | int | float | bool
INFREQUENT = "infrequent_sklearn"
MISSING_NAME = "nan"


class OneHotEncoderParams(ColumnsParams):
    handle_unknown: Literal["ignore", "error"] = "ignore"
    drop_first: bool = False
    # None = no limit; a number beyond the category-type cap is a typo, not a plan.
    max_categories: int | None = Field(
        20, ge=1, le=10_000, description="null = no limit; a number is at most 10000"
    )
    include_missing: bool = False
    drop_original: bool = True
    prefix_separator: str = "_"


class EncodedColumn(BaseModel):
    """One input column: its frequent and infrequent categories and the output columns."""

    column: str
    frequent: list[Category]
    infrequent: list[Category] = []
    missing_is_category: bool = False
    # Output slot per group, in order: frequent..., [infrequent], [missing]; None = dropped.
    outputs: list[str | None]


class OneHotEncoderRecord(FittedRecord):
    node_type: str = "OneHotEncoder"
    encoded: list[EncodedColumn]
    handle_unknown: Literal["ignore", "error"]
    drop_original: bool

    def created_columns(self) -> list[str]:
        return [name for enc in self.encoded for name in enc.outputs if name is not None]


def _sorted_categories(values: list[object]) -> list[object]:
    try:
        return sorted(values)  # type: ignore[type-var]
    except TypeError:
        return sorted(values, key=lambda v: (type(v).__name__, str(v)))


def _encode_column(series: pd.Series, col: str, params: OneHotEncoderParams) -> EncodedColumn:
    counts = series.dropna().value_counts(sort=False)
    cats = _sorted_categories(list(counts.index))
    freq = [int(counts[c]) for c in cats]
    n_missing = int(series.isna().sum())
    with_missing = params.include_missing and n_missing > 0
    if with_missing:
        freq.append(n_missing)  # scikit-learn sorts the missing category last
    groups = len(freq)
    infrequent_idx: set[int] = set()
    if params.max_categories is not None and groups > 0 and groups >= params.max_categories:
        # max_categories counts the infrequent column too (scikit-learn's rule); the stable
        # sort over the sorted categories reproduces its tie-breaking exactly.
        order = np.argsort(np.asarray(freq), kind="mergesort")
        infrequent_idx = {int(i) for i in order[: groups - params.max_categories + 1]}
    missing_infrequent = with_missing and (groups - 1) in infrequent_idx
    frequent = [c for i, c in enumerate(cats) if i not in infrequent_idx]
    infrequent = [c for i, c in enumerate(cats) if i in infrequent_idx]
    sep = params.prefix_separator
    names: list[str | None] = [f"{col}{sep}{c}" for c in frequent]
    if infrequent or missing_infrequent:
        names.append(f"{col}{sep}{INFREQUENT}")
    if with_missing and not missing_infrequent:
        names.append(f"{col}{sep}{MISSING_NAME}")
    if params.drop_first and names:
        # Like scikit-learn, "first" is the first output column after grouping.
        names[0] = None
    return EncodedColumn(
        column=col,
        frequent=[json_scalar(c) for c in frequent],
        infrequent=[json_scalar(c) for c in infrequent],
        missing_is_category=with_missing,
        outputs=names,
    )


def _check_names(
    X: pd.DataFrame,
    record_cols: list[str],
    encoded: list[EncodedColumn],
    drop_original: bool,
    ctx: NodeContext,
) -> None:
    kept = set(X.columns) - (set(record_cols) if drop_original else set())
    seen: set[str] = set()
    for enc in encoded:
        for name in enc.outputs:
            if name is None:
                continue
            if name in kept or name in seen:
                raise NodeError(
                    f"node '{ctx.node_id}' (OneHotEncoder): output column '{name}' from column "
                    f"'{enc.column}' already exists; change prefix_separator or rename it",
                    node_id=ctx.node_id,
                    node_type="OneHotEncoder",
                    column=enc.column,
                )
            seen.add(name)


def _fit_onehot(
    X: pd.DataFrame, y: pd.Series | None, params: OneHotEncoderParams, ctx: NodeContext
) -> OneHotEncoderRecord:
    columns = resolve_columns(X, params.columns, ctx, "OneHotEncoder")
    if params.columns is None:
        columns = [c for c in columns if is_categorical(X[c])]
    encoded = [_encode_column(X[c], c, params) for c in columns]
    _check_names(X, columns, encoded, params.drop_original, ctx)
    return OneHotEncoderRecord(
        node_id=ctx.node_id,
        columns=columns,
        encoded=encoded,
        handle_unknown=params.handle_unknown,
        drop_original=params.drop_original,
    )


def _slots(series: pd.Series, enc: EncodedColumn, ctx: NodeContext, strict: bool) -> np.ndarray:
    """Index of the output group each row falls in; -1 = no group (unknown, or missing)."""
    n_freq = len(enc.frequent)
    known = [*enc.frequent, *enc.infrequent]
    # Each distinct value is looked up once: the rows take their value's index by its code.
    values, distinct = pd.factorize(series)
    found = pd.Index(known, dtype=object).get_indexer(pd.Index(distinct, dtype=object))
    codes = np.append(found, -1).astype(np.int64)[values]  # code -1 (missing) finds nothing
    slot = np.where(codes >= n_freq, n_freq, codes) if enc.infrequent else codes
    missing = series.isna().to_numpy()
    if strict:
        unknown = (codes < 0) & ~missing
        if unknown.any():
            sample = series[unknown].unique()[:5].tolist()
            raise NodeError(
                f"node '{ctx.node_id}' (OneHotEncoder): column '{enc.column}' has categories "
                f"not seen in training: {sample}",
                node_id=ctx.node_id,
                node_type="OneHotEncoder",
                column=enc.column,
            )
    if enc.missing_is_category:
        missing_slot = len(enc.outputs) - 1
        slot = np.where(missing, missing_slot, slot)
    return slot


def _apply_onehot(
    X: pd.DataFrame, y: pd.Series | None, record: OneHotEncoderRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    new_columns: dict[str, np.ndarray] = {}
    strict = record.handle_unknown == "error"
    rows = np.arange(len(X))
    for enc in record.encoded:
        slot = _slots(X[enc.column], enc, ctx, strict)
        block = np.zeros((len(X), len(enc.outputs)), dtype="float64")
        hit = slot >= 0
        block[rows[hit], slot[hit]] = 1.0
        for i, name in enumerate(enc.outputs):
            if name is not None:
                new_columns[name] = block[:, i]
    out = X.drop(columns=record.columns) if record.drop_original else X
    encoded = pd.DataFrame(new_columns, index=X.index)
    return pd.concat([out, encoded], axis=1), y


def _onehot_arrays(cols: Columns, record: OneHotEncoderRecord) -> Columns:
    """The applier on plain arrays: a dict look-up per value (Index.get_indexer's equality)."""
    dropped = set(record.columns) if record.drop_original else set()
    out = {c: v for c, v in cols.items() if c not in dropped}
    for enc in record.encoded:
        values = cols[enc.column]
        n_freq = len(enc.frequent)
        lookup = {c: i for i, c in enumerate(enc.frequent)}
        lookup.update(dict.fromkeys(enc.infrequent, n_freq))
        missing_slot = len(enc.outputs) - 1 if enc.missing_is_category else -1
        slots = np.empty(len(values), dtype=np.int64)
        unknown: list[object] = []
        for i, value in enumerate(values.tolist()):
            if value is None or value != value:
                slots[i] = missing_slot
                continue
            slot = lookup.get(value, -1)
            if slot < 0:
                unknown.append(value)
            slots[i] = slot
        if unknown and record.handle_unknown == "error":
            raise NodeError(
                f"node '{record.node_id}' (OneHotEncoder): column '{enc.column}' has categories "
                f"not seen in training: {list(dict.fromkeys(unknown))[:5]}",
                node_id=record.node_id,
                node_type="OneHotEncoder",
                column=enc.column,
            )
        for i, name in enumerate(enc.outputs):
            if name is not None:
                out[name] = (slots == i).astype("float64")
    return out


def _onehot_flow(columns: ColumnSet, params: OneHotEncoderParams) -> ColumnSet:
    # The output names depend on the categories seen in the data: the set stays open.
    if params.columns is not None and params.drop_original:
        columns = columns.without(params.columns)
    return ColumnSet(columns.names, open=True, removed=columns.removed)


ONE_HOT_ENCODER: NodeDefinition[OneHotEncoderParams, OneHotEncoderRecord] = NodeDefinition(
    id="OneHotEncoder",
    group="encoding",
    description="Expands categorical columns into one 0/1 column per category seen in training.",
    params_model=OneHotEncoderParams,
    record_model=OneHotEncoderRecord,
    learns=True,
    train_only=False,
    calculator=_fit_onehot,
    applier=_apply_onehot,
    column_flow=_onehot_flow,
    array_applier=_onehot_arrays,
)

NODES: list[NodeDefinition] = [ONE_HOT_ENCODER]
