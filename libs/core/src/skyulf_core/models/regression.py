"""Regression models (scikit-learn). Defaults follow NODES.md and the original Skyulf."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from sklearn.ensemble import (
    AdaBoostRegressor,
    ExtraTreesRegressor,
    GradientBoostingRegressor,
    HistGradientBoostingRegressor,
    RandomForestRegressor,
)
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge
from sklearn.neighbors import KNeighborsRegressor
from sklearn.svm import SVR
from sklearn.tree import DecisionTreeRegressor

from skyulf_core.models.base import (
    MAX_BOOSTING_ITER,
    MAX_DEPTH,
    MAX_ITER,
    MAX_KERNEL_DEGREE,
    MAX_LEAF_NODES,
    MAX_NEIGHBORS,
    MAX_ROWS,
    MAX_TREES,
    ModelDefinition,
    ModelParams,
    Seed,
    model_definition,
    sklearn_builder,
)

SEED = 42


class LinearRegressionParams(ModelParams):
    fit_intercept: bool = True


class RidgeParams(ModelParams):
    alpha: float = Field(1.0, ge=0)
    solver: Literal["auto", "svd", "cholesky", "lsqr", "sparse_cg", "sag", "saga"] = "auto"
    fit_intercept: bool = True


class LassoParams(ModelParams):
    alpha: float = Field(1.0, gt=0)
    selection: Literal["cyclic", "random"] = "cyclic"
    max_iter: int = Field(1000, ge=1, le=MAX_ITER)
    random_state: Seed | None = SEED


class ElasticNetParams(LassoParams):
    l1_ratio: float = Field(0.5, ge=0, le=1)


class RandomForestRegressorParams(ModelParams):
    n_estimators: int = Field(50, ge=1, le=MAX_TREES)
    max_depth: int | None = Field(10, ge=1, le=MAX_DEPTH)
    min_samples_split: int = Field(5, ge=2, le=MAX_ROWS)
    min_samples_leaf: int = Field(2, ge=1, le=MAX_ROWS)
    max_features: Literal["sqrt", "log2"] | float | None = 1.0
    random_state: Seed | None = SEED


class SVRParams(ModelParams):
    C: float = Field(1.0, gt=0)
    kernel: Literal["rbf", "linear", "poly", "sigmoid"] = "rbf"
    gamma: Literal["scale", "auto"] | float = "scale"
    epsilon: float = Field(0.1, ge=0)
    degree: int = Field(
        3, ge=1, le=MAX_KERNEL_DEGREE, description="poly kernel only; higher overflows"
    )


class KNeighborsRegressorParams(ModelParams):
    n_neighbors: int = Field(5, ge=1, le=MAX_NEIGHBORS)
    weights: Literal["uniform", "distance"] = "uniform"
    algorithm: Literal["auto", "ball_tree", "kd_tree", "brute"] = "auto"
    p: float = Field(2, ge=1)


class DecisionTreeRegressorParams(ModelParams):
    criterion: Literal["squared_error", "friedman_mse", "absolute_error", "poisson"] = (
        "squared_error"
    )
    max_depth: int | None = Field(None, ge=1, le=MAX_DEPTH)
    min_samples_split: int = Field(2, ge=2, le=MAX_ROWS)
    min_samples_leaf: int = Field(1, ge=1, le=MAX_ROWS)
    random_state: Seed | None = SEED


class GradientBoostingRegressorParams(ModelParams):
    n_estimators: int = Field(100, ge=1, le=MAX_TREES)
    learning_rate: float = Field(0.1, gt=0)
    max_depth: int | None = Field(3, ge=1, le=MAX_DEPTH)
    subsample: float = Field(1.0, gt=0, le=1)
    loss: Literal["squared_error", "absolute_error", "huber", "quantile"] = "squared_error"
    random_state: Seed | None = SEED


class AdaBoostRegressorParams(ModelParams):
    n_estimators: int = Field(50, ge=1, le=MAX_TREES)
    learning_rate: float = Field(1.0, gt=0)
    loss: Literal["linear", "square", "exponential"] = "linear"
    random_state: Seed | None = SEED


class ExtraTreesRegressorParams(ModelParams):
    n_estimators: int = Field(100, ge=1, le=MAX_TREES)
    max_depth: int | None = Field(None, ge=1, le=MAX_DEPTH)
    min_samples_split: int = Field(2, ge=2, le=MAX_ROWS)
    min_samples_leaf: int = Field(1, ge=1, le=MAX_ROWS)
    random_state: Seed | None = SEED


class HistGradientBoostingRegressorParams(ModelParams):
    max_iter: int = Field(100, ge=1, le=MAX_BOOSTING_ITER)
    learning_rate: float = Field(0.1, gt=0)
    max_leaf_nodes: int | None = Field(31, ge=2, le=MAX_LEAF_NODES)
    max_depth: int | None = Field(None, ge=1, le=MAX_DEPTH)
    l2_regularization: float = Field(0.0, ge=0)
    random_state: Seed | None = SEED


_regressor = model_definition("regression")


MODELS: list[ModelDefinition] = [
    _regressor(
        "linear_regression",
        "Ordinary least squares.",
        LinearRegressionParams,
        sklearn_builder(LinearRegression),
    ),
    _regressor(
        "ridge_regression", "Least squares with an L2 penalty.", RidgeParams, sklearn_builder(Ridge)
    ),
    _regressor(
        "lasso_regression",
        "Least squares with an L1 penalty (sparse coefficients).",
        LassoParams,
        sklearn_builder(Lasso),
    ),
    _regressor(
        "elasticnet_regression",
        "Least squares with mixed L1/L2 penalties.",
        ElasticNetParams,
        sklearn_builder(ElasticNet),
    ),
    _regressor(
        "random_forest_regressor",
        "Averaged ensemble of randomised regression trees.",
        RandomForestRegressorParams,
        sklearn_builder(RandomForestRegressor, n_jobs=1),
    ),
    _regressor("svr", "Support vector regression.", SVRParams, sklearn_builder(SVR)),
    _regressor(
        "k_neighbors_regressor",
        "Mean of the k nearest training rows.",
        KNeighborsRegressorParams,
        sklearn_builder(KNeighborsRegressor, n_jobs=1),
        row_params=("n_neighbors",),
    ),
    _regressor(
        "decision_tree_regressor",
        "A single regression tree.",
        DecisionTreeRegressorParams,
        sklearn_builder(DecisionTreeRegressor),
    ),
    _regressor(
        "gradient_boosting_regressor",
        "Gradient-boosted regression trees.",
        GradientBoostingRegressorParams,
        sklearn_builder(GradientBoostingRegressor),
    ),
    _regressor(
        "adaboost_regressor",
        "AdaBoost.R2 over regression trees.",
        AdaBoostRegressorParams,
        sklearn_builder(AdaBoostRegressor),
    ),
    _regressor(
        "extra_trees_regressor",
        "Ensemble of extremely randomised regression trees.",
        ExtraTreesRegressorParams,
        sklearn_builder(ExtraTreesRegressor, n_jobs=1),
    ),
    _regressor(
        "hist_gradient_boosting_regressor",
        "Histogram gradient boosting; fast on large data, accepts missing values.",
        HistGradientBoostingRegressorParams,
        sklearn_builder(HistGradientBoostingRegressor),
        allows_nan=True,
    ),
]
