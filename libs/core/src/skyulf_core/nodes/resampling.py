"""Resampling (train only): Oversampling and Undersampling with imbalanced-learn.

Design. A resampler changes the train split itself (rows and targets together) and has no effect
at inference, where there is neither a target nor a reason to add or drop rows. So the calculator
learns nothing from the data beyond checking it: the record keeps the resolved parameters, the
feature columns and the target column, and the *applier* performs the resampling when given the
train frame with its target, by running imbalanced-learn's ``fit_resample`` with the recorded
``random_state`` (so the output is exactly imbalanced-learn's, row for row). No sampler object is
ever stored. Both nodes are ``train_only`` (the executor applies them to the train split and
passes the resampled target on; bundles skip them) and ``learns=True`` so the leakage guard keeps
them after the TrainTestSplitter, where resampling the test rows cannot happen.

The target is the ``y`` passed in; when ``y`` is absent and ``target_column`` (or the pipeline's
target) is a column of ``X``, that column is resampled with the rows and stays in ``X``. No target
at all is an error. The output has a fresh 0..n-1 index, as imbalanced-learn returns it.

Data rules. ``random_over`` and ``random_under_sampling`` only copy or drop whole rows, so any
column types and missing values pass through. Every other method measures distances between rows:
its feature columns must be numeric (encode text first) and finite (impute first); otherwise the
error names the offending columns. Errors imbalanced-learn raises (a single class, too few
minority rows for ``k_neighbors``, k-means finding no usable cluster...) become NodeErrors naming
the node and the parameter to change.

Differences from NODES.md: ``kind`` (borderline_smote) takes imbalanced-learn's names
``borderline-1``/``borderline-2``; ``m_neighbors`` (10) is exposed for borderline_smote and
svm_smote; Undersampling's ``k_neighbors`` is the ``n_neighbors`` of nearmiss and
edited_nearest_neighbours and defaults to imbalanced-learn's 3, not 5; ``sampling_strategy`` also
takes imbalanced-learn's ``"not minority"``/``"not majority"``, and ``"majority"`` for
undersampling (``"minority"`` only makes sense for oversampling); a float strategy is the wanted
minority/majority ratio of a binary target and is refused by the cleaning methods (tomek_links,
edited_nearest_neighbours), which decide the removed rows themselves.
"""

from __future__ import annotations

import warnings
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from imblearn.combine import SMOTETomek
from imblearn.over_sampling import (
    ADASYN,
    SMOTE,
    SVMSMOTE,
    BorderlineSMOTE,
    KMeansSMOTE,
    RandomOverSampler,
)
from imblearn.under_sampling import (
    EditedNearestNeighbours,
    NearMiss,
    RandomUnderSampler,
    TomekLinks,
)
from pydantic import Field, model_validator

from skyulf_core.nodes.base import (
    FittedRecord,
    NodeContext,
    NodeDefinition,
    NodeParams,
    Seed,
    same_columns,
)
from skyulf_errors import NodeError

XY = tuple[pd.DataFrame, pd.Series | None]
Ratio = Annotated[float, Field(gt=0.0, le=1.0)]
# Neighbour searches cost rows x k; a class larger than k is needed anyway (checked at fit).
MAX_NEIGHBORS = 1000
# Methods that copy or drop whole rows and never measure a distance between them.
_ROW_COPYING = frozenset({"random_over", "random_under_sampling"})
_CLEANING = frozenset({"tomek_links", "edited_nearest_neighbours"})

# --------------------------------------------------------------------------- parameters


class _ResamplingParams(NodeParams):
    target_column: str | None = None
    random_state: Seed | None = 42


class OversamplingParams(_ResamplingParams):
    method: Literal[
        "random_over",
        "smote",
        "adasyn",
        "borderline_smote",
        "svm_smote",
        "kmeans_smote",
        "smote_tomek",
    ] = "smote"
    sampling_strategy: (
        Literal["auto", "minority", "not minority", "not majority", "all"] | Ratio
    ) = "auto"
    k_neighbors: int = Field(5, ge=1, le=MAX_NEIGHBORS)
    kind: Literal["borderline-1", "borderline-2"] = "borderline-1"
    m_neighbors: int = Field(
        10, ge=1, le=MAX_NEIGHBORS, description="borderline_smote and svm_smote"
    )


