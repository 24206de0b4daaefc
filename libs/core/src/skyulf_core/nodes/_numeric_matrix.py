"""Float matrices for the model-based imputers, from a frame or from the array path's columns.

±inf counts as missing (as everywhere in the missing-value group); text that is not a number is
the same error on both paths.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from skyulf_core.nodes.base import Columns, NodeContext
from skyulf_core.nodes.columns import numeric_frame
from skyulf_errors import NodeError


def _non_numeric(node_id: str, node_type: str, col: str) -> NodeError:
    return NodeError(
        f"node '{node_id}' ({node_type}): column '{col}' has non-numeric values",
        node_id=node_id,
        node_type=node_type,
        column=col,
    )


def frame_matrix(
    X: pd.DataFrame, columns: list[str], ctx: NodeContext, node_type: str
) -> np.ndarray:
    matrix = numeric_frame(X, columns, ctx, node_type)
    return np.where(np.isfinite(matrix), matrix, np.nan)


def _object_floats(values: np.ndarray, node_id: str, node_type: str, col: str) -> np.ndarray:
    out = np.empty(len(values), dtype="float64")
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and v != v):
            out[i] = np.nan
            continue
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            raise _non_numeric(node_id, node_type, col) from None
    return out


def columns_matrix(cols: Columns, columns: list[str], node_id: str, node_type: str) -> np.ndarray:
    n = len(cols[columns[0]]) if columns else 0
    matrix = np.empty((n, len(columns)), dtype="float64")
    for j, col in enumerate(columns):
        values = cols[col]
        if values.dtype.kind in "fiub":
            matrix[:, j] = values
        else:
            matrix[:, j] = _object_floats(values, node_id, node_type, col)
    return np.where(np.isfinite(matrix), matrix, np.nan)


def nullable(matrix: np.ndarray) -> list[list[float | None]]:
    """A matrix as JSON-safe rows: NaN becomes null (JSON has no NaN)."""
    return [[None if v != v else v for v in row] for row in matrix.tolist()]


def from_nullable(rows: list[list[float | None]], n_columns: int) -> np.ndarray:
    if not rows:
        return np.empty((0, n_columns), dtype="float64")
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype="float64")
