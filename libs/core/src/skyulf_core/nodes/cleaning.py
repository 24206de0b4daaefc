"""Cleaning nodes (stateless): DropMissingColumns.

"Stateless" here means the node learns no statistic a model consumes, so it may run before the
split. It still resolves *which* columns to drop once, at fit time, and records them: deciding
again per prediction request (often a single row) would drop different columns each time.
"""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from skyulf_core.errors import NodeError
from skyulf_core.nodes.base import ColumnSet, FittedRecord, NodeContext, NodeDefinition, NodeParams


class DropMissingColumnsParams(NodeParams):
    columns: list[str] = []
    threshold: float = Field(0.5, ge=0.0, le=1.0, description="0 turns the share rule off")


class DropMissingColumnsRecord(FittedRecord):
    node_type: str = "DropMissingColumns"
    dropped: list[str]


def _fit_drop(
    X: pd.DataFrame, y: pd.Series | None, params: DropMissingColumnsParams, ctx: NodeContext
) -> DropMissingColumnsRecord:
    for col in params.columns:
        if col not in X.columns:
            raise NodeError(
                f"node '{ctx.node_id}' (DropMissingColumns): column '{col}' is not in the input",
                node_id=ctx.node_id,
                node_type="DropMissingColumns",
                column=col,
            )
    dropped = list(dict.fromkeys(params.columns))
    if params.threshold > 0:
        shares = X.isna().mean()
        dropped += [
            str(c)
            for c, share in shares.items()
            if share > params.threshold and c not in dropped and c != ctx.target
        ]
    # Reads nothing: a dropped column absent at prediction time is not an error.
    return DropMissingColumnsRecord(node_id=ctx.node_id, columns=[], dropped=dropped)


def _apply_drop(
    X: pd.DataFrame, y: pd.Series | None, record: DropMissingColumnsRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    present = [c for c in record.dropped if c in X.columns]
    return (X.drop(columns=present) if present else X), y


def _drop_flow(columns: ColumnSet, params: DropMissingColumnsParams) -> ColumnSet:
    return columns.without(params.columns)


DROP_MISSING_COLUMNS: NodeDefinition[DropMissingColumnsParams, DropMissingColumnsRecord] = (
    NodeDefinition(
        id="DropMissingColumns",
        group="cleaning",
        description="Drops the listed columns and columns whose missing share exceeds threshold.",
        params_model=DropMissingColumnsParams,
        record_model=DropMissingColumnsRecord,
        learns=False,
        train_only=False,
        calculator=_fit_drop,
        applier=_apply_drop,
        column_flow=_drop_flow,
    )
)

NODES: list[NodeDefinition] = [DROP_MISSING_COLUMNS]
