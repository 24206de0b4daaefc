"""Inputs of the inference fast path: rows or a frame as ``{column: 1-D array}``, cast like conform.

The arrays carry the dtypes :func:`skyulf_core.bundle.signature.conform` produces — float64,
int64 (an integer column without missing values), bool, and text as an object array with NaN for
missing — so the nodes' array appliers see what their pandas appliers see. Anything the cheap
casts below are not sure to treat exactly like ``conform`` (numbers sent as text, boolean words,
datetimes, numpy scalars in a list) makes them return ``None``; the caller then runs ``conform``
itself, which keeps every cast and every error message identical on both paths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from skyulf_core.bundle.signature import InputColumn, Signature, check_columns
from skyulf_core.nodes.base import Columns
from skyulf_errors import InvalidArgument

# dtype kinds the array path carries: float, signed/unsigned int, bool, object (text).
_ARRAY_KINDS = frozenset("fiubO")


def frame_columns(df: pd.DataFrame) -> Columns | None:
    """A frame's columns as arrays, text as object arrays; ``None`` for other dtypes."""
    out: Columns = {}
    for name in df.columns:
        series = df[name]
        dtype = series.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in _ARRAY_KINDS:
            out[str(name)] = series.to_numpy()
        elif ptypes.is_string_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
            out[str(name)] = series.to_numpy(dtype=object, na_value=np.nan)
        else:
            return None
    return out


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _numbers(values: Sequence[Any] | np.ndarray, integer: bool) -> np.ndarray | None:
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
        floats = values.astype("float64")
    else:
        items = values.tolist() if isinstance(values, np.ndarray) else values
        if not all(v is None or _is_number(v) for v in items):
            return None
        floats = np.array([np.nan if v is None else v for v in items], dtype="float64")
    # conform's rule: an integer column stays int64 when every value is a finite whole number.
    if integer and np.isfinite(floats).all() and (floats == np.round(floats)).all():
        return floats.astype("int64")
    return floats


def _texts(values: Sequence[Any] | np.ndarray) -> np.ndarray | None:
    items = values.tolist() if isinstance(values, np.ndarray) else values
    if not all(isinstance(v, str) or _is_missing(v) for v in items):
        return None
    out = np.empty(len(items), dtype=object)
    out[:] = [np.nan if _is_missing(v) else str(v) for v in items]
    return out


def _booleans(values: Sequence[Any] | np.ndarray) -> np.ndarray | None:
    if isinstance(values, np.ndarray) and values.dtype.kind == "b":
        return values
    items = values.tolist() if isinstance(values, np.ndarray) else values
    if not all(isinstance(v, bool | np.bool_) for v in items):
        return None
    return np.array(items, dtype=bool)


def cast_values(values: Sequence[Any] | np.ndarray, spec: InputColumn) -> np.ndarray | None:
    """One input column cast to its training kind, or ``None`` when conform must decide."""
    if spec.kind in ("integer", "float"):
        return _numbers(values, spec.kind == "integer")
    if spec.kind == "string":
        return _texts(values)
    if spec.kind == "boolean":
        return _booleans(values)
    return None


def frame_inputs(df: pd.DataFrame, signature: Signature) -> Columns | None:
    """The signature's columns of ``df`` cast to their kinds; ``None`` when conform must run."""
    if not isinstance(df, pd.DataFrame):
        return None
    check_columns(df.columns, signature)
    out: Columns = {}
    for spec in signature.inputs:
        series = df[spec.name]
        dtype = series.dtype
        if isinstance(dtype, np.dtype):
            values = series.to_numpy()
        elif ptypes.is_string_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
            values = series.to_numpy(dtype=object, na_value=np.nan)
        else:
            return None
        cast = cast_values(values, spec)
        if cast is None:
            return None
        out[spec.name] = cast
    return out


def columns_frame(cols: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """``{column: 1-D array}`` as a DataFrame; object arrays stay object columns (text)."""
    return pd.DataFrame(
        {
            name: pd.Series(values, dtype=object) if values.dtype == object else values
            for name, values in cols.items()
        }
    )


def column_inputs(cols: Mapping[str, np.ndarray], signature: Signature) -> Columns | None:
    """Like :func:`frame_inputs` for :func:`columns_frame` of ``cols``, without building it."""
    check_columns(cols, signature)
    out: Columns = {}
    for spec in signature.inputs:
        cast = cast_values(cols[spec.name], spec)
        if cast is None:
            return None
        out[spec.name] = cast
    return out


def check_rows(rows: object) -> list[Mapping[str, Any]]:
    """``rows`` must be a list of objects (one per row) mapping column names to values."""
    if not isinstance(rows, list | tuple) or not all(isinstance(r, Mapping) for r in rows):
        raise InvalidArgument(
            "prediction rows must be a list of objects mapping column names to values",
            details={"field": "inputs"},
        )
    return list(rows)


def row_inputs(rows: list[Mapping[str, Any]], signature: Signature) -> Columns | None:
    """Like :func:`frame_inputs` for ``pd.DataFrame(rows)``: an absent key is a missing value."""
    present: dict[str, None] = {}
    for row in rows:
        present.update(dict.fromkeys(row))
    check_columns(present, signature)
    out: Columns = {}
    for spec in signature.inputs:
        cast = cast_values([row.get(spec.name) for row in rows], spec)
        if cast is None:
            return None
        out[spec.name] = cast
    return out
