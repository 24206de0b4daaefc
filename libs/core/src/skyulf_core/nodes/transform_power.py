"""PowerTransformer (fit): yeo-johnson or box-cox per column, then optional standardization.

Equals ``sklearn.preprocessing.PowerTransformer`` within 1e-9: the lambdas are scipy's
maximum-likelihood fit on the train values (NaN ignored), and with ``standardize`` the transformed
train values are centred and scaled like StandardScaler (population variance; a zero-variance
column keeps scale 1). NaN passes through like in scikit-learn. Everything the transform needs is
in the record as plain floats, so the array fast path is a few vector operations per column.

Where scikit-learn raises or differs, the node has a defined behaviour instead: box-cox refuses a
value <= 0 with an error naming the column and the value, when fitting and when applying; ±inf
is ignored when fitting (scikit-learn refuses it) and follows the formula when applying; a column
that is constant apart from missing values gets lambda 1 for either method (scikit-learn raises
for box-cox, and for yeo-johnson only detects constant columns without NaN); a column with no
finite value is an error naming it.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from skyulf_core.nodes._float_arrays import float_column
from skyulf_core.nodes._transform_ops import fit_lambda, is_constant, transform
from skyulf_core.nodes.base import (
    Columns,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    same_columns,
)
from skyulf_core.nodes.columns import numeric_frame, resolve_columns

_NODE = "PowerTransformer"
_METHODS = {"yeo-johnson": "yeo_johnson", "box-cox": "box_cox"}


class PowerTransformerParams(ColumnsParams):
    method: Literal["yeo-johnson", "box-cox"] = "yeo-johnson"
    standardize: bool = True


class PowerTransformerRecord(FittedRecord):
    node_type: str = _NODE
    method: Literal["yeo-johnson", "box-cox"]
    lambdas: list[float]
    # Standardization of the transformed values; mean 0 and scale 1 when standardize is off.
    means: list[float]
    scales: list[float]


def _fit_power(
    X: pd.DataFrame, y: pd.Series | None, params: PowerTransformerParams, ctx: NodeContext
) -> PowerTransformerRecord:
    columns = resolve_columns(X, params.columns, ctx, _NODE, "numeric")
    block = numeric_frame(X, columns, ctx, _NODE)
    method = _METHODS[params.method]
    lambdas: list[float] = []
    means: list[float] = []
    scales: list[float] = []
    for i, col in enumerate(columns):
        lmbda = fit_lambda(block[:, i], method, col, ctx.node_id, _NODE)
        lambdas.append(lmbda)
        mean, scale = 0.0, 1.0
        if params.standardize:
            out = transform(block[:, i], method, lmbda, col, ctx.node_id, _NODE)
            out = out[np.isfinite(out)]
            if out.size:  # empty only if every transformed value overflowed
                mean = float(out.mean())
                if not is_constant(out):
                    scale = float(np.sqrt(out.var()))
        means.append(mean)
        scales.append(scale)
    return PowerTransformerRecord(
        node_id=ctx.node_id,
        columns=columns,
        method=params.method,
        lambdas=lambdas,
        means=means,
        scales=scales,
    )


def _transform_column(
    x: np.ndarray, record: PowerTransformerRecord, i: int, node_id: str
) -> np.ndarray:
    col = record.columns[i]
    out = transform(x, _METHODS[record.method], record.lambdas[i], col, node_id, _NODE)
    return (out - record.means[i]) / record.scales[i]


def _apply_power(
    X: pd.DataFrame, y: pd.Series | None, record: PowerTransformerRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    if not record.columns:
        return X, y
    block = numeric_frame(X, record.columns, ctx, _NODE)
    new = {
        c: _transform_column(block[:, i], record, i, ctx.node_id)
        for i, c in enumerate(record.columns)
    }
    return X.assign(**new), y


def _apply_power_arrays(cols: Columns, record: PowerTransformerRecord) -> Columns:
    out = dict(cols)
    for i, col in enumerate(record.columns):
        x = float_column(cols, col, record.node_id, _NODE)
        out[col] = _transform_column(x, record, i, record.node_id)
    return out


POWER_TRANSFORMER: NodeDefinition[PowerTransformerParams, PowerTransformerRecord] = NodeDefinition(
    id=_NODE,
    group="transform",
    description="Makes numeric columns more Gaussian with a yeo-johnson or box-cox power "
    "transform learned on the train split, optionally standardized.",
    params_model=PowerTransformerParams,
    record_model=PowerTransformerRecord,
    learns=True,
    train_only=False,
    calculator=_fit_power,
    applier=_apply_power,
    column_flow=same_columns,
    array_applier=_apply_power_arrays,
)

NODES: list[NodeDefinition] = [POWER_TRANSFORMER]
