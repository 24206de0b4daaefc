"""Default hyperparameter search spaces, written into each model's JSON Schema.

A tunable property carries ``"x-tunable": true`` and ``"x-search-space"``: ``grid`` (the values a
grid search tries; halving grid too), and ``random`` / ``optuna`` (a distribution: ``type``
``int``/``float``/``categorical`` with ``low``/``high``/``log`` or ``choices``). Spaces are
looked up by parameter name, with a model's own entry first; every space lies within the
parameter's bounds (a test walks every model to hold that).
"""

from __future__ import annotations

from typing import Any

Space = dict[str, Any]


def _int(low: int, high: int, grid: list[int], log: bool = False) -> Space:
    dist = {"type": "int", "low": low, "high": high, "log": log}
    return {"grid": grid, "random": dist, "optuna": dist}


def _float(low: float, high: float, grid: list[float], log: bool = False) -> Space:
    dist = {"type": "float", "low": low, "high": high, "log": log}
    return {"grid": grid, "random": dist, "optuna": dist}


def _choice(choices: list[Any]) -> Space:
    dist = {"type": "categorical", "choices": choices}
    return {"grid": choices, "random": dist, "optuna": dist}


BY_NAME: dict[str, Space] = {
    "n_estimators": _int(50, 500, [50, 100, 200]),
    "max_depth": _int(2, 32, [3, 6, 10]),
    "min_samples_split": _int(2, 20, [2, 5, 10]),
    "min_samples_leaf": _int(1, 10, [1, 2, 4]),
    "max_features": _choice(["sqrt", "log2"]),
    "learning_rate": _float(0.01, 1.0, [0.03, 0.1, 0.3], log=True),
    "subsample": _float(0.5, 1.0, [0.8, 1.0]),
    "colsample_bytree": _float(0.5, 1.0, [0.8, 1.0]),
    "reg_alpha": _float(1e-8, 10.0, [0.0, 0.1, 1.0], log=True),
    "reg_lambda": _float(1e-8, 10.0, [0.1, 1.0, 10.0], log=True),
    "C": _float(0.01, 100.0, [0.1, 1.0, 10.0], log=True),
    "gamma": _choice(["scale", "auto"]),
    "kernel": _choice(["rbf", "linear"]),
    "n_neighbors": _int(1, 50, [3, 5, 11]),
    "weights": _choice(["uniform", "distance"]),
    "class_weight": _choice([None, "balanced"]),
    "max_iter": _int(50, 500, [100, 200]),
    "max_leaf_nodes": _int(8, 128, [15, 31, 63]),
    "l2_regularization": _float(1e-8, 10.0, [0.0, 0.1, 1.0], log=True),
    "var_smoothing": _float(1e-12, 1e-6, [1e-9, 1e-8, 1e-7], log=True),
    "l1_ratio": _float(0.0, 1.0, [0.2, 0.5, 0.8]),
    "fit_intercept": _choice([True, False]),
    "epsilon": _float(0.01, 1.0, [0.01, 0.1, 0.5], log=True),
    "min_child_weight": _float(0.5, 10.0, [1.0, 3.0, 5.0], log=True),
    "num_leaves": _int(8, 256, [15, 31, 63], log=True),
    "min_child_samples": _int(5, 100, [10, 20, 50], log=True),
    "n_clusters": _int(2, 10, [2, 3, 4, 5, 6, 8]),
    "n_components": _int(2, 10, [2, 3, 4, 5, 6, 8]),
    "covariance_type": _choice(["full", "tied", "diag", "spherical"]),
    "batch_size": _int(256, 4096, [256, 1024, 2048], log=True),
    "threshold": _float(0.1, 2.0, [0.25, 0.5, 1.0], log=True),
    "method": _choice(["sigmoid", "isotonic"]),
    "voting": _choice(["soft", "hard"]),
    "passthrough": _choice([False, True]),
}

_TREE_CLASSIFIER: dict[str, Space | None] = {"criterion": _choice(["gini", "entropy"])}

_XGBOOST: dict[str, Space | None] = {
    "max_depth": _int(2, 12, [3, 6, 9]),
    "n_estimators": _int(50, 1000, [100, 300]),
    "gamma": _float(1e-8, 5.0, [0.0, 0.1, 1.0], log=True),  # a split's minimum loss reduction
}

BY_MODEL: dict[str, dict[str, Space | None]] = {
    "voting_classifier": {"weights": None},  # one weight per base model: no default space
    "voting_regressor": {"weights": None},
    "logistic_regression": {"max_iter": None},  # a solver budget, not a model choice
    "sgd_classifier": {
        "alpha": _float(1e-6, 1e-2, [1e-5, 1e-4, 1e-3], log=True),
        "loss": _choice(["log_loss", "hinge", "modified_huber"]),
        "penalty": _choice(["l2", "l1", "elasticnet"]),
        "max_iter": None,
    },
    "lasso_regression": {"alpha": _float(1e-4, 10.0, [0.01, 0.1, 1.0], log=True), "max_iter": None},
    "elasticnet_regression": {
        "alpha": _float(1e-4, 10.0, [0.01, 0.1, 1.0], log=True),
        "max_iter": None,
    },
    "ridge_regression": {"alpha": _float(1e-3, 100.0, [0.1, 1.0, 10.0], log=True)},
    "multinomial_nb": {"alpha": _float(0.01, 10.0, [0.1, 0.5, 1.0], log=True)},
    "bernoulli_nb": {"alpha": _float(0.01, 10.0, [0.1, 0.5, 1.0], log=True)},
    "random_forest_classifier": _TREE_CLASSIFIER,
    "decision_tree_classifier": _TREE_CLASSIFIER,
    "decision_tree_regressor": {"criterion": _choice(["squared_error", "absolute_error"])},
    "gradient_boosting_classifier": {"max_depth": _int(2, 8, [2, 3, 5])},
    "gradient_boosting_regressor": {"max_depth": _int(2, 8, [2, 3, 5])},
    "xgboost_classifier": _XGBOOST,
    "xgboost_regressor": _XGBOOST,
    "lgbm_classifier": {"max_depth": None, "n_estimators": _int(50, 1000, [100, 300])},
    "lgbm_regressor": {"max_depth": None, "n_estimators": _int(50, 1000, [100, 300])},
    "kmeans": {"max_iter": None},
    "minibatch_kmeans": {"max_iter": None},
    "gaussian_mixture": {"max_iter": None},
}


def search_space(model_id: str, param: str) -> Space | None:
    """The default search space of ``param`` of ``model_id``; None if it is not tuned."""
    own = BY_MODEL.get(model_id, {})
    if param in own:
        return own[param]
    return BY_NAME.get(param)


def annotate(model_id: str, schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its tunable properties marked and their default spaces attached."""
    for name, prop in schema.get("properties", {}).items():
        space = search_space(model_id, name)
        if space is not None:
            prop["x-tunable"] = True
            prop["x-search-space"] = space
    return schema
