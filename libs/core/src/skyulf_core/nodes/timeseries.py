"""Time-series nodes (stateless): LagFeatures, RollingAggregate and DateFeatures.

LagFeatures and RollingAggregate read history: the rows are ordered by ``sort_by`` (stable; frame
order when absent; missing sort keys last) and split by ``group_by`` (missing keys form a group of
their own), the values are shifted or rolled in that order, and the results are written back to
each row in the input order, which never changes (the original Skyulf returned the rows sorted).
The history is whatever the frame holds: a frame applied at inference gets lags and windows from
the rows sent with it, and a single row has no history, so its lags are NaN and its windows hold
only itself. Send the recent history with the rows to predict, or compute these columns before
the pipeline. For the same reason these two nodes have no array fast path.

- LagFeatures adds ``<column>_lag_<k>``. ``drop_na`` drops the rows whose lag values are missing
  (the first ``max(lags)`` of each group) together with their target, but only when a target is
  passed along, i.e. while training and evaluating; at inference (no target) every row is kept so
  that prediction returns one output per input row. The node is therefore not train-only: its
  columns must exist at inference too.
- RollingAggregate adds ``<column>_rolling_<aggregation>_<window>``, equal to pandas
  ``Series.rolling(window, min_periods).agg(aggregation)`` per group (the window includes the
  current row; std with ddof 1).
- DateFeatures adds ``<column>_<feature>`` (float, NaN for a missing or unparseable date) and has
  an array applier; dates are parsed by the rule in ``_datetime_parts`` (datetime values as they
  are, timezone-aware ones in UTC, text as ISO 8601). ``weekofyear`` is the ISO week,
  ``dayofweek`` has Monday = 0. Without ``columns`` it reads every datetime-typed column; text
  columns holding dates must be listed.

Values that are not numbers count as missing in LagFeatures and RollingAggregate.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from pydantic import Field, field_validator, model_validator

from skyulf_core.nodes._datetime_parts import Parts, to_datetime64
from skyulf_core.nodes._frames import arrays_with, column_arrays, frame_with
from skyulf_core.nodes.base import (
    Columns,
    ColumnSet,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
)
from skyulf_core.nodes.columns import resolve_columns
from skyulf_core.nodes.timeseries_history import HistoryParams, HistoryRecord, ordered_frame

# Rows of history a lag or a window may reach back; beyond it is a typo, not a time series.
MAX_HISTORY = 10_000

# --------------------------------------------------------------------------- LagFeatures


class LagFeaturesParams(HistoryParams):
    lags: list[Annotated[int, Field(le=MAX_HISTORY)]] = Field(
        [1], min_length=1, max_length=1000, description="row offsets, each at most 10000"
    )
    drop_na: bool = False

    @field_validator("lags")
    @classmethod
    def _positive(cls, lags: list[int]) -> list[int]:
        if any(lag < 1 for lag in lags):
            raise ValueError("lags must be positive row counts")
        return sorted(set(lags))


class LagFeaturesRecord(HistoryRecord):
    node_type: str = "LagFeatures"
    lags: list[int]
    drop_na: bool

    def created_columns(self) -> list[str]:
        return [f"{c}_lag_{k}" for c in self.values for k in self.lags]


def _fit_lags(
    X: pd.DataFrame, y: pd.Series | None, params: LagFeaturesParams, ctx: NodeContext
) -> LagFeaturesRecord:
    return LagFeaturesRecord(
        **HistoryRecord.fields_from(X, params, ctx, "LagFeatures"),
        lags=params.lags,
        drop_na=params.drop_na,
    )


def _apply_lags(
    X: pd.DataFrame, y: pd.Series | None, record: LagFeaturesRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    order, frame, groups = ordered_frame(X, record)
    new: dict[str, np.ndarray] = {}
    for col in record.values:
        source = groups[col] if groups is not None else frame[col]
        for lag in record.lags:
            out = np.empty(len(X), dtype="float64")
            out[order] = source.shift(lag).to_numpy(dtype="float64", na_value=np.nan)
            new[f"{col}_lag_{lag}"] = out
    result = frame_with(X, new)
    if record.drop_na and y is not None and new:
        keep = ~np.isnan(np.column_stack(list(new.values()))).any(axis=1)
        return result.iloc[np.flatnonzero(keep)], y.iloc[np.flatnonzero(keep)]
    return result, y


def _lag_flow(columns: ColumnSet, params: LagFeaturesParams) -> ColumnSet:
    if params.columns is None:
        return ColumnSet(columns.names, open=True, removed=columns.removed)
    added = tuple(f"{c}_lag_{k}" for c in params.columns for k in params.lags)
    return ColumnSet(columns.names + added, columns.open, columns.removed - set(added))


LAG_FEATURES: NodeDefinition[LagFeaturesParams, LagFeaturesRecord] = NodeDefinition(
    id="LagFeatures",
    group="timeseries",
    description="Adds the values of earlier rows (per group, in sort order) as lag columns.",
    params_model=LagFeaturesParams,
    record_model=LagFeaturesRecord,
    learns=False,
    train_only=False,
    calculator=_fit_lags,
    applier=_apply_lags,
    column_flow=_lag_flow,
)

# --------------------------------------------------------------------------- RollingAggregate

Aggregation = Literal["mean", "sum", "min", "max", "std", "median"]


class RollingAggregateParams(HistoryParams):
    window: int = Field(3, ge=1, le=MAX_HISTORY)
    aggregations: list[Aggregation] = Field(["mean"], min_length=1)
    min_periods: int = Field(1, ge=1, le=MAX_HISTORY)

    @model_validator(mode="after")
    def _check_periods(self) -> RollingAggregateParams:
        if self.min_periods > self.window:
            raise ValueError("min_periods must not exceed window")
        return self


class RollingAggregateRecord(HistoryRecord):
    node_type: str = "RollingAggregate"
    window: int
    aggregations: list[Aggregation]
    min_periods: int

    def created_columns(self) -> list[str]:
        return _rolling_names(self.values, self.aggregations, self.window)


def _rolling_names(columns: list[str], aggregations: list[Aggregation], window: int) -> list[str]:
    return [f"{c}_rolling_{a}_{window}" for c in columns for a in dict.fromkeys(aggregations)]


def _fit_rolling(
    X: pd.DataFrame, y: pd.Series | None, params: RollingAggregateParams, ctx: NodeContext
) -> RollingAggregateRecord:
    return RollingAggregateRecord(
        **HistoryRecord.fields_from(X, params, ctx, "RollingAggregate"),
        window=params.window,
        aggregations=list(dict.fromkeys(params.aggregations)),
        min_periods=params.min_periods,
    )


def _apply_rolling(
    X: pd.DataFrame, y: pd.Series | None, record: RollingAggregateRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    _, frame, groups = ordered_frame(X, record)
    new: dict[str, np.ndarray] = {}
    for col in record.values:
        source = groups[col] if groups is not None else frame[col]
        rolling = source.rolling(record.window, min_periods=record.min_periods)
        for agg in record.aggregations:
            values = rolling.agg(agg)
            if groups is not None:  # grouped rolling puts the group keys in front of the index
                values = values.droplevel(list(range(values.index.nlevels - 1)))
            out = np.empty(len(X), dtype="float64")
            out[values.index.to_numpy()] = values.to_numpy(dtype="float64", na_value=np.nan)
            new[f"{col}_rolling_{agg}_{record.window}"] = out
    return frame_with(X, new), y


def _rolling_flow(columns: ColumnSet, params: RollingAggregateParams) -> ColumnSet:
    if params.columns is None:
        return ColumnSet(columns.names, open=True, removed=columns.removed)
    added = tuple(_rolling_names(params.columns, params.aggregations, params.window))
    return ColumnSet(columns.names + added, columns.open, columns.removed - set(added))


ROLLING_AGGREGATE: NodeDefinition[RollingAggregateParams, RollingAggregateRecord] = NodeDefinition(
    id="RollingAggregate",
    group="timeseries",
    description="Adds moving-window statistics of numeric columns (per group, in sort order).",
    params_model=RollingAggregateParams,
    record_model=RollingAggregateRecord,
    learns=False,
    train_only=False,
    calculator=_fit_rolling,
    applier=_apply_rolling,
    column_flow=_rolling_flow,
)

# --------------------------------------------------------------------------- DateFeatures

DatePart = Literal[
    "year",
    "month",
    "day",
    "dayofweek",
    "dayofyear",
    "quarter",
    "weekofyear",
    "hour",
    "minute",
    "is_weekend",
    "is_month_start",
    "is_month_end",
]


class DateFeaturesParams(ColumnsParams):
    features: list[DatePart] = Field(["year", "month", "day", "dayofweek"], min_length=1)
    drop_original: bool = False


class DateFeaturesRecord(FittedRecord):
    node_type: str = "DateFeatures"
    features: list[DatePart]
    drop_original: bool

    def created_columns(self) -> list[str]:
        return [f"{c}_{f}" for c in self.columns for f in self.features]


def _fit_dates(
    X: pd.DataFrame, y: pd.Series | None, params: DateFeaturesParams, ctx: NodeContext
) -> DateFeaturesRecord:
    columns = resolve_columns(X, params.columns, ctx, "DateFeatures")
    if params.columns is None:
        columns = [c for c in columns if ptypes.is_datetime64_any_dtype(X[c].dtype)]
    return DateFeaturesRecord(
        node_id=ctx.node_id,
        columns=columns,
        features=list(dict.fromkeys(params.features)),
        drop_original=params.drop_original,
    )


def _date_parts(cols: Columns, record: DateFeaturesRecord) -> dict[str, np.ndarray]:
    new: dict[str, np.ndarray] = {}
    for col in record.columns:
        parts = Parts(to_datetime64(cols[col]))
        for feature in record.features:
            new[f"{col}_{feature}"] = parts.numeric(feature)
    return new


def _apply_dates(
    X: pd.DataFrame, y: pd.Series | None, record: DateFeaturesRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    drop = record.columns if record.drop_original else []
    return frame_with(X, _date_parts(column_arrays(X, record.columns), record), drop), y


def _apply_dates_arrays(cols: Columns, record: DateFeaturesRecord) -> Columns:
    drop = record.columns if record.drop_original else []
    return arrays_with(cols, _date_parts(cols, record), drop)


def _date_flow(columns: ColumnSet, params: DateFeaturesParams) -> ColumnSet:
    if params.columns is None:
        return ColumnSet(columns.names, open=True, removed=columns.removed)
    kept = columns.without(params.columns) if params.drop_original else columns
    added = tuple(f"{c}_{f}" for c in params.columns for f in dict.fromkeys(params.features))
    return ColumnSet(kept.names + added, kept.open, kept.removed - set(added))


DATE_FEATURES: NodeDefinition[DateFeaturesParams, DateFeaturesRecord] = NodeDefinition(
    id="DateFeatures",
    group="timeseries",
    description="Adds calendar parts (year, month, day of week, ...) of date columns.",
    params_model=DateFeaturesParams,
    record_model=DateFeaturesRecord,
    learns=False,
    train_only=False,
    calculator=_fit_dates,
    applier=_apply_dates,
    column_flow=_date_flow,
    array_applier=_apply_dates_arrays,
)

NODES: list[NodeDefinition] = [LAG_FEATURES, ROLLING_AGGREGATE, DATE_FEATURES]
