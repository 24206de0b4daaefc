"""IterativeImputer: models each column from the others, round after round (MICE-style).

The calculator fits ``sklearn.impute.IterativeImputer`` (mean initial fill, ascending order,
tol 1e-3) and reduces every fitted per-column estimator to plain arrays; the applier replays the
imputation sequence in numpy, equal to scikit-learn's ``transform`` within 1e-9:

- ``bayesian_ridge``: coefficients and intercept;
- ``decision_tree`` / ``extra_trees``: each tree's ``tree_`` arrays (children, feature,
  threshold, leaf value), evaluated on float32 inputs as scikit-learn does;
- ``knn`` (5 neighbours, uniform): the training rows and targets of each estimator.

Differences from scikit-learn, on purpose: ±inf counts as missing instead of being an error; a
column with no value in the train split is an error naming it (scikit-learn silently drops it);
``extra_trees`` grows 10 trees, not 100, to keep the record small; and the rounds always run,
where scikit-learn skips them for an input whose every cell is missing (which would give one such
row a different result alone than inside a batch). A record over ``MAX_RECORD_NUMBERS`` numbers
(trees and knn grow with the train split) is refused with a hint.
"""

from __future__ import annotations

import warnings
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from sklearn.ensemble import ExtraTreesRegressor
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer
from sklearn.linear_model import BayesianRidge
from sklearn.neighbors import KNeighborsRegressor
from sklearn.tree import DecisionTreeRegressor

from skyulf_core.nodes._numeric_matrix import columns_matrix, frame_matrix
from skyulf_core.nodes.base import (
    Columns,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    Seed,
    same_columns,
)
from skyulf_core.nodes.columns import resolve_columns
from skyulf_errors import NodeError

Estimator = Literal["bayesian_ridge", "decision_tree", "extra_trees", "knn"]
MAX_RECORD_NUMBERS = 2_000_000
EXTRA_TREES = 10
KNN_NEIGHBORS = 5


class IterativeImputerParams(ColumnsParams):
    max_iter: int = Field(10, ge=1, le=100)
    estimator: Estimator = "bayesian_ridge"
    random_state: Seed | None = 42


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LinearModel(_Part):
    kind: Literal["linear"] = "linear"
    coef: list[float]
    intercept: float


class TreeArrays(_Part):
    left: list[int]
    right: list[int]
    feature: list[int]
    threshold: list[float]
    value: list[float]


class TreesModel(_Part):
    kind: Literal["trees"] = "trees"
    trees: list[TreeArrays]


class NeighborsModel(_Part):
    kind: Literal["knn"] = "knn"
    n_neighbors: int
    X: list[list[float]]
    y: list[float]


StepModel = Annotated[LinearModel | TreesModel | NeighborsModel, Field(discriminator="kind")]


class ImputationStep(_Part):
    feature: int
    inputs: list[int]
    model: StepModel


class IterativeImputerRecord(FittedRecord):
    node_type: str = "IterativeImputer"
    initial: list[float]
    steps: list[ImputationStep]


def _estimator(params: IterativeImputerParams) -> object:
    if params.estimator == "decision_tree":
        return DecisionTreeRegressor(random_state=params.random_state)
    if params.estimator == "extra_trees":
        return ExtraTreesRegressor(n_estimators=EXTRA_TREES, random_state=params.random_state)
    if params.estimator == "knn":
        return KNeighborsRegressor(n_neighbors=KNN_NEIGHBORS)
    return BayesianRidge()


def _tree_arrays(tree: DecisionTreeRegressor) -> TreeArrays:
    t = tree.tree_
    return TreeArrays(
        left=t.children_left.tolist(),
        right=t.children_right.tolist(),
        feature=t.feature.tolist(),
        threshold=t.threshold.tolist(),
        value=t.value[:, 0, 0].tolist(),
    )


def _reduce(estimator: object) -> LinearModel | TreesModel | NeighborsModel:
    if isinstance(estimator, BayesianRidge):
        return LinearModel(coef=estimator.coef_.tolist(), intercept=float(estimator.intercept_))
    if isinstance(estimator, DecisionTreeRegressor):
        return TreesModel(trees=[_tree_arrays(estimator)])
    if isinstance(estimator, ExtraTreesRegressor):
        return TreesModel(trees=[_tree_arrays(t) for t in estimator.estimators_])
    assert isinstance(estimator, KNeighborsRegressor)
    return NeighborsModel(
        n_neighbors=estimator.n_neighbors,
        X=np.asarray(estimator._fit_X, dtype="float64").tolist(),
        y=np.asarray(estimator._y, dtype="float64").ravel().tolist(),
    )


def _size(model: LinearModel | TreesModel | NeighborsModel) -> int:
    if isinstance(model, LinearModel):
        return len(model.coef) + 1
    if isinstance(model, TreesModel):
        return sum(5 * len(t.left) for t in model.trees)
    return len(model.y) * (len(model.X[0]) + 1 if model.X else 1)


