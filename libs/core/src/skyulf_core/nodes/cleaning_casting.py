"""Casting: converts columns to a numeric, text, boolean, categorical or datetime type.

The output dtype depends on the requested type only, never on the rows, so that one prediction row
gets the dtype a whole batch gets:

- integer types are pandas' nullable ``Int8``…``UInt64`` (a missing value needs no float);
  fractional, non-finite or out-of-range numbers are invalid, never truncated;
- ``bool`` is pandas' nullable ``boolean``; it accepts true/false, yes/no, y/n, t/f, on/off and
  1/0 in any case, and the numbers 1 and 0;
- ``string`` is pandas' ``str`` dtype; ``float`` means float64;
- ``category`` uses the categories given in ``categories``, else those seen at fit time
  (sorted), so unseen values become missing;
- ``datetime`` (``datetime64[us]``) parses text with the format given in ``datetime_formats``,
  else the format guessed from the first training value (ISO 8601 when none is found);
  time-zone-aware values are converted to naive UTC.

Learning the categories or the format reads the rows, so Casting counts as a learning node (it
belongs after the split) unless every category and datetime column has them given.

Invalid values become missing when ``coerce_on_error`` is true, and raise an error naming the
column and the first bad value otherwise. On the array path (no pandas) an integer or boolean
column holding a missing value comes out as float64 with NaN, numpy having no nullable integers,
and a category column as an object array of its values (numpy has no categorical type either).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

from skyulf_core.nodes._value_arrays import column_values, is_missing
from skyulf_core.nodes.base import (
    Columns,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    NodeParams,
    same_columns,
)
from skyulf_core.nodes.columns import json_scalar
from skyulf_errors import NodeError

CastType = Literal[
    "float", "float32", "float64",
    "int", "int8", "int16", "int32", "int64",
    "uint8", "uint16", "uint32", "uint64",
    "string", "category", "bool", "datetime",
]  # fmt: skip
Scalar = str | int | float | bool
MAX_CATEGORIES = 10_000
_INT_DTYPES = {"int": "int64"} | {t: t for t in ("int8", "int16", "int32", "int64")}
_INT_DTYPES |= {t: t for t in ("uint8", "uint16", "uint32", "uint64")}
_FLOAT_DTYPES = {"float": "float64", "float32": "float32", "float64": "float64"}
_TRUE = frozenset({"true", "t", "yes", "y", "on", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "off", "0"})
_STR = pd.StringDtype(na_value=np.nan)


class CastingParams(NodeParams):
    column_types: dict[str, CastType] = {}
    coerce_on_error: bool = True
    # Given here, nothing is learned from the rows for these columns.
    categories: dict[str, list[Scalar]] = {}
    datetime_formats: dict[str, str] = {}


def _casting_learns(params: CastingParams) -> bool:
    return any(
        (kind == "category" and col not in params.categories)
        or (kind == "datetime" and col not in params.datetime_formats)
        for col, kind in params.column_types.items()
    )


class CastingRecord(FittedRecord):
    node_type: str = "Casting"
    column_types: dict[str, CastType]
    coerce_on_error: bool
    categories: dict[str, list[Scalar]] = {}
    datetime_formats: dict[str, str] = {}


class _Cast:
    """One column's conversion: ``values`` (output), ``missing`` and ``invalid`` masks."""

    def __init__(self, values: np.ndarray, missing: np.ndarray, invalid: np.ndarray) -> None:
        self.values, self.missing, self.invalid = values, missing, invalid


def _parse_number(v: object) -> float | None:
    """A value as a float (NaN when missing); ``None`` when it is not a number."""
    if is_missing(v):
        return np.nan
    if isinstance(v, bool | int | float | np.number | np.bool_):
        return float(v)
    if isinstance(v, str):
        text = v.strip()
        if not text:
            return np.nan
        try:
            return float(text)
        except ValueError:
            return None
    return None


def _as_numbers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if values.dtype.kind in "fiub":
        return values.astype("float64"), np.zeros(len(values), dtype=bool)
    parsed = [_parse_number(v) for v in values]
    invalid = np.fromiter((p is None for p in parsed), dtype=bool, count=len(values))
    floats = np.array([np.nan if p is None else p for p in parsed], dtype="float64")
    return floats, invalid


def _cast_float(values: np.ndarray, target: str) -> _Cast:
    floats, invalid = _as_numbers(values)
    missing = np.isnan(floats) | invalid
    return _Cast(floats.astype(_FLOAT_DTYPES[target]), missing, invalid)


