"""Classification models (scikit-learn). Defaults follow NODES.md and the original Skyulf.

Estimators run single-threaded (``n_jobs=1``): parallelism belongs to the worker pool, and a
model grabbing every core per job would oversubscribe a shared worker.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator
from sklearn.base import BaseEstimator
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import (
    AdaBoostClassifier,
    ExtraTreesClassifier,
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from skyulf_core.models.base import (
    MAX_BOOSTING_ITER,
    MAX_CV,
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
ClassWeight = Literal["balanced"] | None

# Which penalties each solver supports; checked up front instead of deep inside fit().
_SOLVER_PENALTIES = {
    "lbfgs": {"l2", "none"},
    "liblinear": {"l1", "l2"},
    "newton-cg": {"l2", "none"},
    "newton-cholesky": {"l2", "none"},
    "sag": {"l2", "none"},
    "saga": {"l1", "l2", "elasticnet", "none"},
}


class LogisticRegressionParams(ModelParams):
    C: float = Field(1.0, gt=0)
    penalty: Literal["l2", "l1", "elasticnet", "none"] = "l2"
    l1_ratio: float | None = Field(None, ge=0, le=1)
    solver: Literal["lbfgs", "liblinear", "newton-cg", "newton-cholesky", "sag", "saga"] = "lbfgs"
    max_iter: int = Field(1000, ge=1, le=MAX_ITER)
    class_weight: ClassWeight = None
    random_state: Seed | None = SEED

    @model_validator(mode="after")
    def _solver_supports_penalty(self) -> LogisticRegressionParams:
        if self.penalty not in _SOLVER_PENALTIES[self.solver]:
            ok = sorted(s for s, p in _SOLVER_PENALTIES.items() if self.penalty in p)
            raise ValueError(
                f"solver {self.solver} does not support penalty {self.penalty}; use one of {ok}"
            )
        return self


def _logistic(p: LogisticRegressionParams) -> BaseEstimator:
    # scikit-learn >= 1.8 expresses the penalty through l1_ratio (and C=inf for none).
    l1_ratio = {"l2": 0.0, "l1": 1.0, "none": 0.0}.get(p.penalty, p.l1_ratio)
    return LogisticRegression(
        C=np.inf if p.penalty == "none" else p.C,
        l1_ratio=0.5 if l1_ratio is None else l1_ratio,
        solver=p.solver,
        max_iter=p.max_iter,
        class_weight=p.class_weight,
        random_state=p.random_state,
    )


class CalibratedClassifierParams(ModelParams):
    base_estimator: Literal[
        "logistic_regression",
        "random_forest",
        "gradient_boosting",
        "decision_tree",
        "gaussian_nb",
        "svc",
    ] = "logistic_regression"
    method: Literal["sigmoid", "isotonic"] = "sigmoid"
    cv: int = Field(5, ge=2, le=MAX_CV)


_CALIBRATION_BASES = {
    "logistic_regression": lambda: LogisticRegression(max_iter=1000),
    "random_forest": lambda: RandomForestClassifier(n_estimators=100, random_state=SEED),
    "gradient_boosting": lambda: GradientBoostingClassifier(random_state=SEED),
    "decision_tree": lambda: DecisionTreeClassifier(random_state=SEED),
    "gaussian_nb": lambda: GaussianNB(),
    "svc": lambda: SVC(random_state=SEED),
}


def _calibrated(p: CalibratedClassifierParams) -> BaseEstimator:
    base = _CALIBRATION_BASES[p.base_estimator]()
    return CalibratedClassifierCV(estimator=base, method=p.method, cv=p.cv)


class RandomForestClassifierParams(ModelParams):
    n_estimators: int = Field(50, ge=1, le=MAX_TREES)
    max_depth: int | None = Field(10, ge=1, le=MAX_DEPTH)
    min_samples_split: int = Field(5, ge=2, le=MAX_ROWS)
    min_samples_leaf: int = Field(2, ge=1, le=MAX_ROWS)
    max_features: Literal["sqrt", "log2"] | float | None = "sqrt"
    criterion: Literal["gini", "entropy", "log_loss"] = "gini"
    class_weight: Literal["balanced", "balanced_subsample"] | None = None
    random_state: Seed | None = SEED


class SVCParams(ModelParams):
    C: float = Field(1.0, gt=0)
    kernel: Literal["rbf", "linear", "poly", "sigmoid"] = "rbf"
    gamma: Literal["scale", "auto"] | float = "scale"
    degree: int = Field(
        3, ge=1, le=MAX_KERNEL_DEGREE, description="poly kernel only; higher overflows"
    )
    probability: bool = True
    class_weight: ClassWeight = None
    random_state: Seed | None = SEED


def _svc(p: SVCParams) -> BaseEstimator:
    svc = SVC(
        C=p.C,
        kernel=p.kernel,
        gamma=p.gamma,
        degree=p.degree,
        class_weight=p.class_weight,
        random_state=p.random_state,
    )
    # scikit-learn 1.9 deprecates SVC(probability=True) for exactly this wrapper.
    return CalibratedClassifierCV(svc, ensemble=False) if p.probability else svc


class KNeighborsClassifierParams(ModelParams):
    n_neighbors: int = Field(5, ge=1, le=MAX_NEIGHBORS)
    weights: Literal["uniform", "distance"] = "uniform"
    algorithm: Literal["auto", "ball_tree", "kd_tree", "brute"] = "auto"
    p: float = Field(2, ge=1)


class DecisionTreeClassifierParams(ModelParams):
    criterion: Literal["gini", "entropy", "log_loss"] = "gini"
    max_depth: int | None = Field(None, ge=1, le=MAX_DEPTH)
    min_samples_split: int = Field(2, ge=2, le=MAX_ROWS)
    min_samples_leaf: int = Field(1, ge=1, le=MAX_ROWS)
    class_weight: ClassWeight = None
    random_state: Seed | None = SEED


class GradientBoostingClassifierParams(ModelParams):
    n_estimators: int = Field(100, ge=1, le=MAX_TREES)
    learning_rate: float = Field(0.1, gt=0)
    max_depth: int | None = Field(3, ge=1, le=MAX_DEPTH)
    subsample: float = Field(1.0, gt=0, le=1)
    random_state: Seed | None = SEED


class AdaBoostClassifierParams(ModelParams):
    n_estimators: int = Field(50, ge=1, le=MAX_TREES)
    learning_rate: float = Field(1.0, gt=0)
    random_state: Seed | None = SEED


class ExtraTreesClassifierParams(ModelParams):
    n_estimators: int = Field(100, ge=1, le=MAX_TREES)
    max_depth: int | None = Field(None, ge=1, le=MAX_DEPTH)
    min_samples_split: int = Field(2, ge=2, le=MAX_ROWS)
    min_samples_leaf: int = Field(1, ge=1, le=MAX_ROWS)
    class_weight: Literal["balanced", "balanced_subsample"] | None = None
    random_state: Seed | None = SEED


class HistGradientBoostingClassifierParams(ModelParams):
    max_iter: int = Field(100, ge=1, le=MAX_BOOSTING_ITER)
    learning_rate: float = Field(0.1, gt=0)
    max_leaf_nodes: int | None = Field(31, ge=2, le=MAX_LEAF_NODES)
    max_depth: int | None = Field(None, ge=1, le=MAX_DEPTH)
    l2_regularization: float = Field(0.0, ge=0)
    class_weight: ClassWeight = None
    random_state: Seed | None = SEED


class GaussianNBParams(ModelParams):
    var_smoothing: float = Field(1e-9, ge=0)


class SGDClassifierParams(ModelParams):
    loss: Literal["log_loss", "hinge", "modified_huber"] = "log_loss"
    penalty: Literal["l2", "l1", "elasticnet"] = "l2"
    alpha: float = Field(1e-4, gt=0)
    l1_ratio: float = Field(0.15, ge=0, le=1)
    max_iter: int = Field(1000, ge=1, le=MAX_ITER)
    class_weight: ClassWeight = None
    random_state: Seed | None = SEED


class MultinomialNBParams(ModelParams):
    alpha: float = Field(1.0, ge=0)


class BernoulliNBParams(ModelParams):
    alpha: float = Field(1.0, ge=0)
    binarize: float | None = 0.0


_classifier = model_definition("classification")


MODELS: list[ModelDefinition] = [
    _classifier(
        "logistic_regression",
        "Linear model of the class log-odds.",
        LogisticRegressionParams,
        _logistic,
    ),
    _classifier(
        "calibrated_classifier",
        "A base classifier wrapped in cross-validated probability calibration.",
        CalibratedClassifierParams,
        _calibrated,
        row_params=("cv",),
    ),
    _classifier(
        "random_forest_classifier",
        "Averaged ensemble of randomised decision trees.",
        RandomForestClassifierParams,
        sklearn_builder(RandomForestClassifier, n_jobs=1),
    ),
    _classifier("svc", "Support vector classifier (kernel SVM).", SVCParams, _svc),
    _classifier(
        "k_neighbors_classifier",
        "Majority vote of the k nearest training rows.",
        KNeighborsClassifierParams,
        sklearn_builder(KNeighborsClassifier, n_jobs=1),
        row_params=("n_neighbors",),
    ),
    _classifier(
        "decision_tree_classifier",
        "A single decision tree.",
        DecisionTreeClassifierParams,
        sklearn_builder(DecisionTreeClassifier),
    ),
    _classifier(
        "gradient_boosting_classifier",
        "Gradient-boosted decision trees.",
        GradientBoostingClassifierParams,
        sklearn_builder(GradientBoostingClassifier),
    ),
    _classifier(
        "adaboost_classifier",
        "AdaBoost over shallow decision trees.",
        AdaBoostClassifierParams,
        sklearn_builder(AdaBoostClassifier),
    ),
    _classifier(
        "extra_trees_classifier",
        "Ensemble of extremely randomised trees.",
        ExtraTreesClassifierParams,
        sklearn_builder(ExtraTreesClassifier, n_jobs=1),
    ),
    _classifier(
        "hist_gradient_boosting_classifier",
        "Histogram gradient boosting; fast on large data, accepts missing values.",
        HistGradientBoostingClassifierParams,
        sklearn_builder(HistGradientBoostingClassifier),
        allows_nan=True,
    ),
    _classifier(
        "gaussian_nb",
        "Naive Bayes with Gaussian feature likelihoods.",
        GaussianNBParams,
        sklearn_builder(GaussianNB),
    ),
    _classifier(
        "sgd_classifier",
        "Linear classifier trained by stochastic gradient descent.",
        SGDClassifierParams,
        sklearn_builder(SGDClassifier, n_jobs=1),
    ),
    _classifier(
        "multinomial_nb",
        "Naive Bayes for non-negative counts (e.g. word counts).",
        MultinomialNBParams,
        sklearn_builder(MultinomialNB),
    ),
    _classifier(
        "bernoulli_nb",
        "Naive Bayes for binary features.",
        BernoulliNBParams,
        sklearn_builder(BernoulliNB),
    ),
]
