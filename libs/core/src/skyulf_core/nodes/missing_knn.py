"""KNNImputer: fills a missing value with the mean of its nearest training rows' values.

Equals ``sklearn.impute.KNNImputer`` (nan-Euclidean distance, same neighbour choice and weights)
within 1e-9, without a pickle: the record keeps the training rows themselves (JSON, missing as
null) and the applier recomputes the distances in numpy.

Differences from scikit-learn, on purpose: ±inf counts as missing instead of being an error; a
column with no value in the train split is an error naming it (scikit-learn silently drops it);
and the record keeps at most ``max_fit_rows`` training rows (a seeded random sample beyond it, so
results equal scikit-learn fitted on that sample), which bounds the bundle size and the
per-prediction cost.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field

from skyulf_core.nodes._numeric_matrix import (
    columns_matrix,
    frame_matrix,
    from_nullable,
    nullable,
)
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


class KNNImputerParams(ColumnsParams):
    # The donors are at most max_fit_rows rows and fewer are used when fewer have a value.
    n_neighbors: int = Field(5, ge=1, le=1000, description="fewer donors than this use them all")
    weights: Literal["uniform", "distance"] = "uniform"
    max_fit_rows: int = Field(5000, ge=1, le=100_000)


class KNNImputerRecord(FittedRecord):
    node_type: str = "KNNImputer"
    n_neighbors: int
    weights: Literal["uniform", "distance"]
    fit_rows: list[list[float | None]]
    means: list[float]


def nan_euclidean(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """scikit-learn's nan_euclidean_distances, operation for operation (same rounding)."""
    miss_a, miss_b = np.isnan(A), np.isnan(B)
    A0, B0 = np.where(miss_a, 0.0, A), np.where(miss_b, 0.0, B)
    dist = -2 * (A0 @ B0.T)
    dist += np.einsum("ij,ij->i", A0, A0)[:, None]
    dist += np.einsum("ij,ij->i", B0, B0)[None, :]
    np.maximum(dist, 0.0, out=dist)
    dist -= (A0 * A0) @ miss_b.T
    dist -= miss_a @ (B0 * B0).T
    np.clip(dist, 0, None, out=dist)
    present = (1 - miss_a) @ (~miss_b).T
    dist[present == 0] = np.nan
    np.maximum(1, present, out=present)
    dist /= present
    dist *= A.shape[1]
    return np.sqrt(dist)


def _weights(dist: np.ndarray, weights: str) -> np.ndarray:
    if weights == "uniform":
        w = np.ones_like(dist)
        w[np.isnan(dist)] = 0.0
        return w
    with np.errstate(divide="ignore"):
        w = 1.0 / dist
    inf_mask = np.isinf(w)
    inf_row = np.any(inf_mask, axis=1)
    w[inf_row] = inf_mask[inf_row]
    w[np.isnan(w)] = 0.0
    return w


def knn_impute(
    X: np.ndarray, fit: np.ndarray, means: np.ndarray, n_neighbors: int, weights: str
) -> np.ndarray:
    """Missing cells of ``X`` filled from the ``fit`` rows (both with NaN for missing)."""
    mask = np.isnan(X)
    rows = np.flatnonzero(mask.any(axis=1))
    out = X.copy()
    if rows.size == 0:
        return out
    fit_mask = np.isnan(fit)
    dist = nan_euclidean(X[rows], fit)
    for col in range(X.shape[1]):
        col_mask = mask[rows, col]
        if not col_mask.any():
            continue
        donors = np.flatnonzero(~fit_mask[:, col])
        receivers = rows[col_mask]
        subset = dist[col_mask][:, donors]
        no_distance = np.isnan(subset).all(axis=1)
        if no_distance.any():  # no feature in common with any donor: the training mean
            out[receivers[no_distance], col] = means[col]
            if no_distance.all():
                continue
            receivers, subset = receivers[~no_distance], subset[~no_distance]
        k = min(n_neighbors, donors.size)
        nearest = np.argpartition(subset, k - 1, axis=1)[:, :k]
        w = _weights(subset[np.arange(len(nearest))[:, None], nearest], weights)
        values = fit[donors, col].take(nearest)
        out[receivers, col] = (values * w).sum(axis=1) / w.sum(axis=1)
    return out


def _fit_knn(
    X: pd.DataFrame, y: pd.Series | None, params: KNNImputerParams, ctx: NodeContext
) -> KNNImputerRecord:
    columns = resolve_columns(X, params.columns, ctx, "KNNImputer", "numeric")
    matrix = frame_matrix(X, columns, ctx, "KNNImputer")
    if len(matrix) > params.max_fit_rows:
        keep = np.random.default_rng(0).choice(len(matrix), params.max_fit_rows, replace=False)
        matrix = matrix[np.sort(keep)]
    empty = [c for j, c in enumerate(columns) if np.isnan(matrix[:, j]).all()]
    if empty:
        raise NodeError(
            f"node '{ctx.node_id}' (KNNImputer): column '{empty[0]}' has no values in the train "
            "split to impute from; drop it first (DropMissingColumns)",
            node_id=ctx.node_id,
            node_type="KNNImputer",
            column=empty[0],
        )
    means = [float(np.nanmean(matrix[:, j])) for j in range(len(columns))]
    return KNNImputerRecord(
        node_id=ctx.node_id,
        columns=columns,
        n_neighbors=params.n_neighbors,
        weights=params.weights,
        fit_rows=nullable(matrix),
        means=means,
    )


def _impute(matrix: np.ndarray, record: KNNImputerRecord) -> np.ndarray:
    fit = from_nullable(record.fit_rows, len(record.columns))
    means = np.asarray(record.means, dtype="float64")
    return knn_impute(matrix, fit, means, record.n_neighbors, record.weights)


def _apply_knn(
    X: pd.DataFrame, y: pd.Series | None, record: KNNImputerRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    if not record.columns:
        return X, y
    filled = _impute(frame_matrix(X, record.columns, ctx, "KNNImputer"), record)
    return X.assign(**{c: filled[:, j] for j, c in enumerate(record.columns)}), y


def _knn_arrays(cols: Columns, record: KNNImputerRecord) -> Columns:
    out = dict(cols)
    if record.columns:
        matrix = columns_matrix(cols, record.columns, record.node_id, "KNNImputer")
        filled = _impute(matrix, record)
        out.update({c: filled[:, j] for j, c in enumerate(record.columns)})
    return out


KNN_IMPUTER: NodeDefinition[KNNImputerParams, KNNImputerRecord] = NodeDefinition(
    id="KNNImputer",
    group="missing",
    description="Fills missing numbers with the (weighted) mean of the nearest training rows.",
    params_model=KNNImputerParams,
    record_model=KNNImputerRecord,
    learns=True,
    train_only=False,
    calculator=_fit_knn,
    applier=_apply_knn,
    column_flow=same_columns,
    array_applier=_knn_arrays,
)

NODES: list[NodeDefinition] = [KNN_IMPUTER]
