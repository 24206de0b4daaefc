"""Cleaning nodes: DropMissingColumns, and the train-only row filters DropMissingRows and
Deduplicate.

DropMissingColumns drops the columns it lists; given none, it drops the columns whose missing
share exceeds ``threshold``. That share rule learns from the rows (which columns are sparse in
the train split), so the node counts as learning then and belongs after the split; with columns
listed it learns nothing and may run before it. Either way it resolves *which* columns to drop
once, at fit time, and records them: deciding again per prediction request (often a single row)
would drop different columns each time.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field

from skyulf_core.nodes.base import (
    Columns,
    ColumnSet,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    NodeParams,
    same_columns,
)
from skyulf_errors import NodeError


class DropMissingColumnsParams(NodeParams):
    columns: list[str] = []
    threshold: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="used when no columns are listed: drop columns missing more than this "
        "share of values (learned on the train split); 0 turns the share rule off",
    )


def _drop_learns(params: DropMissingColumnsParams) -> bool:
    return not params.columns and params.threshold > 0


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
    if _drop_learns(params):
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


def _drop_arrays(cols: Columns, record: DropMissingColumnsRecord) -> Columns:
    dropped = set(record.dropped)
    return {name: values for name, values in cols.items() if name not in dropped}


def _drop_flow(columns: ColumnSet, params: DropMissingColumnsParams) -> ColumnSet:
    return columns.without(params.columns)


DROP_MISSING_COLUMNS: NodeDefinition[DropMissingColumnsParams, DropMissingColumnsRecord] = (
    NodeDefinition(
        id="DropMissingColumns",
        group="cleaning",
        description="Drops the listed columns, or else those whose missing share exceeds threshold.",
        params_model=DropMissingColumnsParams,
        record_model=DropMissingColumnsRecord,
        learns=True,
        learns_when=_drop_learns,
        train_only=False,
        calculator=_fit_drop,
        applier=_apply_drop,
        column_flow=_drop_flow,
        array_applier=_drop_arrays,
    )
)

# ---------------------------------------------------------------------------- row filters


def _check_present(columns: list[str], X: pd.DataFrame, ctx: NodeContext, node_type: str) -> None:
    for col in columns:
        if col not in X.columns:
            raise NodeError(
                f"node '{ctx.node_id}' ({node_type}): column '{col}' is not in the input",
                node_id=ctx.node_id,
                node_type=node_type,
                column=col,
            )


def _keep_rows(
    X: pd.DataFrame, y: pd.Series | None, keep: np.ndarray
) -> tuple[pd.DataFrame, pd.Series | None]:
    if keep.all():
        return X, y
    return X[keep], (None if y is None else y[keep])


class DropMissingRowsParams(NodeParams):
    """``threshold`` (a share in [0, 1], like DropMissingColumns') drops rows whose missing share
    exceeds it, in place of ``how``; the original took a pandas-style count instead, which
    means something else for every column subset."""

    subset: list[str] | None = None
    how: Literal["any", "all"] = "any"
    threshold: float | None = Field(None, ge=0.0, le=1.0)


class DropMissingRowsRecord(FittedRecord):
    node_type: str = "DropMissingRows"
    how: Literal["any", "all"]
    threshold: float | None


def _fit_drop_rows(
    X: pd.DataFrame, y: pd.Series | None, params: DropMissingRowsParams, ctx: NodeContext
) -> DropMissingRowsRecord:
    subset = list(dict.fromkeys(params.subset or []))
    _check_present(subset, X, ctx, "DropMissingRows")
    # An empty subset reads every column of the frame it is applied to.
    return DropMissingRowsRecord(
        node_id=ctx.node_id, columns=subset, how=params.how, threshold=params.threshold
    )


def _row_missing(X: pd.DataFrame) -> np.ndarray:
    """Missing cells of ``X``; ±inf counts as missing, as everywhere in the missing-value group."""
    mask = X.isna().to_numpy(copy=True)
    for i, col in enumerate(X.columns):
        if pd.api.types.is_float_dtype(X[col].dtype):
            mask[:, i] |= np.isinf(X[col].to_numpy(dtype="float64", na_value=np.nan))
    return mask


def _apply_drop_rows(
    X: pd.DataFrame, y: pd.Series | None, record: DropMissingRowsRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    frame = X[record.columns] if record.columns else X
    if frame.shape[1] == 0:
        return X, y
    missing = _row_missing(frame)
    if record.threshold is not None:
        drop = missing.mean(axis=1) > record.threshold
    elif record.how == "all":
        drop = missing.all(axis=1)
    else:
        drop = missing.any(axis=1)
    return _keep_rows(X, y, ~drop)


DROP_MISSING_ROWS: NodeDefinition[DropMissingRowsParams, DropMissingRowsRecord] = NodeDefinition(
    id="DropMissingRows",
    group="cleaning",
    description="Drops training rows with missing values (any, all, or above a missing share).",
    params_model=DropMissingRowsParams,
    record_model=DropMissingRowsRecord,
    learns=False,
    train_only=True,
    calculator=_fit_drop_rows,
    applier=_apply_drop_rows,
    column_flow=same_columns,
)


class DeduplicateParams(NodeParams):
    """``subset`` empty = every column, and then the target too: two rows with equal features but
    different labels are not duplicates (the original ran on the frame that still held it)."""

    subset: list[str] = []
    keep: Literal["first", "last", "none"] = "first"


class DeduplicateRecord(FittedRecord):
    node_type: str = "Deduplicate"
    keep: Literal["first", "last", "none"]


def _fit_dedupe(
    X: pd.DataFrame, y: pd.Series | None, params: DeduplicateParams, ctx: NodeContext
) -> DeduplicateRecord:
    subset = list(dict.fromkeys(params.subset))
    _check_present(subset, X, ctx, "Deduplicate")
    return DeduplicateRecord(node_id=ctx.node_id, columns=subset, keep=params.keep)


def _apply_dedupe(
    X: pd.DataFrame, y: pd.Series | None, record: DeduplicateRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    if record.columns:
        frame = X[record.columns]
    elif y is not None:
        # Positional column labels: a feature named like the target must not collide with it.
        frame = pd.concat([X, y], axis=1, ignore_index=True)
    else:
        frame = X
    if frame.shape[1] == 0 or len(frame) == 0:
        return X, y
    keep: Literal["first", "last", False] = False if record.keep == "none" else record.keep
    duplicated = frame.duplicated(keep=keep).to_numpy()
    return _keep_rows(X, y, ~duplicated)


DEDUPLICATE: NodeDefinition[DeduplicateParams, DeduplicateRecord] = NodeDefinition(
    id="Deduplicate",
    group="cleaning",
    description="Drops duplicate training rows, keeping the first, the last or none of each.",
    params_model=DeduplicateParams,
    record_model=DeduplicateRecord,
    learns=False,
    train_only=True,
    calculator=_fit_dedupe,
    applier=_apply_dedupe,
    column_flow=same_columns,
)

NODES: list[NodeDefinition] = [DROP_MISSING_COLUMNS, DROP_MISSING_ROWS, DEDUPLICATE]
