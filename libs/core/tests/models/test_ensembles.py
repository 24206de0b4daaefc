"""Voting and stacking over catalog models: validation of the bases, training, the bundle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from sklearn.ensemble import StackingClassifier, VotingRegressor

from skyulf_core.bundle import FittedPipeline
from skyulf_core.graph import train_pipeline
from skyulf_core.models import get_model
from skyulf_core.models.ensembles import MAX_BASE_MODELS
from skyulf_errors import NodeError


def test_bases_are_built_with_their_own_params() -> None:
    est = get_model("stacking_classifier").build(
        {
            "base_models": [
                {"model_type": "xgboost_classifier", "params": {"n_estimators": 7}},
                {"model_type": "decision_tree_classifier", "params": {"max_depth": 2}},
            ],
            "final_model": {"model_type": "gaussian_nb"},
            "cv": 3,
        }
    )
    assert isinstance(est, StackingClassifier)
    assert est.estimators[0][1].booster.n_estimators == 7
    assert est.estimators[1][1].max_depth == 2
    assert type(est.final_estimator).__name__ == "GaussianNB"


def test_defaults_build() -> None:
    assert isinstance(get_model("voting_regressor").build(), VotingRegressor)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"base_models": [{"model_type": "nope"}, {"model_type": "svc"}]}, "unknown model"),
        ({"base_models": [{"model_type": "svr"}, {"model_type": "svc"}]}, "regression model"),
        ({"base_models": [{"model_type": "svc", "params": {"C": -1}}] * 2}, "C"),
        ({"base_models": [{"model_type": "svc"}]}, "at least 2"),
        ({"base_models": [{"model_type": "svc"}] * (MAX_BASE_MODELS + 1)}, "at most"),
        (
            {"base_models": [{"model_type": "voting_classifier"}, {"model_type": "svc"}]},
            "another ensemble",
        ),
        (
            {"base_models": [{"model_type": "svc", "params": {"probability": False}}] * 2},
            "no probabilities",
        ),
        ({"base_models": [{"model_type": "svc"}] * 2, "weights": [1.0]}, "weights"),
        (
            {"base_models": [{"model_type": "svc", "params": {"cv_enabled": True}}] * 2},
            "setting of the ensemble",
        ),
    ],
)
def test_invalid_bases_name_the_field(params: dict[str, Any], message: str) -> None:
    with pytest.raises(NodeError, match=message) as info:
        get_model("voting_classifier").parse_params(params, "vote")
    assert info.value.details["field"].startswith(("base_models", "weights", "voting"))


@pytest.mark.parametrize("model_id", ["voting_classifier", "stacking_classifier"])
def test_ensemble_trains_through_the_executor_and_round_trips(
    model_id: str, churn: pd.DataFrame, churn_graph: Callable[..., dict[str, Any]]
) -> None:
    result = train_pipeline(churn_graph(model_id), churn)
    assert result.metrics["test_accuracy"] > 0.5
    loaded = FittedPipeline.from_files(result.fitted.to_files())
    assert loaded.predict(churn.head(20)) == result.fitted.predict(churn.head(20))
