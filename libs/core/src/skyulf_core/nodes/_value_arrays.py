"""Element-wise helpers shared by the stateless value-rewriting nodes (cleaning group).

Those nodes compute on plain 1-D arrays, so that the pandas applier and the array applier (the
inference fast path) run the very same code and cannot drift apart. Missing text is ``None`` or
NaN, the two markers an object array carries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types as ptypes


def is_missing(value: object) -> bool:
    """The missing markers a cell of an object array can carry: None, pandas' NA/NaT, NaN."""
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float | np.floating) and value != value)
    )


def missing_mask(values: np.ndarray) -> np.ndarray:
    """Missing cells of a 1-D array: NaN and ±inf in floats, the markers above in objects."""
    kind = values.dtype.kind
    if kind == "f":
        return ~np.isfinite(values)
    if kind == "O":
        return np.fromiter((is_missing(v) for v in values), dtype=bool, count=len(values))
    if kind == "M" or kind == "m":
        return np.isnat(values)
    return np.zeros(len(values), dtype=bool)


def column_values(series: pd.Series) -> np.ndarray:
    """A column as the array path sees it: numpy numbers as they are, everything else as objects
    with NaN for missing."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "fiub":
        return series.to_numpy()
    return series.to_numpy(dtype=object, na_value=np.nan)


def like_input(values: np.ndarray, series: pd.Series) -> pd.Series:
    """An array as a column, keeping a text column's string dtype when the output is text."""
    dtype = series.dtype
    if (
        values.dtype == object
        and ptypes.is_string_dtype(dtype)
        and not isinstance(dtype, pd.CategoricalDtype)
        and all(isinstance(v, str) or is_missing(v) for v in values)
    ):
        return pd.Series(values, index=series.index, dtype=dtype, name=series.name)
    return pd.Series(values, index=series.index, name=series.name)


def map_text(values: np.ndarray, func: object) -> np.ndarray:
    """``func`` applied to every string of an object array; other values are kept as they are."""
    if values.dtype != object:
        return values
    out = np.empty(len(values), dtype=object)
    out[:] = [func(v) if isinstance(v, str) else v for v in values]  # type: ignore[operator]
    return out


def as_floats(values: np.ndarray) -> np.ndarray:
    """Numbers as float64 with NaN for missing; text that is not a number is NaN too."""
    if values.dtype.kind in "fiub":
        return values.astype("float64")
    out = np.empty(len(values), dtype="float64")
    for i, v in enumerate(values):
        if isinstance(v, bool | np.bool_) or is_missing(v):
            out[i] = np.nan if is_missing(v) else float(v)
        elif isinstance(v, int | float | np.number):
            out[i] = float(v)
        else:
            out[i] = np.nan
    return out
