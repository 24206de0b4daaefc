"""Value rewriting (stateless): ValueReplacement and InvalidValueReplacement.

Both compute on plain arrays (see ``_value_arrays``), so the array applier is the applier, and the
output dtype follows from the parameters and the input dtype, never from which values a batch
happens to hold: one prediction row gets the dtype a whole batch gets.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd

from skyulf_core.nodes._value_arrays import as_floats, column_values, is_missing, like_input
from skyulf_core.nodes.base import (
    Columns,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    same_columns,
)
from skyulf_core.nodes.columns import resolve_columns
from skyulf_errors import NodeError

Scalar = str | int | float | bool

# --------------------------------------------------------------------------- ValueReplacement


class ValueReplacementParams(ColumnsParams):
    """``mapping`` {old: new} and/or ``to_replace`` (one value or a list) + ``value``; a new value
    of null means missing. Mapping keys are JSON strings, so a key that reads as a number also
    matches that number in numeric columns ("-999" matches -999 and -999.0)."""

    mapping: dict[str, Scalar | None] = {}
    to_replace: Scalar | list[Scalar] | None = None
    value: Scalar | None = None


class ValueReplacementRecord(FittedRecord):
    node_type: str = "ValueReplacement"
    pairs: list[tuple[Scalar, Scalar | None]]


def _number_key(old: Scalar) -> float | None:
    if isinstance(old, bool):
        return None
    if isinstance(old, int | float):
        return float(old)
    try:
        number = float(old.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _replace_numeric(values: np.ndarray, pairs: list[tuple[Scalar, Scalar | None]]) -> np.ndarray:
    news = [new for _, new in pairs]
    floats = values.astype("float64")
    masks = [(floats == key, new) for old, new in pairs if (key := _number_key(old)) is not None]
    if any(isinstance(n, str | bool) for n in news):
        out = values.astype(object)
        for mask, new in masks:
            out[mask] = np.nan if new is None else new
        return out
    whole = values.dtype.kind in "iu" and all(isinstance(n, int) for n in news)
    out = values.copy() if whole else floats.copy()
    for mask, new in masks:
        out[mask] = np.nan if new is None else new
    return out


_NO_MATCH = object()


def _replace_objects(values: np.ndarray, pairs: list[tuple[Scalar, Scalar | None]]) -> np.ndarray:
    by_text = {str(old): new for old, new in pairs}
    by_number = {k: new for old, new in pairs if (k := _number_key(old)) is not None}
    out = values.copy()
    for i, v in enumerate(values):
        if isinstance(v, str):
            hit = by_text.get(v, _NO_MATCH)
        elif is_missing(v) or isinstance(v, bool | np.bool_):
            continue
        elif isinstance(v, int | float | np.number):
            hit = by_number.get(float(v), _NO_MATCH)
        else:
            continue
        if hit is not _NO_MATCH:
            out[i] = np.nan if hit is None else hit
    return out


def _replace(values: np.ndarray, record: ValueReplacementRecord) -> np.ndarray:
    if values.dtype.kind in "iuf":
        return _replace_numeric(values, record.pairs)
    if values.dtype.kind == "b":
        return _replace_objects(values.astype(object), record.pairs)
    return _replace_objects(values, record.pairs)


def _fit_replacement(
    X: pd.DataFrame, y: pd.Series | None, params: ValueReplacementParams, ctx: NodeContext
) -> ValueReplacementRecord:
    pairs: list[tuple[Scalar, Scalar | None]] = list(params.mapping.items())
    if params.to_replace is not None:
        olds = params.to_replace if isinstance(params.to_replace, list) else [params.to_replace]
        pairs += [(old, params.value) for old in olds]
    if not pairs:
        raise NodeError(
            f"node '{ctx.node_id}' (ValueReplacement): give a mapping or to_replace",
            node_id=ctx.node_id,
            node_type="ValueReplacement",
            field="mapping",
        )
    columns = resolve_columns(X, params.columns, ctx, "ValueReplacement")
    return ValueReplacementRecord(node_id=ctx.node_id, columns=columns, pairs=pairs)


def _apply_replacement(
    X: pd.DataFrame, y: pd.Series | None, record: ValueReplacementRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    if not record.columns:
        return X, y
    out = X.copy(deep=False)
    for col in record.columns:
        out[col] = like_input(_replace(column_values(X[col]), record), X[col])
    return out, y


def _replacement_arrays(cols: Columns, record: ValueReplacementRecord) -> Columns:
    out = dict(cols)
    for col in record.columns:
        out[col] = _replace(cols[col], record)
    return out


VALUE_REPLACEMENT: NodeDefinition[ValueReplacementParams, ValueReplacementRecord] = NodeDefinition(
    id="ValueReplacement",
    group="cleaning",
    description="Replaces listed values with others or with missing (e.g. -999 to missing).",
    params_model=ValueReplacementParams,
    record_model=ValueReplacementRecord,
    learns=False,
    train_only=False,
    calculator=_fit_replacement,
    applier=_apply_replacement,
    column_flow=same_columns,
    array_applier=_replacement_arrays,
)

# --------------------------------------------------------------------------- InvalidValueReplacement

InvalidMode = Literal[
    "negative_to_nan", "zero_to_nan", "percentage_bounds", "age_bounds", "custom_range"
]
_BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "percentage_bounds": (0.0, 100.0),
    "age_bounds": (0.0, 120.0),
}


class InvalidValueReplacementParams(ColumnsParams):
    """Numeric columns only. Bounds are inclusive: a value equal to a bound is kept."""

    mode: InvalidMode = "negative_to_nan"
    min_value: float | None = None
    max_value: float | None = None
    replace_inf: bool = True


class InvalidValueReplacementRecord(FittedRecord):
    node_type: str = "InvalidValueReplacement"
    mode: InvalidMode
    min_value: float | None
    max_value: float | None
    replace_inf: bool


def _invalid_to_nan(values: np.ndarray, record: InvalidValueReplacementRecord) -> np.ndarray:
    floats = as_floats(values)
    with np.errstate(invalid="ignore"):
        if record.mode == "negative_to_nan":
            bad = floats < 0
        elif record.mode == "zero_to_nan":
            bad = floats == 0
        else:
            low, high = _BOUNDS.get(record.mode, (record.min_value, record.max_value))
            bad = np.zeros(len(floats), dtype=bool)
            if low is not None:
                bad |= floats < low
            if high is not None:
                bad |= floats > high
    if record.replace_inf:
        bad |= np.isinf(floats)
    return np.where(bad, np.nan, floats)


def _fit_invalid(
    X: pd.DataFrame, y: pd.Series | None, params: InvalidValueReplacementParams, ctx: NodeContext
) -> InvalidValueReplacementRecord:
    problem = None
    if params.mode == "custom_range" and params.min_value is None and params.max_value is None:
        problem = "custom_range needs min_value or max_value"
    elif (
        params.min_value is not None
        and params.max_value is not None
        and params.min_value > params.max_value
    ):
        problem = f"min_value {params.min_value} exceeds max_value {params.max_value}"
    if problem is not None:
        raise NodeError(
            f"node '{ctx.node_id}' (InvalidValueReplacement): {problem}",
            node_id=ctx.node_id,
            node_type="InvalidValueReplacement",
            field="min_value",
        )
    columns = resolve_columns(X, params.columns, ctx, "InvalidValueReplacement", "numeric")
    return InvalidValueReplacementRecord(
        node_id=ctx.node_id,
        columns=columns,
        mode=params.mode,
        min_value=params.min_value,
        max_value=params.max_value,
        replace_inf=params.replace_inf,
    )


def _apply_invalid(
    X: pd.DataFrame, y: pd.Series | None, record: InvalidValueReplacementRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    if not record.columns:
        return X, y
    new = {c: _invalid_to_nan(column_values(X[c]), record) for c in record.columns}
    return X.assign(**new), y


def _invalid_arrays(cols: Columns, record: InvalidValueReplacementRecord) -> Columns:
    out = dict(cols)
    for col in record.columns:
        out[col] = _invalid_to_nan(cols[col], record)
    return out


INVALID_VALUE_REPLACEMENT: NodeDefinition[
    InvalidValueReplacementParams, InvalidValueReplacementRecord
] = NodeDefinition(
    id="InvalidValueReplacement",
    group="cleaning",
    description="Turns impossible numbers (negative, zero, out of a range, ±inf) into missing.",
    params_model=InvalidValueReplacementParams,
    record_model=InvalidValueReplacementRecord,
    learns=False,
    train_only=False,
    calculator=_fit_invalid,
    applier=_apply_invalid,
    column_flow=same_columns,
    array_applier=_invalid_arrays,
)

NODES: list[NodeDefinition] = [VALUE_REPLACEMENT, INVALID_VALUE_REPLACEMENT]
