"""Outliers: IQR, ZScore and ManualBounds remove rows (train only); Winsorize clips values.

Row filters are ``train_only``: they drop rows of the train split, so the model never learns from
them, and are skipped at inference, so prediction returns one output per input row. Shared rules
for every node here (EllipticEnvelope in ``outliers_elliptic`` follows them too):

- NaN is never an outlier: a row whose value is missing is kept (an imputer decides what it
  becomes), and missing values are ignored when learning a statistic.
- ±inf is ignored when learning. The learned filters (IQR, ZScore) always treat ±inf as an outlier;
  ManualBounds compares it like any number (``+inf`` only fails an ``upper`` bound); Winsorize
  clips it to the learned bound.
- A row is removed when any of the node's columns flags it; bounds are inclusive.
- A column without a single finite train value flags nothing (IQR, ZScore) and is left unchanged
  (Winsorize); a constant column flags nothing under ZScore (its standard deviation is 0).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from skyulf_core.nodes.base import (
    Columns,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    NodeParams,
    same_columns,
)
from skyulf_core.nodes.columns import (
    numeric_frame,
    observed_finite,
    resolve_columns,
)
from skyulf_errors import NodeError

XY = tuple[pd.DataFrame, pd.Series | None]


def _learn_bounds(
    X: pd.DataFrame, columns: list[str], bounds: Callable[[np.ndarray], tuple[float, float]]
) -> tuple[list[float | None], list[float | None]]:
    """Per-column (lower, upper) from the finite training values; None where there are none."""
    lower: list[float | None] = []
    upper: list[float | None] = []
    for col in columns:
        values = observed_finite(X[col])
        lo, hi = bounds(values) if values.size else (None, None)
        lower.append(lo)
        upper.append(hi)
    return lower, upper


def keep_rows(X: pd.DataFrame, y: pd.Series | None, outlier: np.ndarray) -> XY:
    """``X`` and ``y`` without the rows flagged in ``outlier`` (positional, index kept)."""
    if not outlier.any():
        return X, y
    keep = ~outlier
    return X.iloc[keep], (None if y is None else y.iloc[keep])


def _outside(block: np.ndarray, lower: list[float | None], upper: list[float | None]) -> np.ndarray:
    # NaN compares False on both sides, so missing values are never flagged.
    lo = np.array([-np.inf if v is None else v for v in lower], dtype="float64")
    hi = np.array([np.inf if v is None else v for v in upper], dtype="float64")
    return np.asarray(((block < lo) | (block > hi)).any(axis=1))


# --------------------------------------------------------------------------- IQR


class IQRParams(ColumnsParams):
    multiplier: float = Field(1.5, ge=0.0, description="fence = quartile ± multiplier * IQR")


class IQRRecord(FittedRecord):
    node_type: str = "IQR"
    lower: list[float | None]
    upper: list[float | None]


def _fit_iqr(
    X: pd.DataFrame, y: pd.Series | None, params: IQRParams, ctx: NodeContext
) -> IQRRecord:
    columns = resolve_columns(X, params.columns, ctx, "IQR", "numeric")

    def fences(values: np.ndarray) -> tuple[float, float]:
        q1, q3 = np.percentile(values, [25.0, 75.0])
        spread = params.multiplier * (q3 - q1)
        return float(q1 - spread), float(q3 + spread)

    lower, upper = _learn_bounds(X, columns, fences)
    return IQRRecord(node_id=ctx.node_id, columns=columns, lower=lower, upper=upper)


def _apply_iqr(X: pd.DataFrame, y: pd.Series | None, record: IQRRecord, ctx: NodeContext) -> XY:
    if not record.columns:
        return X, y
    block = numeric_frame(X, record.columns, ctx, "IQR")
    learned = np.array([lo is not None for lo in record.lower])
    flagged = _outside(block, record.lower, record.upper) | np.isinf(block[:, learned]).any(axis=1)
    return keep_rows(X, y, flagged)


IQR: NodeDefinition[IQRParams, IQRRecord] = NodeDefinition(
    id="IQR",
    group="outliers",
    description="Removes train rows outside the interquartile fences learned on the train split.",
    params_model=IQRParams,
    record_model=IQRRecord,
    learns=True,
    train_only=True,
    calculator=_fit_iqr,
    applier=_apply_iqr,
    column_flow=same_columns,
)

# --------------------------------------------------------------------------- ZScore


class ZScoreParams(ColumnsParams):
    threshold: float = Field(3.0, gt=0.0, description="rows with |z| above it are removed")


class ZScoreRecord(FittedRecord):
    node_type: str = "ZScore"
    threshold: float
    means: list[float | None]
    stds: list[float | None]


def _fit_zscore(
    X: pd.DataFrame, y: pd.Series | None, params: ZScoreParams, ctx: NodeContext
) -> ZScoreRecord:
    columns = resolve_columns(X, params.columns, ctx, "ZScore", "numeric")
    means: list[float | None] = []
    stds: list[float | None] = []
    for col in columns:
        values = observed_finite(X[col])
        if values.size == 0:
            means.append(None)
            stds.append(None)
            continue
        # Population standard deviation (ddof=0), as scipy.stats.zscore computes it.
        means.append(float(values.mean()))
        stds.append(float(values.std()) if np.ptp(values) > 0 else 0.0)
    return ZScoreRecord(
        node_id=ctx.node_id, columns=columns, threshold=params.threshold, means=means, stds=stds
    )


def _apply_zscore(
    X: pd.DataFrame, y: pd.Series | None, record: ZScoreRecord, ctx: NodeContext
) -> XY:
    if not record.columns:
        return X, y
    block = numeric_frame(X, record.columns, ctx, "ZScore")
    flagged = np.zeros(len(X), dtype=bool)
    for i, (mean, std) in enumerate(zip(record.means, record.stds, strict=True)):
        if mean is None or std is None:
            continue
        values = block[:, i]
        flagged |= np.isinf(values)
        if std > 0:
            with np.errstate(invalid="ignore"):
                flagged |= np.abs(values - mean) / std > record.threshold
    return keep_rows(X, y, flagged)


ZSCORE: NodeDefinition[ZScoreParams, ZScoreRecord] = NodeDefinition(
    id="ZScore",
    group="outliers",
    description="Removes train rows whose z-score (train mean and standard deviation) exceeds "
    "the threshold.",
    params_model=ZScoreParams,
    record_model=ZScoreRecord,
    learns=True,
    train_only=True,
    calculator=_fit_zscore,
    applier=_apply_zscore,
    column_flow=same_columns,
)

# --------------------------------------------------------------------------- ManualBounds


class Bound(BaseModel):
    """Inclusive limits of one column; ``None`` leaves that side open."""

    model_config = ConfigDict(extra="forbid")

    lower: float | None = None
    upper: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Bound:
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            raise ValueError(f"lower ({self.lower}) is above upper ({self.upper})")
        return self


class ManualBoundsParams(NodeParams):
    bounds: dict[str, Bound] = {}


class ManualBoundsRecord(FittedRecord):
    node_type: str = "ManualBounds"
    lower: list[float | None]
    upper: list[float | None]


def _fit_manual(
    X: pd.DataFrame, y: pd.Series | None, params: ManualBoundsParams, ctx: NodeContext
) -> ManualBoundsRecord:
    columns = resolve_columns(X, list(params.bounds), ctx, "ManualBounds", "numeric")
    return ManualBoundsRecord(
        node_id=ctx.node_id,
        columns=columns,
        lower=[params.bounds[c].lower for c in columns],
        upper=[params.bounds[c].upper for c in columns],
    )


def _apply_manual(
    X: pd.DataFrame, y: pd.Series | None, record: ManualBoundsRecord, ctx: NodeContext
) -> XY:
    if not record.columns:
        return X, y
    block = numeric_frame(X, record.columns, ctx, "ManualBounds")
    return keep_rows(X, y, _outside(block, record.lower, record.upper))


MANUAL_BOUNDS: NodeDefinition[ManualBoundsParams, ManualBoundsRecord] = NodeDefinition(
    id="ManualBounds",
    group="outliers",
    description="Removes train rows with a value outside the given per-column bounds.",
    params_model=ManualBoundsParams,
    record_model=ManualBoundsRecord,
    learns=False,
    train_only=True,
    calculator=_fit_manual,
    applier=_apply_manual,
    column_flow=same_columns,
)

# --------------------------------------------------------------------------- Winsorize


class WinsorizeParams(ColumnsParams):
    lower_percentile: float = Field(5.0, ge=0.0, le=100.0)
    upper_percentile: float = Field(95.0, ge=0.0, le=100.0)

    @model_validator(mode="after")
    def _ordered(self) -> WinsorizeParams:
        if self.lower_percentile > self.upper_percentile:
            raise ValueError("lower_percentile must not be above upper_percentile")
        return self


class WinsorizeRecord(FittedRecord):
    node_type: str = "Winsorize"
    lower: list[float | None]
    upper: list[float | None]


def _fit_winsorize(
    X: pd.DataFrame, y: pd.Series | None, params: WinsorizeParams, ctx: NodeContext
) -> WinsorizeRecord:
    columns = resolve_columns(X, params.columns, ctx, "Winsorize", "numeric")

    def percentiles(values: np.ndarray) -> tuple[float, float]:
        lo, hi = np.percentile(values, [params.lower_percentile, params.upper_percentile])
        return float(lo), float(hi)

    lower, upper = _learn_bounds(X, columns, percentiles)
    return WinsorizeRecord(node_id=ctx.node_id, columns=columns, lower=lower, upper=upper)


def _apply_winsorize(
    X: pd.DataFrame, y: pd.Series | None, record: WinsorizeRecord, ctx: NodeContext
) -> XY:
    clipped = [c for c, lo in zip(record.columns, record.lower, strict=True) if lo is not None]
    if not clipped:
        return X, y
    block = numeric_frame(X, clipped, ctx, "Winsorize")
    lo = np.array([v for v in record.lower if v is not None], dtype="float64")
    hi = np.array([v for v in record.upper if v is not None], dtype="float64")
    out = np.clip(block, lo, hi)
    return X.assign(**{c: out[:, i] for i, c in enumerate(clipped)}), y


def _winsorize_arrays(cols: Columns, record: WinsorizeRecord) -> Columns:
    """The applier on plain arrays; text that is not a number is the same error as there."""
    out = dict(cols)
    for col, lo, hi in zip(record.columns, record.lower, record.upper, strict=True):
        if lo is None or hi is None:
            continue
        try:
            values = np.asarray(cols[col], dtype="float64")
        except (TypeError, ValueError) as exc:
            raise NodeError(
                f"node '{record.node_id}' (Winsorize): column '{col}' has non-numeric values",
                node_id=record.node_id,
                node_type="Winsorize",
                column=col,
            ) from exc
        out[col] = np.clip(values, lo, hi)
    return out


WINSORIZE: NodeDefinition[WinsorizeParams, WinsorizeRecord] = NodeDefinition(
    id="Winsorize",
    group="outliers",
    description="Clips numeric columns to the lower and upper percentiles learned on the train "
    "split.",
    params_model=WinsorizeParams,
    record_model=WinsorizeRecord,
    learns=True,
    train_only=False,
    calculator=_fit_winsorize,
    applier=_apply_winsorize,
    column_flow=same_columns,
    array_applier=_winsorize_arrays,
)


NODES: list[NodeDefinition] = [IQR, ZSCORE, MANUAL_BOUNDS, WINSORIZE]
