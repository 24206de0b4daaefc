"""Boosted trees from XGBoost and LightGBM, with the catalog's conventions.

Both libraries take missing values natively. They run on one thread unless ``n_jobs`` asks for
more (at most :data:`MAX_THREADS`): parallelism belongs to the worker pool. Classifiers go through
:class:`LabelledBooster`, which gives the booster contiguous codes (XGBoost refuses a train split
missing a class code) and turns ``class_weight="balanced"`` into per-row sample weights.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from lightgbm import LGBMClassifier, LGBMRegressor
from pydantic import Field
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.class_weight import compute_sample_weight
from xgboost import XGBClassifier, XGBRegressor

from skyulf_core.models.base import (
    MAX_DEPTH,
    MAX_LEAF_NODES,
    MAX_ROWS,
    MAX_TREES,
    ModelDefinition,
    ModelParams,
    Seed,
    model_definition,
)

SEED = 42
MAX_THREADS = 4


class LabelledBooster(ClassifierMixin, BaseEstimator):
    """A boosted classifier fitted on codes 0..k-1 of the labels it sees, optionally weighted.

    ``classes_`` are the original labels; ``predict``/``predict_proba`` speak in them.
    """

    def __init__(self, booster: Any = None, class_weight: str | None = None) -> None:
        self.booster = booster
        self.class_weight = class_weight

    def fit(self, X: np.ndarray, y: np.ndarray) -> LabelledBooster:
        self.classes_, codes = np.unique(np.asarray(y), return_inverse=True)
        weights = compute_sample_weight("balanced", codes) if self.class_weight else None
        self.booster_ = clone(self.booster)
        self.booster_.fit(X, codes, sample_weight=weights)
        self.n_features_in_ = self.booster_.n_features_in_
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(self.classes_[np.argmax(self.predict_proba(X), axis=1)])

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        proba = np.asarray(self.booster_.predict_proba(X), dtype="float64")
        if proba.ndim == 1:  # one class seen: every row is that class
            proba = np.ones((len(X), 1))
        return proba

    @property
    def feature_importances_(self) -> np.ndarray:
        return np.asarray(self.booster_.feature_importances_, dtype="float64")


class _BoostedParams(ModelParams):
    n_estimators: int = Field(100, ge=1, le=MAX_TREES)
    learning_rate: float = Field(0.1, gt=0, le=1)
    subsample: float = Field(1.0, gt=0, le=1, description="share of rows per tree")
    colsample_bytree: float = Field(1.0, gt=0, le=1, description="share of columns per tree")
    reg_alpha: float = Field(0.0, ge=0, description="L1 penalty on leaf weights")
    reg_lambda: float = Field(1.0, ge=0, description="L2 penalty on leaf weights")
    n_jobs: int = Field(1, ge=1, le=MAX_THREADS, description="threads of one fit")
    random_state: Seed | None = SEED


class XGBoostParams(_BoostedParams):
    max_depth: int = Field(6, ge=1, le=64)
    min_child_weight: float = Field(1.0, ge=0)
    gamma: float = Field(0.0, ge=0, description="minimum loss reduction to split a leaf")


class XGBoostClassifierParams(XGBoostParams):
    class_weight: Literal["balanced"] | None = None


class LightGBMParams(_BoostedParams):
    num_leaves: int = Field(31, ge=2, le=MAX_LEAF_NODES)
    max_depth: int | None = Field(None, ge=1, le=MAX_DEPTH, description="None: unlimited")
    min_child_samples: int = Field(20, ge=1, le=MAX_ROWS)


class LightGBMClassifierParams(LightGBMParams):
    class_weight: Literal["balanced"] | None = None


def _xgb_kwargs(p: XGBoostParams) -> dict[str, Any]:
    return {
        "n_estimators": p.n_estimators,
        "learning_rate": p.learning_rate,
        "max_depth": p.max_depth,
        "min_child_weight": p.min_child_weight,
        "gamma": p.gamma,
        "subsample": p.subsample,
        "colsample_bytree": p.colsample_bytree,
        "reg_alpha": p.reg_alpha,
        "reg_lambda": p.reg_lambda,
        "n_jobs": p.n_jobs,
        "random_state": p.random_state,
        "tree_method": "hist",
        "verbosity": 0,
    }


def _lgbm_kwargs(p: LightGBMParams) -> dict[str, Any]:
    return {
        "n_estimators": p.n_estimators,
        "learning_rate": p.learning_rate,
        "num_leaves": p.num_leaves,
        "max_depth": -1 if p.max_depth is None else p.max_depth,
        "min_child_samples": p.min_child_samples,
        "subsample": p.subsample,
        # LightGBM samples rows only when a bagging frequency is set.
        "subsample_freq": 0 if p.subsample >= 1 else 1,
        "colsample_bytree": p.colsample_bytree,
        "reg_alpha": p.reg_alpha,
        "reg_lambda": p.reg_lambda,
        "n_jobs": p.n_jobs,
        "random_state": p.random_state,
        "verbosity": -1,
    }


def _xgb_classifier(p: XGBoostClassifierParams) -> BaseEstimator:
    return LabelledBooster(XGBClassifier(**_xgb_kwargs(p)), p.class_weight)


def _xgb_regressor(p: XGBoostParams) -> BaseEstimator:
    return XGBRegressor(**_xgb_kwargs(p))


def _lgbm_classifier(p: LightGBMClassifierParams) -> BaseEstimator:
    return LabelledBooster(LGBMClassifier(**_lgbm_kwargs(p)), p.class_weight)


def _lgbm_regressor(p: LightGBMParams) -> BaseEstimator:
    return LGBMRegressor(**_lgbm_kwargs(p))


_classifier = model_definition("classification")
_regressor = model_definition("regression")

MODELS: list[ModelDefinition] = [
    _classifier(
        "xgboost_classifier",
        "XGBoost gradient-boosted trees; accepts missing values.",
        XGBoostClassifierParams,
        _xgb_classifier,
        allows_nan=True,
    ),
    _regressor(
        "xgboost_regressor",
        "XGBoost gradient-boosted regression trees; accepts missing values.",
        XGBoostParams,
        _xgb_regressor,
        allows_nan=True,
    ),
    _classifier(
        "lgbm_classifier",
        "LightGBM leaf-wise gradient-boosted trees; accepts missing values.",
        LightGBMClassifierParams,
        _lgbm_classifier,
        allows_nan=True,
    ),
    _regressor(
        "lgbm_regressor",
        "LightGBM leaf-wise gradient-boosted regression trees; accepts missing values.",
        LightGBMParams,
        _lgbm_regressor,
        allows_nan=True,
    ),
]
