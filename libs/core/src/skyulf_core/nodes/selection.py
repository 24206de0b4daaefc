"""Feature selection (fit): VarianceThreshold and CorrelationThreshold, and the shared machinery.

Every selection node scores the numeric columns it is given (``columns``; ``None`` = every numeric
column except the target) and records which of them it keeps (the record's ``columns``) and which
it drops (``dropped``). Applying only removes the dropped columns: columns the node did not score —
text, booleans, anything outside an explicit list — pass through untouched. An explicit column that
is not numeric is an error naming it. The supervised nodes live in ``selection_supervised``.
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field

from skyulf_core.nodes.base import (
    Columns,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    same_columns,
)
from skyulf_core.nodes.columns import resolve_columns
from skyulf_errors import NodeError


class SelectionRecord(FittedRecord):
    """``columns``: the scored columns kept (inputs downstream needs); ``dropped``: removed."""

    dropped: list[str]


def numeric_block(X: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """The columns as a float matrix, ±inf turned into NaN (ignored like missing values).

    Column-major, like ``DataFrame.to_numpy()``: filling it is a contiguous copy per column, and
    the column reductions sum in the order scikit-learn's do on a frame's values.
    """
    block = np.empty((len(X), len(columns)), dtype="float64", order="F")
    for i, col in enumerate(columns):
        values = block[:, i]
        values[:] = X[col].to_numpy(dtype="float64", na_value=np.nan)
        infinite = np.isinf(values)
        if infinite.any():
            values[infinite] = np.nan
    return block


def scored_columns(
    X: pd.DataFrame, params: ColumnsParams, ctx: NodeContext, node: str
) -> list[str]:
    return resolve_columns(X, params.columns, ctx, node, "numeric")


def optional_float(value: float) -> float | None:
    """A score as JSON: NaN (e.g. the F statistic of a constant column) becomes null."""
    return float(value) if np.isfinite(value) else None


def apply_selection(
    X: pd.DataFrame, y: pd.Series | None, record: SelectionRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    present = [c for c in record.dropped if c in X.columns]
    return (X.drop(columns=present) if present else X), y


def select_arrays(cols: Columns, record: SelectionRecord) -> Columns:
    dropped = set(record.dropped)
    return {c: v for c, v in cols.items() if c not in dropped}


# --------------------------------------------------------------------------- VarianceThreshold


class VarianceThresholdParams(ColumnsParams):
    threshold: float = Field(0.0, ge=0.0)


class VarianceThresholdRecord(SelectionRecord):
    node_type: str = "VarianceThreshold"
    variances: dict[str, float | None]


def _fit_variance(
    X: pd.DataFrame, y: pd.Series | None, params: VarianceThresholdParams, ctx: NodeContext
) -> VarianceThresholdRecord:
    columns = scored_columns(X, params, ctx, "VarianceThreshold")
    block = numeric_block(X, columns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing columns: NaN variance
        variances = np.nanvar(block, axis=0)
        if params.threshold == 0:
            # scikit-learn's rule: the peak-to-peak range (NaN when a value is missing) catches
            # constant columns whose variance rounding leaves a hair above zero.
            variances = np.nanmin(np.array([variances, np.ptp(block, axis=0)]), axis=0)
    keep = np.isfinite(variances) & (variances > params.threshold)
    if columns and not keep.any():
        raise NodeError(
            f"node '{ctx.node_id}' (VarianceThreshold): no column has a variance above "
            f"{params.threshold}; lower threshold",
            node_id=ctx.node_id,
            node_type="VarianceThreshold",
            field="threshold",
        )
    return VarianceThresholdRecord(
        node_id=ctx.node_id,
        columns=[c for c, k in zip(columns, keep, strict=True) if k],
        dropped=[c for c, k in zip(columns, keep, strict=True) if not k],
        variances={c: optional_float(v) for c, v in zip(columns, variances, strict=True)},
    )


VARIANCE_THRESHOLD: NodeDefinition[VarianceThresholdParams, VarianceThresholdRecord] = (
    NodeDefinition(
        id="VarianceThreshold",
        group="selection",
        description="Drops numeric columns whose train variance is not above threshold (0 = "
        "constant columns).",
        params_model=VarianceThresholdParams,
        record_model=VarianceThresholdRecord,
        learns=True,
        train_only=False,
        calculator=_fit_variance,
        applier=apply_selection,
        column_flow=same_columns,
        array_applier=select_arrays,
    )
)
"""Equals scikit-learn's ``VarianceThreshold(threshold).get_support()`` (population variance,
NaN ignored). ±inf counts as missing; an all-missing column is dropped; if no column passes, it
is an error (scikit-learn's "No feature in X meets the variance threshold")."""

# --------------------------------------------------------------------------- CorrelationThreshold


class CorrelationThresholdParams(ColumnsParams):
    threshold: float = Field(0.95, gt=0.0, le=1.0)
    method: Literal["pearson", "spearman", "kendall"] = "pearson"


class CorrelationThresholdRecord(SelectionRecord):
    node_type: str = "CorrelationThreshold"
    # Each dropped column and the earlier kept column it correlates with.
    correlated_with: dict[str, str]


def _fit_correlation(
    X: pd.DataFrame, y: pd.Series | None, params: CorrelationThresholdParams, ctx: NodeContext
) -> CorrelationThresholdRecord:
    columns = scored_columns(X, params, ctx, "CorrelationThreshold")
    block = pd.DataFrame(numeric_block(X, columns), columns=columns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # constant columns: NaN correlation
        corr = np.abs(block.corr(method=params.method).to_numpy()) if columns else None
    kept: list[int] = []
    partner: dict[str, str] = {}
    for j, col in enumerate(columns):
        assert corr is not None
        # NaN (constant or too few shared values) never counts as correlated.
        match = next((i for i in kept if corr[i, j] > params.threshold), None)
        if match is None:
            kept.append(j)
        else:
            partner[col] = columns[match]
    return CorrelationThresholdRecord(
        node_id=ctx.node_id,
        columns=[columns[i] for i in kept],
        dropped=list(partner),
        correlated_with=partner,
    )


CORRELATION_THRESHOLD: NodeDefinition[CorrelationThresholdParams, CorrelationThresholdRecord] = (
    NodeDefinition(
        id="CorrelationThreshold",
        group="selection",
        description="Drops a numeric column whose absolute correlation with an earlier kept "
        "column exceeds threshold.",
        params_model=CorrelationThresholdParams,
        record_model=CorrelationThresholdRecord,
        learns=True,
        train_only=False,
        calculator=_fit_correlation,
        applier=apply_selection,
        column_flow=same_columns,
        array_applier=select_arrays,
    )
)
"""Pairwise correlations on the train split (pairwise-complete rows; ±inf as missing). Tie rule:
columns are visited in frame order and the *later* column of a pair is dropped, but only pairs
with a column still kept count — with a~b and b~c above threshold and a, c below, b is dropped
and c kept, because b is already gone. ``|corr| > threshold`` (strictly), so threshold 1.0 keeps
everything."""

NODES: list[NodeDefinition] = [VARIANCE_THRESHOLD, CORRELATION_THRESHOLD]
