"""Scaling nodes (fit): MinMaxScaler, MaxAbsScaler and RobustScaler.

Each equals its scikit-learn namesake: the same statistics and formulas, and a range, maximum or
quantile spread below ``10 * eps`` (a constant column) becomes 1 so the column is shifted, never
divided by zero (scikit-learn's ``_handle_zeros_in_scale``). When fitting, NaN and ±inf are
ignored (scikit-learn refuses ±inf); when applying, NaN passes through unchanged. A column with no
finite value is an error naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd
from pydantic import model_validator

from skyulf_core.nodes._categories import as_floats
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

_TINY = 10 * float(np.finfo(np.float64).eps)


class AffineRecord(FittedRecord):
    """Every scaler here is ``(x - centers) / scales * multipliers + offsets`` per column.

    Each scaler fills only the terms scikit-learn uses (the others are exact no-ops: 0 or 1), so
    the arithmetic, and its rounding, is scikit-learn's.
    """

    centers: list[float]
    scales: list[float]
    multipliers: list[float]
    offsets: list[float]

    def transform(self, block: np.ndarray) -> np.ndarray:
        centred = (block - np.asarray(self.centers)) / np.asarray(self.scales)
        return centred * np.asarray(self.multipliers) + np.asarray(self.offsets)


def _nonzero(scale: float) -> float:
    return 1.0 if scale < _TINY else scale


AR = TypeVar("AR", bound=AffineRecord)


def _record(
    record_model: type[AR],
    ctx: NodeContext,
    columns: list[str],
    *,
    centers: list[float] | None = None,
    scales: list[float] | None = None,
    multipliers: list[float] | None = None,
    offsets: list[float] | None = None,
) -> AR:
    """A record whose terms not given are neutral (0 to add, 1 to multiply or divide by)."""
    n = len(columns)
    return record_model(
        node_type=record_model.model_fields["node_type"].default,
        node_id=ctx.node_id,
        columns=columns,
        centers=centers if centers is not None else [0.0] * n,
        scales=scales if scales is not None else [1.0] * n,
        multipliers=multipliers if multipliers is not None else [1.0] * n,
        offsets=offsets if offsets is not None else [0.0] * n,
    )


def _affine_applier(node_type: str) -> Callable[..., tuple[pd.DataFrame, pd.Series | None]]:
    def apply(
        X: pd.DataFrame, y: pd.Series | None, record: AffineRecord, ctx: NodeContext
    ) -> tuple[pd.DataFrame, pd.Series | None]:
        if not record.columns:
            return X, y
        block = numeric_frame(X, record.columns, ctx, node_type)
        scaled = record.transform(block)
        return X.assign(**{c: scaled[:, i] for i, c in enumerate(record.columns)}), y

    return apply


def _affine_arrays(node_type: str) -> Callable[[Columns, AffineRecord], Columns]:
    def apply(cols: Columns, record: AffineRecord) -> Columns:
        if not record.columns:
            return dict(cols)
        block = np.column_stack(
            [as_floats(cols[c], c, record.node_id, node_type) for c in record.columns]
        )
        scaled = record.transform(block)
        return {**cols, **{c: scaled[:, i] for i, c in enumerate(record.columns)}}

    return apply


def _definition(
    node_id: str,
    description: str,
    params_model: type[ColumnsParams],
    record_model: type[AffineRecord],
    calculator: Callable[..., AffineRecord],
) -> NodeDefinition:
    return NodeDefinition(
        id=node_id,
        group="scaling",
        description=description,
        params_model=params_model,
        record_model=record_model,
        learns=True,
        train_only=False,
        calculator=calculator,
        applier=_affine_applier(node_id),
        column_flow=same_columns,
        array_applier=_affine_arrays(node_id),
    )


# ----------------------------------------------------------------------------- MinMaxScaler


class MinMaxScalerParams(ColumnsParams):
    feature_range: tuple[float, float] = (0.0, 1.0)

    @model_validator(mode="after")
    def _range_is_increasing(self) -> MinMaxScalerParams:
        low, high = self.feature_range
        if not low < high:
            raise ValueError("feature_range must be [min, max] with min < max")
        return self


class MinMaxScalerRecord(AffineRecord):
    node_type: str = "MinMaxScaler"


def _fit_minmax(
    X: pd.DataFrame, y: pd.Series | None, params: MinMaxScalerParams, ctx: NodeContext
) -> MinMaxScalerRecord:
    columns, values = finite_columns(X, params.columns, ctx, "MinMaxScaler")
    low, high = params.feature_range
    muls: list[float] = []
    offs: list[float] = []
    for v in values:
        data_min, data_max = float(v.min()), float(v.max())
        scale = (high - low) / _nonzero(data_max - data_min)
        muls.append(scale)
        offs.append(low - data_min * scale)
    return _record(MinMaxScalerRecord, ctx, columns, multipliers=muls, offsets=offs)


# ----------------------------------------------------------------------------- MaxAbsScaler


class MaxAbsScalerParams(ColumnsParams):
    pass


class MaxAbsScalerRecord(AffineRecord):
    node_type: str = "MaxAbsScaler"


def _fit_maxabs(
    X: pd.DataFrame, y: pd.Series | None, params: MaxAbsScalerParams, ctx: NodeContext
) -> MaxAbsScalerRecord:
    columns, values = finite_columns(X, params.columns, ctx, "MaxAbsScaler")
    scales = [_nonzero(float(np.abs(v).max())) for v in values]
    return _record(MaxAbsScalerRecord, ctx, columns, scales=scales)


# ----------------------------------------------------------------------------- RobustScaler


class RobustScalerParams(ColumnsParams):
    quantile_range: tuple[float, float] = (25.0, 75.0)
    with_centering: bool = True
    with_scaling: bool = True

    @model_validator(mode="after")
    def _range_is_valid(self) -> RobustScalerParams:
        low, high = self.quantile_range
        if not 0 <= low <= high <= 100:
            raise ValueError("quantile_range must be [low, high] with 0 <= low <= high <= 100")
        return self


class RobustScalerRecord(AffineRecord):
    node_type: str = "RobustScaler"


def _fit_robust(
    X: pd.DataFrame, y: pd.Series | None, params: RobustScalerParams, ctx: NodeContext
) -> RobustScalerRecord:
    columns, values = finite_columns(X, params.columns, ctx, "RobustScaler")
    centers: list[float] = []
    scales: list[float] = []
    for v in values:
        centers.append(float(np.median(v)) if params.with_centering else 0.0)
        scale = 1.0
        if params.with_scaling:
            q_low, q_high = np.percentile(v, params.quantile_range)
            scale = _nonzero(float(q_high - q_low))
        scales.append(scale)
    return _record(RobustScalerRecord, ctx, columns, centers=centers, scales=scales)


MIN_MAX_SCALER = _definition(
    "MinMaxScaler",
    "Rescales numeric columns linearly so the train minimum and maximum map to feature_range.",
    MinMaxScalerParams,
    MinMaxScalerRecord,
    _fit_minmax,
)
MAX_ABS_SCALER = _definition(
    "MaxAbsScaler",
    "Divides numeric columns by their largest absolute train value (keeps zeros and signs).",
    MaxAbsScalerParams,
    MaxAbsScalerRecord,
    _fit_maxabs,
)
ROBUST_SCALER = _definition(
    "RobustScaler",
    "Centres numeric columns on the train median and divides by the interquartile range.",
    RobustScalerParams,
    RobustScalerRecord,
    _fit_robust,
)

NODES: list[NodeDefinition] = [MIN_MAX_SCALER, MAX_ABS_SCALER, ROBUST_SCALER]