def _cast_int(values: np.ndarray, target: str) -> _Cast:
    dtype = np.dtype(_INT_DTYPES[target])
    info = np.iinfo(dtype)
    if values.dtype.kind in "iub":
        ints = values.astype("int64") if values.dtype.kind != "u" else values
        invalid = (ints < info.min) | (ints > info.max)
        return _Cast(np.where(invalid, 0, ints).astype(dtype), invalid, invalid)
    floats, invalid = _as_numbers(values)
    missing = np.isnan(floats) & ~invalid
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(floats) | (floats != np.round(floats))
        bad |= (floats < info.min) | (floats > info.max)
    invalid |= bad & ~missing
    missing |= invalid
    ints = np.where(missing, 0, floats).astype(dtype)
    return _Cast(ints, missing, invalid)


def _to_bool(v: object) -> bool | None:
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, int | float | np.number):
        return True if v == 1 else False if v == 0 else None
    if isinstance(v, str):
        word = v.strip().casefold()
        return True if word in _TRUE else False if word in _FALSE else None
    return None


def _cast_bool(values: np.ndarray) -> _Cast:
    n = len(values)
    out = np.zeros(n, dtype=bool)
    missing = np.zeros(n, dtype=bool)
    invalid = np.zeros(n, dtype=bool)
    for i, v in enumerate(values):
        if is_missing(v) or (isinstance(v, str) and not v.strip()):
            missing[i] = True
            continue
        flag = _to_bool(v)
        if flag is None:
            invalid[i] = missing[i] = True
        else:
            out[i] = flag
    return _Cast(out, missing, invalid)


def _cast_string(values: np.ndarray) -> _Cast:
    out = np.empty(len(values), dtype=object)
    missing = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values):
        if is_missing(v):
            out[i], missing[i] = np.nan, True
        elif isinstance(v, str):
            out[i] = v
        else:
            out[i] = str(v.item() if isinstance(v, np.generic) else v)
    return _Cast(out, missing, np.zeros(len(values), dtype=bool))


def _cast_category(values: np.ndarray, categories: list[Scalar]) -> _Cast:
    known = {c: c for c in categories}
    out = np.empty(len(values), dtype=object)
    missing = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values):
        key = v.item() if isinstance(v, np.generic) else v
        found = None if is_missing(key) else known.get(key)  # type: ignore[arg-type]
        out[i] = np.nan if found is None else found
        missing[i] = found is None
    return _Cast(out, missing, np.zeros(len(values), dtype=bool))


def _parse_datetime(v: object, fmt: str) -> np.datetime64 | None:
    moment: datetime
    if isinstance(v, np.datetime64):
        return v.astype("datetime64[us]")
    if isinstance(v, datetime):
        moment = v
    elif isinstance(v, str):
        try:
            text = v.strip()
            moment = (
                datetime.fromisoformat(text) if fmt == "ISO8601" else datetime.strptime(text, fmt)
            )
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return np.datetime64(moment, "us")


def _cast_datetime(values: np.ndarray, fmt: str) -> _Cast:
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[us]")
    missing = np.zeros(len(values), dtype=bool)
    invalid = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values):
        if is_missing(v) or (isinstance(v, str) and not v.strip()):
            missing[i] = True
            continue
        parsed = _parse_datetime(v, fmt)
        if parsed is None or np.isnat(parsed):
            invalid[i] = missing[i] = True
        else:
            out[i] = parsed
    return _Cast(out, missing, invalid)


def _cast(values: np.ndarray, col: str, record: CastingRecord, node_id: str) -> _Cast:
    target = record.column_types[col]
    if target in _FLOAT_DTYPES:
        cast = _cast_float(values, target)
    elif target in _INT_DTYPES:
        cast = _cast_int(values, target)
    elif target == "bool":
        cast = _cast_bool(values)
    elif target == "string":
        cast = _cast_string(values)
    elif target == "category":
        cast = _cast_category(values, record.categories[col])
    else:
        cast = _cast_datetime(values, record.datetime_formats[col])
    if not record.coerce_on_error and cast.invalid.any():
        bad = values[int(np.flatnonzero(cast.invalid)[0])]
        raise NodeError(
            f"node '{node_id}' (Casting): column '{col}' value {bad!r} cannot be cast to {target}",
            node_id=node_id,
            node_type="Casting",
            column=col,
            field="column_types",
            details={"value": str(bad)},
        )
    return cast


