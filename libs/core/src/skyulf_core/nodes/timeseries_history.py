"""Ordering and grouping shared by the history nodes (LagFeatures, RollingAggregate)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pandas.core.groupby import DataFrameGroupBy
from pydantic import field_validator

from skyulf_core.nodes._frames import float_array
from skyulf_core.nodes.base import ColumnsParams, FittedRecord, NodeContext
from skyulf_core.nodes.columns import resolve_columns
from skyulf_errors import NodeError


def _as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(dict.fromkeys(value))


class HistoryParams(ColumnsParams):
    """``columns``: numeric columns to look back on (None = every numeric one except the keys)."""

    group_by: list[str] = []
    sort_by: list[str] = []

    @field_validator("group_by", "sort_by", mode="before")
    @classmethod
    def _listed(cls, value: str | list[str] | None) -> list[str]:
        # A single column name is accepted as well as a list (the original took either).
        return _as_list(value)


class HistoryRecord(FittedRecord):
    values: list[str]
    group_by: list[str]
    sort_by: list[str]

    @staticmethod
    def fields_from(
        X: pd.DataFrame, params: HistoryParams, ctx: NodeContext, node: str
    ) -> dict[str, Any]:
        keys = resolve_columns(X, params.group_by + params.sort_by, ctx, node)
        values = resolve_columns(X, params.columns, ctx, node, "numeric")
        if params.columns is None:
            values = [c for c in values if c not in keys]
        if not values:
            raise NodeError(
                f"node '{ctx.node_id}' ({node}): no numeric column to compute from",
                node_id=ctx.node_id,
                node_type=node,
                field="columns",
            )
        return {
            "node_id": ctx.node_id,
            "columns": list(dict.fromkeys(values + keys)),
            "values": values,
            "group_by": params.group_by,
            "sort_by": params.sort_by,
        }


def ordered_frame(
    X: pd.DataFrame, record: HistoryRecord
) -> tuple[np.ndarray, pd.DataFrame, DataFrameGroupBy | None]:
    """Row positions in history order, the value columns in that order, and their groups.

    The ordered frame is indexed by each row's position in ``X``, so results can be written
    back in input order.
    """
    n = len(X)
    positions = pd.RangeIndex(n)
    frame = pd.DataFrame({c: float_array(X[c].to_numpy()) for c in record.values}, index=positions)
    order = np.arange(n)
    if record.sort_by:
        keys = pd.DataFrame({f"s{i}": X[c].to_numpy() for i, c in enumerate(record.sort_by)})
        by = list(keys.columns)
        order = keys.sort_values(by, kind="mergesort", na_position="last").index.to_numpy()
    frame = frame.iloc[order]
    if not record.group_by:
        return order, frame, None
    groups = [
        pd.Series(X[c].to_numpy(), index=positions).iloc[order].rename(f"g{i}")
        for i, c in enumerate(record.group_by)
    ]
    return order, frame, frame.groupby(groups, dropna=False, sort=False)