class UndersamplingParams(_ResamplingParams):
    method: Literal[
        "random_under_sampling", "nearmiss", "tomek_links", "edited_nearest_neighbours"
    ] = "random_under_sampling"
    sampling_strategy: (
        Literal["auto", "majority", "not minority", "not majority", "all"] | Ratio
    ) = "auto"
    k_neighbors: int = Field(
        3, ge=1, le=MAX_NEIGHBORS, description="nearmiss and edited_nearest_neighbours"
    )
    version: Literal[1, 2, 3] = 1
    kind_sel: Literal["all", "mode"] = "all"
    replacement: bool = False

    @model_validator(mode="after")
    def _cleaning_takes_no_ratio(self) -> UndersamplingParams:
        if self.method in _CLEANING and isinstance(self.sampling_strategy, float):
            raise ValueError(f"{self.method} decides which rows to remove; use a named strategy")
        return self


def _oversampler(p: OversamplingParams) -> Any:
    seeded: dict[str, Any] = {
        "sampling_strategy": p.sampling_strategy,
        "random_state": p.random_state,
    }
    k = p.k_neighbors
    match p.method:
        case "random_over":
            return RandomOverSampler(**seeded)
        case "smote":
            return SMOTE(**seeded, k_neighbors=k)
        case "adasyn":
            return ADASYN(**seeded, n_neighbors=k)
        case "borderline_smote":
            return BorderlineSMOTE(**seeded, k_neighbors=k, m_neighbors=p.m_neighbors, kind=p.kind)
        case "svm_smote":
            return SVMSMOTE(**seeded, k_neighbors=k, m_neighbors=p.m_neighbors)
        case "kmeans_smote":
            return KMeansSMOTE(**seeded, k_neighbors=k)
        case "smote_tomek":
            return SMOTETomek(**seeded, smote=SMOTE(**seeded, k_neighbors=k))


def _undersampler(p: UndersamplingParams) -> Any:
    strategy = p.sampling_strategy
    match p.method:
        case "random_under_sampling":
            return RandomUnderSampler(
                sampling_strategy=strategy, random_state=p.random_state, replacement=p.replacement
            )
        case "nearmiss":
            return NearMiss(
                sampling_strategy=strategy, version=p.version, n_neighbors=p.k_neighbors
            )
        case "tomek_links":
            return TomekLinks(sampling_strategy=strategy)
        case "edited_nearest_neighbours":
            return EditedNearestNeighbours(
                sampling_strategy=strategy, n_neighbors=p.k_neighbors, kind_sel=p.kind_sel
            )


def build_sampler(params: OversamplingParams | UndersamplingParams) -> Any:
    """The imbalanced-learn sampler these parameters describe (fresh per call, never stored)."""
    if isinstance(params, OversamplingParams):
        return _oversampler(params)
    return _undersampler(params)


# --------------------------------------------------------------------------- checks


def _error(node_type: str, ctx: NodeContext, message: str, **where: Any) -> NodeError:
    return NodeError(
        f"node '{ctx.node_id}' ({node_type}): {message}",
        node_id=ctx.node_id,
        node_type=node_type,
        **where,
    )


def _split_target(
    X: pd.DataFrame, y: pd.Series | None, target: str | None, node_type: str, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series, bool]:
    """Features, target and whether the target is a column of ``X`` (and goes back in)."""
    inside = target is not None and target in X.columns
    if y is None and not inside:
        where = f"; column '{target}' is not in the input" if target else ""
        raise _error(
            node_type,
            ctx,
            "resampling needs the target: pass it, or set target_column to a column of the "
            f"input{where}",
            field="target_column",
            column=target,
        )
    features = X.drop(columns=[target]) if inside else X
    return features, (X[target] if y is None else y), inside


