"""Polynomial terms (stateless): PolynomialFeatures and FeatureInteraction.

The values equal ``sklearn.preprocessing.PolynomialFeatures`` (same terms, same order), but the
node adds only the terms of degree two and more (plus the bias column ``<prefix>_1`` with
``include_bias``): the degree-one terms are the input columns themselves, which stay as they are.
A term is named like scikit-learn's ``get_feature_names_out`` with the prefix, a product written
with ``*`` instead of a space: ``poly_age^2``, ``poly_age*income``.

FeatureInteraction is the same node with ``interaction_only`` on by default (products of distinct
columns only), ``degree`` limited to 2-4 and the prefix ``interaction``.

Values that are not numbers count as NaN; NaN and ±inf propagate through the products exactly as
in numpy (so ``inf * 0`` is NaN). A configuration producing more than 2000 columns is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain, combinations, combinations_with_replacement
from math import comb
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from skyulf_core.nodes._frames import arrays_with, column_arrays, float_array, frame_with
from skyulf_core.nodes.base import (
    Columns,
    ColumnSet,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
)
from skyulf_core.nodes.columns import resolve_columns
from skyulf_errors import NodeError

MAX_TERMS = 2000


class PolynomialFeaturesParams(ColumnsParams):
    degree: int = Field(2, ge=1, le=6)
    interaction_only: bool = False
    include_bias: bool = False
    output_prefix: str = Field("poly", min_length=1)


class FeatureInteractionParams(PolynomialFeaturesParams):
    degree: int = Field(2, ge=2, le=4)
    interaction_only: bool = True
    output_prefix: str = Field("interaction", min_length=1)


class PolynomialRecord(FittedRecord):
    node_type: str = "PolynomialFeatures"
    # Each term is the list of input-column positions multiplied together; [] is the bias.
    terms: list[list[int]]
    names: list[str]

    def created_columns(self) -> list[str]:
        return list(self.names)


class FeatureInteractionRecord(PolynomialRecord):
    node_type: str = "FeatureInteraction"


def _terms(n: int, degree: int, interaction_only: bool, bias: bool) -> list[tuple[int, ...]]:
    combine = combinations if interaction_only else combinations_with_replacement
    start = 0 if bias else 2
    found = chain.from_iterable(combine(range(n), d) for d in range(start, degree + 1))
    return [t for t in found if len(t) != 1]


def term_name(columns: list[str], term: tuple[int, ...] | list[int], prefix: str) -> str:
    if not term:
        return f"{prefix}_1"
    parts = []
    for i in dict.fromkeys(term):
        power = term.count(i)
        parts.append(columns[i] if power == 1 else f"{columns[i]}^{power}")
    return f"{prefix}_{'*'.join(parts)}"


def _count_terms(n: int, degree: int, interaction_only: bool) -> int:
    total = 0
    for d in range(2, degree + 1):
        total += comb(n, d) if interaction_only else comb(n + d - 1, d)
    return total


def _fit_for(
    node: str, record_model: type[PolynomialRecord]
) -> Callable[[pd.DataFrame, pd.Series | None, PolynomialFeaturesParams, NodeContext], Any]:
    def fit(
        X: pd.DataFrame, y: pd.Series | None, params: PolynomialFeaturesParams, ctx: NodeContext
    ) -> PolynomialRecord:
        columns = resolve_columns(X, params.columns, ctx, node, "numeric")
        if _count_terms(len(columns), params.degree, params.interaction_only) > MAX_TERMS:
            raise NodeError(
                f"node '{ctx.node_id}' ({node}): {len(columns)} columns at degree "
                f"{params.degree} give more than {MAX_TERMS} columns; list fewer columns or "
                "lower the degree",
                node_id=ctx.node_id,
                node_type=node,
                field="degree",
            )
        terms = _terms(len(columns), params.degree, params.interaction_only, params.include_bias)
        names = [term_name(columns, t, params.output_prefix) for t in terms]
        clash = next((n for n in names if n in X.columns), None)
        if clash is not None:
            raise NodeError(
                f"node '{ctx.node_id}' ({node}): output column '{clash}' already exists; "
                "change output_prefix",
                node_id=ctx.node_id,
                node_type=node,
                column=clash,
                field="output_prefix",
            )
        return record_model(
            node_id=ctx.node_id, columns=columns, terms=[list(t) for t in terms], names=names
        )

    return fit


def _products(cols: Columns, record: PolynomialRecord, n: int) -> dict[str, np.ndarray]:
    values = [float_array(cols[c]) for c in record.columns]
    new: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore", over="ignore"):
        for term, name in zip(record.terms, record.names, strict=True):
            out = np.ones(n, dtype="float64")
            for i in term:
                out = out * values[i]
            new[name] = out
    return new


def _apply(
    X: pd.DataFrame, y: pd.Series | None, record: PolynomialRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    return frame_with(X, _products(column_arrays(X, record.columns), record, len(X))), y


def _apply_arrays(cols: Columns, record: PolynomialRecord) -> Columns:
    n = len(next(iter(cols.values()))) if cols else 0
    return arrays_with(cols, _products(cols, record, n))


def _flow(columns: ColumnSet, params: PolynomialFeaturesParams) -> ColumnSet:
    if params.columns is None:
        return ColumnSet(columns.names, open=True, removed=columns.removed)
    terms = _terms(len(params.columns), params.degree, params.interaction_only, params.include_bias)
    added = tuple(term_name(params.columns, t, params.output_prefix) for t in terms)
    return ColumnSet(columns.names + added, columns.open, columns.removed - set(added))


POLYNOMIAL_FEATURES: NodeDefinition[PolynomialFeaturesParams, PolynomialRecord] = NodeDefinition(
    id="PolynomialFeatures",
    group="features",
    description="Adds the products and powers of numeric columns up to a degree (like "
    "scikit-learn's PolynomialFeatures).",
    params_model=PolynomialFeaturesParams,
    record_model=PolynomialRecord,
    learns=False,
    train_only=False,
    calculator=_fit_for("PolynomialFeatures", PolynomialRecord),
    applier=_apply,
    column_flow=_flow,
    array_applier=_apply_arrays,
)

FEATURE_INTERACTION: NodeDefinition[FeatureInteractionParams, FeatureInteractionRecord] = (
    NodeDefinition(
        id="FeatureInteraction",
        group="features",
        description="Adds the products of distinct numeric columns (interaction terms, degree "
        "2 to 4).",
        params_model=FeatureInteractionParams,
        record_model=FeatureInteractionRecord,
        learns=False,
        train_only=False,
        calculator=_fit_for("FeatureInteraction", FeatureInteractionRecord),
        applier=_apply,
        column_flow=_flow,
        array_applier=_apply_arrays,
    )
)

NODES: list[NodeDefinition] = [POLYNOMIAL_FEATURES, FEATURE_INTERACTION]
