"""Adding computed columns to a frame or to a ``{column: array}`` batch in the same order.

Row-wise nodes compute their new columns once from column arrays; these two helpers put them in
place so the pandas applier and the array fast path return the same columns in the same order:
kept input columns first (a replaced column keeps its position), then the new ones.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from skyulf_core.nodes.base import Columns


def frame_with(
    X: pd.DataFrame, new: Mapping[str, np.ndarray], drop: Collection[str] = ()
) -> pd.DataFrame:
    """``X`` without ``drop``, with ``new`` replacing or appended; ``X`` is not modified."""
    out = X.drop(columns=list(drop)) if drop else X
    replaced = {k: v for k, v in new.items() if k in out.columns}
    added = {k: v for k, v in new.items() if k not in out.columns}
    if replaced:
        out = out.assign(**replaced)
    if added:
        out = pd.concat([out, pd.DataFrame(added, index=X.index)], axis=1)
    return out


def arrays_with(
    cols: Columns, new: Mapping[str, np.ndarray], drop: Collection[str] = ()
) -> Columns:
    """The array-batch twin of :func:`frame_with`."""
    gone = set(drop)
    out = {k: v for k, v in cols.items() if k not in gone}
    out.update(new)
    return out


def column_arrays(X: pd.DataFrame, columns: Collection[str]) -> Columns:
    """The arrays the fast path would receive for ``columns`` of ``X``."""
    return {c: X[c].to_numpy() for c in columns}


def float_array(values: np.ndarray) -> np.ndarray:
    """Numbers (or numeric text) as float64; missing values and other text become NaN."""
    arr = np.asarray(values)
    if arr.dtype.kind in "biuf":
        return arr.astype("float64")
    out = np.empty(arr.shape, dtype="float64")
    for i, v in enumerate(arr.tolist()):
        try:
            out[i] = np.nan if v is None else float(v)
        except (TypeError, ValueError):
            out[i] = np.nan
    return out
