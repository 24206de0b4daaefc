"""Scaling nodes (fit): StandardScaler.

Statistics follow scikit-learn: population variance, and a column whose variance is zero up to
rounding gets scale 1 so it maps to 0 instead of dividing by zero. NaN passes through unchanged
and, like ±inf, is ignored when fitting.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from skyulf_core.nodes.base import (
    Columns,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    same_columns,
)
from skyulf_core.nodes.columns import (
    finite_columns,
    numeric_frame,
)
from skyulf_errors import NodeError

_EPS = float(np.finfo(np.float64).eps)


class StandardScalerParams(ColumnsParams):
    with_mean: bool = True
    with_std: bool = True


class StandardScalerRecord(FittedRecord):
    node_type: str = "StandardScaler"
    means: list[float]
    scales: list[float]


def _is_constant(var: float, mean: float, n: int) -> bool:
    # Same bound as scikit-learn's _is_constant_feature: variance within float error of zero.
    upper = n * _EPS * var + (n * mean * _EPS) ** 2
    return var <= upper


def _fit_scaler(
    X: pd.DataFrame, y: pd.Series | None, params: StandardScalerParams, ctx: NodeContext
) -> StandardScalerRecord:
    columns, observed = finite_columns(X, params.columns, ctx, "StandardScaler")
    means: list[float] = []
    scales: list[float] = []
    for values in observed:
        mean = float(values.mean())
        var = float(values.var())
        scale = 1.0
        if params.with_std and not _is_constant(var, mean, values.size):
            scale = float(np.sqrt(var))
        means.append(mean if params.with_mean else 0.0)
        scales.append(scale)
    return StandardScalerRecord(node_id=ctx.node_id, columns=columns, means=means, scales=scales)


def _apply_scaler(
    X: pd.DataFrame, y: pd.Series | None, record: StandardScalerRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    if not record.columns:
        return X, y
    block = numeric_frame(X, record.columns, ctx, "StandardScaler")
    scaled = (block - np.asarray(record.means)) / np.asarray(record.scales)
    return X.assign(**{c: scaled[:, i] for i, c in enumerate(record.columns)}), y


def _scale_arrays(cols: Columns, record: StandardScalerRecord) -> Columns:
    """The applier on plain arrays; text that is not a number is the same error as there."""
    out = dict(cols)
    arrays = [cols[c] for c in record.columns]
    if arrays and all(a.dtype.kind in "fiub" for a in arrays):
        # Every column at once, as the frame applier does (the same float64 operations, so the
        # same bits): one subtraction and one division instead of three calls per column.
        block = np.column_stack(arrays).astype("float64", copy=False)
        scaled = (block - np.asarray(record.means)) / np.asarray(record.scales)
        for i, col in enumerate(record.columns):
            out[col] = scaled[:, i]
        return out
    for col, mean, scale in zip(record.columns, record.means, record.scales, strict=True):
        try:
            values = np.asarray(cols[col], dtype="float64")
        except (TypeError, ValueError) as exc:
            raise NodeError(
                f"node '{record.node_id}' (StandardScaler): column '{col}' has non-numeric values",
                node_id=record.node_id,
                node_type="StandardScaler",
                column=col,
            ) from exc
        out[col] = (values - mean) / scale
    return out


STANDARD_SCALER: NodeDefinition[StandardScalerParams, StandardScalerRecord] = NodeDefinition(
    id="StandardScaler",
    group="scaling",
    description="Centres numeric columns on the train mean and divides by the train standard "
    "deviation.",
    params_model=StandardScalerParams,
    record_model=StandardScalerRecord,
    learns=True,
    train_only=False,
    calculator=_fit_scaler,
    applier=_apply_scaler,
    column_flow=same_columns,
    array_applier=_scale_arrays,
)

NODES: list[NodeDefinition] = [STANDARD_SCALER]
