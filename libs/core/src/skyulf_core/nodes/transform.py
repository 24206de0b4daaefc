"""Transformation nodes: GeneralTransformation (per-column rules) and SimpleTransformation.

Both rewrite numeric columns in place with ``log`` (log1p), ``square_root``, ``cube_root``,
``reciprocal``, ``square``, ``exponential`` or the fitted power transforms ``box_cox`` and
``yeo_johnson`` (the original Skyulf's aliases ``sqrt`` and ``exp`` are accepted too). The domain
rules (what ``log`` of -2 or the reciprocal of 0 becomes, why box-cox refuses values <= 0) are in
:mod:`skyulf_core.nodes._transform_ops`. A fitted rule equals scikit-learn's
``PowerTransformer(method=..., standardize=False)`` on that column.

Rules run in order and a later rule on the same column sees the earlier rule's output, when
fitting as when applying. Both nodes are marked as learning because a rule may fit a lambda: the
leakage guard then keeps them after the TrainTestSplitter even when every rule is stateless.
Differences from the original Skyulf: ``log`` keeps values in (-1, 0) (log1p is defined there;
the original turned every negative value into NaN) and ``exponential`` is not clipped at 700 —
overflow is +inf, which downstream scalers and imputers treat as missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from skyulf_core.nodes._float_arrays import float_column
from skyulf_core.nodes._transform_ops import (
    FITTED_METHODS,
    MethodName,
    canonical,
    fit_lambda,
    transform,
)
from skyulf_core.nodes.base import (
    Columns,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    NodeParams,
    same_columns,
)
from skyulf_core.nodes.columns import numeric_frame, resolve_columns

CanonicalMethod = Literal[
    "log",
    "square_root",
    "cube_root",
    "reciprocal",
    "square",
    "exponential",
    "box_cox",
    "yeo_johnson",
]


class FittedRule(BaseModel):
    """One rule as applied: the canonical method and, for box_cox/yeo_johnson, its lambda."""

    model_config = ConfigDict(extra="forbid")

    column: str
    method: CanonicalMethod
    lmbda: float | None = None


class TransformationRecord(FittedRecord):
    rules: list[FittedRule]


def _fit_rules(
    X: pd.DataFrame,
    pairs: Sequence[tuple[str, str]],
    ctx: NodeContext,
    node_type: str,
) -> tuple[list[str], list[FittedRule]]:
    columns = resolve_columns(X, [c for c, _ in pairs], ctx, node_type, "numeric")
    block = numeric_frame(X, columns, ctx, node_type)
    current = {c: block[:, i] for i, c in enumerate(columns)}
    rules: list[FittedRule] = []
    for column, raw_method in pairs:
        method = canonical(raw_method)
        lmbda = None
        if method in FITTED_METHODS:
            lmbda = fit_lambda(current[column], method, column, ctx.node_id, node_type)
        current[column] = transform(current[column], method, lmbda, column, ctx.node_id, node_type)
        rules.append(
            FittedRule.model_validate({"column": column, "method": method, "lmbda": lmbda})
        )
    return columns, rules


def _apply_rules(
    X: pd.DataFrame, y: pd.Series | None, record: TransformationRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    if not record.rules:
        return X, y
    block = numeric_frame(X, record.columns, ctx, record.node_type)
    current = {c: block[:, i] for i, c in enumerate(record.columns)}
    for rule in record.rules:
        current[rule.column] = transform(
            current[rule.column],
            rule.method,
            rule.lmbda,
            rule.column,
            ctx.node_id,
            record.node_type,
        )
    return X.assign(**current), y


def _apply_rules_arrays(cols: Columns, record: TransformationRecord) -> Columns:
    current: dict[str, np.ndarray] = {}
    for rule in record.rules:
        x = current.get(rule.column)
        if x is None:
            x = float_column(cols, rule.column, record.node_id, record.node_type)
        current[rule.column] = transform(
            x, rule.method, rule.lmbda, rule.column, record.node_id, record.node_type
        )
    out = dict(cols)
    out.update(current)
    return out


# --------------------------------------------------------------------------- GeneralTransformation


class TransformationRule(NodeParams):
    column: str
    method: MethodName


class GeneralTransformationParams(NodeParams):
    transformations: list[TransformationRule] = []


class GeneralTransformationRecord(TransformationRecord):
    node_type: str = "GeneralTransformation"


def _fit_general(
    X: pd.DataFrame, y: pd.Series | None, params: GeneralTransformationParams, ctx: NodeContext
) -> GeneralTransformationRecord:
    pairs = [(r.column, r.method) for r in params.transformations]
    columns, rules = _fit_rules(X, pairs, ctx, "GeneralTransformation")
    return GeneralTransformationRecord(node_id=ctx.node_id, columns=columns, rules=rules)


GENERAL_TRANSFORMATION: NodeDefinition[GeneralTransformationParams, GeneralTransformationRecord] = (
    NodeDefinition(
        id="GeneralTransformation",
        group="transform",
        description="Applies a per-column rule (log, square root, cube root, reciprocal, square, "
        "exponential, box-cox or yeo-johnson) to numeric columns in place.",
        params_model=GeneralTransformationParams,
        record_model=GeneralTransformationRecord,
        learns=True,
        train_only=False,
        calculator=_fit_general,
        applier=_apply_rules,
        column_flow=same_columns,
        array_applier=_apply_rules_arrays,
    )
)

# --------------------------------------------------------------------------- SimpleTransformation


class SimpleTransformationParams(ColumnsParams):
    func: MethodName = "log"


class SimpleTransformationRecord(TransformationRecord):
    node_type: str = "SimpleTransformation"


def _fit_simple(
    X: pd.DataFrame, y: pd.Series | None, params: SimpleTransformationParams, ctx: NodeContext
) -> SimpleTransformationRecord:
    targets = resolve_columns(X, params.columns, ctx, "SimpleTransformation", "numeric")
    columns, rules = _fit_rules(X, [(c, params.func) for c in targets], ctx, "SimpleTransformation")
    return SimpleTransformationRecord(node_id=ctx.node_id, columns=columns, rules=rules)


SIMPLE_TRANSFORMATION: NodeDefinition[SimpleTransformationParams, SimpleTransformationRecord] = (
    NodeDefinition(
        id="SimpleTransformation",
        group="transform",
        description="Applies one function (log, square root, cube root, reciprocal, square, "
        "exponential, box-cox or yeo-johnson) to numeric columns in place.",
        params_model=SimpleTransformationParams,
        record_model=SimpleTransformationRecord,
        learns=True,
        train_only=False,
        calculator=_fit_simple,
        applier=_apply_rules,
        column_flow=same_columns,
        array_applier=_apply_rules_arrays,
    )
)

NODES: list[NodeDefinition] = [GENERAL_TRANSFORMATION, SIMPLE_TRANSFORMATION]
