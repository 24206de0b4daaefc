"""Every model builds with its defaults and trains; the NODES.md defaults hold exactly."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression

from skyulf_core.models import get_model, model_catalog
from skyulf_errors import NodeError

MODEL_IDS = [m.id for m in model_catalog()]

EXPECTED_IDS = {
    "logistic_regression",
    "calibrated_classifier",
    "random_forest_classifier",
    "svc",
    "k_neighbors_classifier",
    "decision_tree_classifier",
    "gradient_boosting_classifier",
    "adaboost_classifier",
    "extra_trees_classifier",
    "hist_gradient_boosting_classifier",
    "gaussian_nb",
    "sgd_classifier",
    "multinomial_nb",
    "bernoulli_nb",
    "linear_regression",
    "ridge_regression",
    "lasso_regression",
    "elasticnet_regression",
    "random_forest_regressor",
    "svr",
    "k_neighbors_regressor",
    "decision_tree_regressor",
    "gradient_boosting_regressor",
    "adaboost_regressor",
    "extra_trees_regressor",
    "hist_gradient_boosting_regressor",
    "xgboost_classifier",
    "xgboost_regressor",
    "lgbm_classifier",
    "lgbm_regressor",
    "voting_classifier",
    "voting_regressor",
    "stacking_classifier",
    "stacking_regressor",
    "kmeans",
    "minibatch_kmeans",
    "gaussian_mixture",
    "birch",
}


def test_catalog_holds_every_model() -> None:
    assert set(MODEL_IDS) == EXPECTED_IDS


def test_logistic_regression_defaults() -> None:
    est = get_model("logistic_regression").build()
    assert isinstance(est, LogisticRegression)
    assert (est.C, est.solver, est.max_iter, est.l1_ratio) == (1.0, "lbfgs", 1000, 0.0)


def test_random_forest_classifier_defaults() -> None:
    est = get_model("random_forest_classifier").build()
    assert isinstance(est, RandomForestClassifier)
    assert (est.n_estimators, est.max_depth, est.min_samples_split) == (50, 10, 5)
    assert est.random_state == 42


def test_incompatible_solver_and_penalty_names_the_field() -> None:
    with pytest.raises(NodeError, match="liblinear") as info:
        get_model("logistic_regression").parse_params(
            {"solver": "liblinear", "penalty": "none"}, "m"
        )
    assert info.value.details["node"] == "m"


def test_unknown_hyperparameter_is_rejected() -> None:
    with pytest.raises(NodeError, match="n_trees") as info:
        get_model("random_forest_classifier").build({"n_trees": 5})
    assert info.value.details["field"] == "n_trees"


def test_unknown_model_names_it() -> None:
    with pytest.raises(NodeError, match="xgboost_classifer"):
        get_model("xgboost_classifer")


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_model_trains_and_predicts_with_defaults(model_id: str) -> None:
    rng = np.random.default_rng(0)
    X = rng.random((60, 3))  # non-negative, so multinomial_nb applies too
    definition = get_model(model_id)
    y = (
        (X[:, 0] + X[:, 1] > 1).astype(int)
        if definition.task == "classification"
        else X @ [1, 2, 3]
    )
    est = definition.build()
    est.fit(X, y)
    assert est.predict(X[:5]).shape == (5,)
    assert definition.params_schema["type"] == "object"
