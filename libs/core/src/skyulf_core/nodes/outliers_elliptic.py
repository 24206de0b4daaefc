"""Outliers: EllipticEnvelope (fit, removes rows, train only).

The calculator fits scikit-learn's ``EllipticEnvelope`` (a robust Minimum Covariance Determinant
estimate) on the train rows and keeps only the numbers its ``predict`` needs: the robust location,
the precision matrix (the pseudo-inverse of the covariance scikit-learn computed) and the decision
offset, as plain JSON floats. The applier recomputes the squared Mahalanobis distance the way
scikit-learn does (scipy's ``cdist``), so on the train frame it removes exactly the rows
``EllipticEnvelope.predict`` marks ``-1``.

Missing and infinite values, as in the other outlier nodes (``outliers``): rows with a NaN or ±inf
in the columns are left out of the fit; at apply time a row with a ±inf is an outlier (removed),
and otherwise a row with a NaN is kept, because a distance cannot be computed without every value.

``random_state`` (default 42) is an addition to the NODES.md parameters: the MCD estimate draws
random subsets, so without it two fits of one pipeline could remove different rows.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from pydantic import Field
from scipy.spatial.distance import cdist
from sklearn.covariance import EllipticEnvelope

from skyulf_core.nodes.base import (
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    Seed,
    same_columns,
)
from skyulf_core.nodes.columns import numeric_frame, resolve_columns
from skyulf_core.nodes.outliers import XY, keep_rows
from skyulf_errors import NodeError

NODE_TYPE = "EllipticEnvelope"


class EllipticEnvelopeParams(ColumnsParams):
    contamination: float = Field(0.01, gt=0.0, le=0.5, description="share of train rows removed")
    random_state: Seed | None = 42


class EllipticEnvelopeRecord(FittedRecord):
    node_type: str = NODE_TYPE
    location: list[float]
    precision: list[list[float]]
    offset: float


def _fail(ctx: NodeContext, message: str) -> NodeError:
    return NodeError(
        f"node '{ctx.node_id}' ({NODE_TYPE}): {message}", node_id=ctx.node_id, node_type=NODE_TYPE
    )


def _fit(
    X: pd.DataFrame, y: pd.Series | None, params: EllipticEnvelopeParams, ctx: NodeContext
) -> EllipticEnvelopeRecord:
    columns = resolve_columns(X, params.columns, ctx, NODE_TYPE, "numeric")
    if not columns:
        return EllipticEnvelopeRecord(
            node_id=ctx.node_id, columns=[], location=[], precision=[], offset=0.0
        )
    block = numeric_frame(X, columns, ctx, NODE_TYPE)
    complete = block[np.isfinite(block).all(axis=1)]
    if len(complete) <= len(columns):
        raise _fail(
            ctx,
            f"{len(complete)} train rows have finite values in all {len(columns)} columns; the "
            "covariance estimate needs more rows than columns (impute first or pick fewer columns)",
        )
    estimator = EllipticEnvelope(
        contamination=params.contamination, random_state=params.random_state
    )
    try:
        with warnings.catch_warnings():
            # A rank-deficient covariance (a constant column) is handled by the pseudo-inverse.
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", UserWarning)
            estimator.fit(complete)
    except (ValueError, np.linalg.LinAlgError) as exc:
        raise _fail(ctx, f"cannot estimate the covariance of columns {columns}: {exc}") from exc
    return EllipticEnvelopeRecord(
        node_id=ctx.node_id,
        columns=columns,
        location=[float(v) for v in estimator.location_],
        precision=[[float(v) for v in row] for row in estimator.get_precision()],
        offset=float(estimator.offset_),
    )


def _apply(
    X: pd.DataFrame, y: pd.Series | None, record: EllipticEnvelopeRecord, ctx: NodeContext
) -> XY:
    if not record.columns or len(X) == 0:
        return X, y
    block = numeric_frame(X, record.columns, ctx, NODE_TYPE)
    infinite = np.isinf(block).any(axis=1)
    scored = np.isfinite(block).all(axis=1)
    flagged = infinite.copy()
    if scored.any():
        location = np.asarray(record.location, dtype="float64")[np.newaxis, :]
        precision = np.asarray(record.precision, dtype="float64")
        dist = cdist(block[scored], location, metric="mahalanobis", VI=precision)[:, 0] ** 2
        # scikit-learn: decision = -dist - offset; a row is an inlier when decision >= 0.
        flagged[scored] = (-dist - record.offset) < 0
    return keep_rows(X, y, flagged)


ELLIPTIC_ENVELOPE: NodeDefinition[EllipticEnvelopeParams, EllipticEnvelopeRecord] = NodeDefinition(
    id=NODE_TYPE,
    group="outliers",
    description="Removes train rows outside a robust Gaussian envelope (minimum covariance "
    "determinant) fitted on the train split.",
    params_model=EllipticEnvelopeParams,
    record_model=EllipticEnvelopeRecord,
    learns=True,
    train_only=True,
    calculator=_fit,
    applier=_apply,
    column_flow=same_columns,
)

NODES: list[NodeDefinition] = [ELLIPTIC_ENVELOPE]