def _predict_tree(tree: TreeArrays, X: np.ndarray) -> np.ndarray:
    left, right = np.asarray(tree.left), np.asarray(tree.right)
    feature, threshold = np.asarray(tree.feature), np.asarray(tree.threshold)
    node = np.zeros(len(X), dtype=np.intp)
    rows = np.arange(len(X))
    while True:
        inner = left[node] != -1
        if not inner.any():
            return np.asarray(tree.value)[node]
        at = node[inner]
        go_left = X[rows[inner], feature[at]] <= threshold[at]
        node[inner] = np.where(go_left, left[at], right[at])


def _predict(model: LinearModel | TreesModel | NeighborsModel, X: np.ndarray) -> np.ndarray:
    if isinstance(model, LinearModel):
        return X @ np.asarray(model.coef) + model.intercept
    if isinstance(model, TreesModel):
        X32 = X.astype(np.float32).astype("float64")  # scikit-learn's trees compare float32
        total = np.zeros(len(X))
        for tree in model.trees:
            total += _predict_tree(tree, X32)
        return total / len(model.trees)
    fit_X, fit_y = np.asarray(model.X, dtype="float64"), np.asarray(model.y)
    dist = -2 * (X @ fit_X.T)
    dist += np.einsum("ij,ij->i", X, X)[:, None]
    dist += np.einsum("ij,ij->i", fit_X, fit_X)[None, :]
    k = min(model.n_neighbors, len(fit_y))
    nearest = np.argpartition(dist, k - 1, axis=1)[:, :k]
    return fit_y[nearest].mean(axis=1)


def iterative_impute(X: np.ndarray, record: IterativeImputerRecord) -> np.ndarray:
    """Missing cells of ``X`` (NaN) filled by replaying the fitted imputation sequence."""
    mask = np.isnan(X)
    out = np.where(mask, np.asarray(record.initial), X)
    if not mask.any():
        return out
    for step in record.steps:
        rows = mask[:, step.feature]
        if rows.any():
            inputs = out[np.ix_(rows, step.inputs)]
            out[rows, step.feature] = _predict(step.model, inputs)
    return out


def _fit_iterative(
    X: pd.DataFrame, y: pd.Series | None, params: IterativeImputerParams, ctx: NodeContext
) -> IterativeImputerRecord:
    columns = resolve_columns(X, params.columns, ctx, "IterativeImputer", "numeric")
    if len(columns) < 2:
        raise NodeError(
            f"node '{ctx.node_id}' (IterativeImputer): needs at least two numeric columns to "
            f"model one from the others, got {len(columns)}",
            node_id=ctx.node_id,
            node_type="IterativeImputer",
            field="columns",
        )
    matrix = frame_matrix(X, columns, ctx, "IterativeImputer")
    empty = [c for j, c in enumerate(columns) if np.isnan(matrix[:, j]).all()]
    if empty:
        raise NodeError(
            f"node '{ctx.node_id}' (IterativeImputer): column '{empty[0]}' has no values in the "
            "train split to impute from; drop it first (DropMissingColumns)",
            node_id=ctx.node_id,
            node_type="IterativeImputer",
            column=empty[0],
        )
    imputer = IterativeImputer(
        estimator=_estimator(params), max_iter=params.max_iter, random_state=params.random_state
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: max_iter rounds are what was asked
        imputer.fit(matrix)
    steps = [
        ImputationStep(
            feature=int(t.feat_idx),
            inputs=[int(i) for i in t.neighbor_feat_idx],
            model=_reduce(t.estimator),
        )
        for t in imputer.imputation_sequence_
    ]
    size = sum(_size(s.model) for s in steps)
    if size > MAX_RECORD_NUMBERS:
        raise NodeError(
            f"node '{ctx.node_id}' (IterativeImputer): the fitted {params.estimator} models hold "
            f"{size} numbers, over the {MAX_RECORD_NUMBERS} a record keeps; lower max_iter, "
            "impute fewer columns or use estimator 'bayesian_ridge'",
            node_id=ctx.node_id,
            node_type="IterativeImputer",
            field="estimator",
        )
    initial = imputer.initial_imputer_.statistics_
    return IterativeImputerRecord(
        node_id=ctx.node_id, columns=columns, initial=initial.tolist(), steps=steps
    )


def _apply_iterative(
    X: pd.DataFrame, y: pd.Series | None, record: IterativeImputerRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    filled = iterative_impute(frame_matrix(X, record.columns, ctx, "IterativeImputer"), record)
    return X.assign(**{c: filled[:, j] for j, c in enumerate(record.columns)}), y


def _iterative_arrays(cols: Columns, record: IterativeImputerRecord) -> Columns:
    matrix = columns_matrix(cols, record.columns, record.node_id, "IterativeImputer")
    filled = iterative_impute(matrix, record)
    return dict(cols) | {c: filled[:, j] for j, c in enumerate(record.columns)}


ITERATIVE_IMPUTER: NodeDefinition[IterativeImputerParams, IterativeImputerRecord] = NodeDefinition(
    id="IterativeImputer",
    group="missing",
    description="Fills missing numbers by modelling each column from the others, in rounds.",
    params_model=IterativeImputerParams,
    record_model=IterativeImputerRecord,
    learns=True,
    train_only=False,
    calculator=_fit_iterative,
    applier=_apply_iterative,
    column_flow=same_columns,
    array_applier=_iterative_arrays,
)

NODES: list[NodeDefinition] = [ITERATIVE_IMPUTER]
