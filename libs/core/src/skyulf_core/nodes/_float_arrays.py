"""Float conversion of one input column on the array fast path (no pandas)."""

from __future__ import annotations

import numpy as np

from skyulf_errors import NodeError


def as_float_array(values: np.ndarray, column: str, node_id: str, node_type: str) -> np.ndarray:
    """``values`` as float64; ``None`` becomes NaN, text that is not a number is an error.

    Mirrors :func:`skyulf_core.nodes.columns.numeric_frame`, the applier's conversion, so both
    paths accept and refuse the same inputs.
    """
    try:
        return np.asarray(values, dtype="float64")
    except (TypeError, ValueError) as exc:
        raise NodeError(
            f"node '{node_id}' ({node_type}): column '{column}' has non-numeric values",
            node_id=node_id,
            node_type=node_type,
            column=column,
        ) from exc


def float_column(
    cols: dict[str, np.ndarray], column: str, node_id: str, node_type: str
) -> np.ndarray:
    """One column of a fast-path frame as float64; a missing column is an error naming it."""
    if column not in cols:
        raise NodeError(
            f"node '{node_id}' ({node_type}): column '{column}' is not in the input",
            node_id=node_id,
            node_type=node_type,
            column=column,
        )
    return as_float_array(cols[column], column, node_id, node_type)