def _check_data(
    features: pd.DataFrame, y: pd.Series, method: str, node_type: str, ctx: NodeContext
) -> None:
    if bool(y.isna().any()):
        raise _error(
            node_type,
            ctx,
            f"the target has {int(y.isna().sum())} missing values; drop those rows first",
            field="target_column",
        )
    if method in _ROW_COPYING:
        return
    text = [str(c) for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    if text:
        raise _error(
            node_type,
            ctx,
            f"method '{method}' measures distances between rows and needs numeric features; "
            f"column(s) {', '.join(map(repr, text))} are not numeric (encode them first, or use a "
            "random method)",
            column=text[0],
            details={"columns": text},
        )
    values = features.to_numpy(dtype="float64", na_value=np.nan)
    bad = [
        str(c)
        for c, ok in zip(features.columns, np.isfinite(values).all(axis=0), strict=True)
        if not ok
    ]
    if bad:
        raise _error(
            node_type,
            ctx,
            f"method '{method}' needs finite features; column(s) {', '.join(map(repr, bad))} "
            "hold missing or infinite values (impute or clip them first)",
            column=bad[0],
            details={"columns": bad},
        )


_HINTS = {
    "target_column": "resampling balances classes: the target must hold class labels, at least two",
    "k_neighbors": "a class has too few rows for k_neighbors; lower it or use a random method",
    "sampling_strategy": "the strategy does not fit these classes (a ratio needs a binary target)",
    "method": "try another method",
}


def _failure_field(method: str, exc: Exception) -> tuple[str, str]:
    """The parameter to change after imbalanced-learn refused the data, and what to tell."""
    text = str(exc)
    if method == "kmeans_smote" and isinstance(exc, RuntimeError):
        return "method", "k-means found no cluster with enough minority rows; use more rows"
    if "label type" in text or "more than 1 class" in text:
        field = "target_column"
    elif "n_neighbors" in text or "n_samples" in text:
        field = "k_neighbors"
    elif "sampling_strategy" in text:
        field = "sampling_strategy"
    else:
        field = "method"
    return field, _HINTS[field]


# --------------------------------------------------------------------------- record and applier


class ResamplingRecord(FittedRecord):
    """The resolved parameters: resampling happens in the applier, on the train frame."""

    target_column: str | None


class OversamplingRecord(ResamplingRecord):
    node_type: str = "Oversampling"
    params: OversamplingParams


class UndersamplingRecord(ResamplingRecord):
    node_type: str = "Undersampling"
    params: UndersamplingParams


def _resample(
    X: pd.DataFrame,
    y: pd.Series | None,
    params: OversamplingParams | UndersamplingParams,
    target: str | None,
    node_type: str,
    ctx: NodeContext,
) -> XY:
    features, labels, inside = _split_target(X, y, target, node_type, ctx)
    _check_data(features, labels, params.method, node_type, ctx)
    try:
        with warnings.catch_warnings():
            # KMeans convergence chatter; failures still surface as exceptions.
            warnings.simplefilter("ignore", UserWarning)
            X_res, y_res = build_sampler(params).fit_resample(features, labels)
    except (ValueError, RuntimeError, TypeError) as exc:
        field, hint = _failure_field(params.method, exc)
        raise _error(
            node_type,
            ctx,
            f"method '{params.method}' cannot resample this data ({hint}): {exc}",
            field=field,
        ) from exc
    if inside:
        assert target is not None
        X_res.insert(list(X.columns).index(target), target, y_res.to_numpy())
    return X_res, (y_res if y is not None else None)


def _fit_over(
    X: pd.DataFrame, y: pd.Series | None, params: OversamplingParams, ctx: NodeContext
) -> OversamplingRecord:
    target = params.target_column or ctx.target
    features, labels, _ = _split_target(X, y, target, "Oversampling", ctx)
    _check_data(features, labels, params.method, "Oversampling", ctx)
    columns = [str(c) for c in features.columns]
    return OversamplingRecord(
        node_id=ctx.node_id, columns=columns, target_column=target, params=params
    )


def _apply_over(
    X: pd.DataFrame, y: pd.Series | None, record: OversamplingRecord, ctx: NodeContext
) -> XY:
    if len(X) == 0:
        return X, y
    return _resample(X, y, record.params, record.target_column, "Oversampling", ctx)


def _fit_under(
    X: pd.DataFrame, y: pd.Series | None, params: UndersamplingParams, ctx: NodeContext
) -> UndersamplingRecord:
    target = params.target_column or ctx.target
    features, labels, _ = _split_target(X, y, target, "Undersampling", ctx)
    _check_data(features, labels, params.method, "Undersampling", ctx)
    columns = [str(c) for c in features.columns]
    return UndersamplingRecord(
        node_id=ctx.node_id, columns=columns, target_column=target, params=params
    )


def _apply_under(
    X: pd.DataFrame, y: pd.Series | None, record: UndersamplingRecord, ctx: NodeContext
) -> XY:
    if len(X) == 0:
        return X, y
    return _resample(X, y, record.params, record.target_column, "Undersampling", ctx)


OVERSAMPLING: NodeDefinition[OversamplingParams, OversamplingRecord] = NodeDefinition(
    id="Oversampling",
    group="resampling",
    description="Balances the classes of the train split by adding minority rows (random copies "
    "or SMOTE-family synthetic rows).",
    params_model=OversamplingParams,
    record_model=OversamplingRecord,
    learns=True,
    train_only=True,
    calculator=_fit_over,
    applier=_apply_over,
    column_flow=same_columns,
)

UNDERSAMPLING: NodeDefinition[UndersamplingParams, UndersamplingRecord] = NodeDefinition(
    id="Undersampling",
    group="resampling",
    description="Balances the classes of the train split by removing majority rows (random, "
    "NearMiss, Tomek links or edited nearest neighbours).",
    params_model=UndersamplingParams,
    record_model=UndersamplingRecord,
    learns=True,
    train_only=True,
    calculator=_fit_under,
    applier=_apply_under,
    column_flow=same_columns,
)

NODES: list[NodeDefinition] = [OVERSAMPLING, UNDERSAMPLING]