def _as_series(cast: _Cast, col: str, record: CastingRecord, like: pd.Series) -> pd.Series:
    target = record.column_types[col]
    data: object
    if target in _INT_DTYPES:
        data = pd.arrays.IntegerArray(cast.values, cast.missing)
    elif target == "bool":
        data = pd.arrays.BooleanArray(cast.values, cast.missing)
    elif target == "string":
        data = pd.array(cast.values, dtype=_STR)
    elif target == "category":
        data = pd.Categorical(cast.values, categories=record.categories[col])
    else:
        data = cast.values
    return pd.Series(data, index=like.index, name=like.name)


def _learn_categories(values: np.ndarray, col: str, ctx: NodeContext) -> list[Scalar]:
    seen = {
        json_scalar(v)
        for v in values
        if not is_missing(v) and not (isinstance(v, float | np.floating) and not np.isfinite(v))
    }
    if len(seen) > MAX_CATEGORIES:
        raise NodeError(
            f"node '{ctx.node_id}' (Casting): column '{col}' has {len(seen)} distinct values, more "
            f"than the {MAX_CATEGORIES} a category type keeps; cast it to string instead",
            node_id=ctx.node_id,
            node_type="Casting",
            column=col,
            field="column_types",
        )
    return _sorted_scalars(seen)


def _sorted_scalars(values: set[Scalar] | list[Scalar]) -> list[Scalar]:
    unique = set(values)
    try:
        return sorted(unique)  # type: ignore[type-var]
    except TypeError:
        return sorted(unique, key=str)


def _learn_format(values: np.ndarray) -> str:
    first = next((v for v in values if isinstance(v, str) and v.strip()), None)
    fmt = None if first is None else guess_datetime_format(first.strip())
    return fmt or "ISO8601"


def _fit_casting(
    X: pd.DataFrame, y: pd.Series | None, params: CastingParams, ctx: NodeContext
) -> CastingRecord:
    categories: dict[str, list[Scalar]] = {}
    formats: dict[str, str] = {}
    for col, target in params.column_types.items():
        if col == ctx.target or col not in X.columns:
            reason = "is the target" if col == ctx.target else "is not in the input"
            raise NodeError(
                f"node '{ctx.node_id}' (Casting): column '{col}' {reason}",
                node_id=ctx.node_id,
                node_type="Casting",
                column=col,
                field="column_types",
            )
        if target == "category":
            given = params.categories.get(col)
            categories[col] = (
                _sorted_scalars(given) if given is not None
                else _learn_categories(column_values(X[col]), col, ctx)
            )  # fmt: skip
        elif target == "datetime":
            formats[col] = params.datetime_formats.get(col) or _learn_format(column_values(X[col]))
    record = CastingRecord(
        node_id=ctx.node_id,
        columns=list(params.column_types),
        column_types=params.column_types,
        coerce_on_error=params.coerce_on_error,
        categories=categories,
        datetime_formats=formats,
    )
    for col in record.columns:  # refuse at fit what the applier would refuse on the train rows
        _cast(column_values(X[col]), col, record, ctx.node_id)
    return record


def _apply_casting(
    X: pd.DataFrame, y: pd.Series | None, record: CastingRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    if not record.columns:
        return X, y
    out = X.copy(deep=False)
    for col in record.columns:
        cast = _cast(column_values(X[col]), col, record, ctx.node_id)
        out[col] = _as_series(cast, col, record, X[col])
    return out, y


def _cast_arrays(cols: Columns, record: CastingRecord) -> Columns:
    out = dict(cols)
    for col in record.columns:
        cast = _cast(cols[col], col, record, record.node_id)
        values = cast.values
        if values.dtype.kind in "iub" and cast.missing.any():
            values = np.where(cast.missing, np.nan, values.astype("float64"))
        out[col] = values
    return out


CASTING: NodeDefinition[CastingParams, CastingRecord] = NodeDefinition(
    id="Casting",
    group="cleaning",
    description="Casts columns to number, integer, text, boolean, category or datetime types.",
    params_model=CastingParams,
    record_model=CastingRecord,
    learns=True,
    learns_when=_casting_learns,
    train_only=False,
    calculator=_fit_casting,
    applier=_apply_casting,
    column_flow=same_columns,
    array_applier=_cast_arrays,
)

NODES: list[NodeDefinition] = [CASTING]
