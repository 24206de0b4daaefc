"""XGBoost and LightGBM in the catalog: weighting, class codes, NaN, and the bundle round trip."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from skyulf_core.bundle import FittedPipeline
from skyulf_core.graph import train_pipeline
from skyulf_core.models import get_model

CLASSIFIERS = ["xgboost_classifier", "lgbm_classifier"]
REGRESSORS = ["xgboost_regressor", "lgbm_regressor"]


@pytest.mark.parametrize("model_id", CLASSIFIERS)
def test_balanced_class_weight_raises_minority_recall(model_id: str) -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 2))
    # A rare, noisy positive class: unweighted boosting mostly predicts the majority.
    y = ((X[:, 0] + rng.normal(scale=1.5, size=400)) > 2.2).astype(int)
    plain = get_model(model_id).build({"n_estimators": 30}).fit(X, y)
    weighted = get_model(model_id).build({"n_estimators": 30, "class_weight": "balanced"})
    weighted.fit(X, y)
    assert weighted.predict(X).sum() > plain.predict(X).sum()


@pytest.mark.parametrize("model_id", CLASSIFIERS)
def test_labels_need_not_be_contiguous_codes(model_id: str) -> None:
    rng = np.random.default_rng(0)
    X = rng.random((60, 3))
    y = np.where(X[:, 0] > 0.5, 2, 0)  # class 1 absent from the train split
    est = get_model(model_id).build().fit(X, y)
    assert set(est.predict(X)) <= {0, 2}
    assert list(est.classes_) == [0, 2]
    assert est.predict_proba(X).shape == (60, 2)


@pytest.mark.parametrize("model_id", CLASSIFIERS + REGRESSORS)
def test_missing_values_are_accepted(model_id: str) -> None:
    rng = np.random.default_rng(2)
    X = rng.random((80, 3))
    y = (X[:, 0] > 0.5).astype(int)
    X[::7, 1] = np.nan
    est = get_model(model_id).build({"n_estimators": 10}).fit(X, y)
    assert est.predict(X).shape == (80,)
    assert get_model(model_id).allows_nan


def test_threads_default_to_one_and_are_bounded() -> None:
    assert get_model("xgboost_regressor").build().n_jobs == 1
    assert get_model("lgbm_classifier").build().booster.n_jobs == 1
    with pytest.raises(Exception, match="n_jobs"):
        get_model("lgbm_regressor").build({"n_jobs": 64})


@pytest.mark.parametrize("model_id", CLASSIFIERS)
def test_trained_booster_round_trips_through_a_bundle(
    model_id: str, churn: pd.DataFrame, churn_graph: Callable[..., dict[str, Any]]
) -> None:
    result = train_pipeline(churn_graph(model_id), churn)
    assert result.metrics["test_accuracy"] > 0.5
    loaded = FittedPipeline.from_files(result.fitted.to_files())
    assert loaded.predict(churn) == result.fitted.predict(churn)
    assert set(loaded.predict(churn.head(5)).predictions) <= {0, 1}
