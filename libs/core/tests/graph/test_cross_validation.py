"""Cross-validation on the model node: every cv_type runs, and the chain is refitted per fold."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from skyulf_core.graph import train_pipeline
from skyulf_core.graph.cross_validation import cross_validate, fold_indices
from skyulf_core.graph.runner import build_plan
from skyulf_core.graph.spec import parse_graph
from skyulf_core.models.training import CrossValidationSettings
from skyulf_core.nodes.splitting import Split
from skyulf_errors import InvalidArgument, NodeError

# nested_cv needs a tuned node: tests/tuning/test_nested_cv.py.
CV_TYPES = ["k_fold", "stratified_k_fold", "time_series_split", "shuffle_split"]


def _with_cv(graph: dict[str, Any], **cv: Any) -> dict[str, Any]:
    graph["nodes"][-1]["params"] = {"cv_enabled": True, "cv_folds": 3, **cv}
    return graph


@pytest.mark.parametrize("cv_type", CV_TYPES)
def test_every_cv_type_runs_and_reports_mean_std_and_folds(
    cv_type: str, churn: pd.DataFrame, churn_graph: Callable[..., dict[str, Any]]
) -> None:
    result = train_pipeline(_with_cv(churn_graph(), cv_type=cv_type), churn)
    m = result.metrics
    assert 0.3 < m["cv_accuracy_mean"] <= 1 and m["cv_accuracy_std"] >= 0
    assert "test_accuracy" in m  # the holdout metrics stay
    assert result.evaluation is not None and result.evaluation.cv is not None
    cv = result.evaluation.cv
    assert (cv.type, cv.folds) == (cv_type, 3)
    acc = cv.metrics["accuracy"]
    assert len(acc.folds) == 3
    assert acc.mean == pytest.approx(np.mean(acc.folds)) == m["cv_accuracy_mean"]
    assert acc.std == pytest.approx(np.std(acc.folds))
    assert cv.fold_params is None


def test_without_cv_there_is_no_cv_block(
    churn: pd.DataFrame, churn_graph: Callable[..., dict[str, Any]]
) -> None:
    result = train_pipeline(churn_graph(), churn)
    assert result.evaluation is not None and result.evaluation.cv is None
    assert not any(k.startswith("cv_") for k in result.metrics)


def test_each_fold_refits_the_chain_on_its_own_rows(
    churn: pd.DataFrame, churn_graph: Callable[..., dict[str, Any]]
) -> None:
    graph = churn_graph()
    plan = build_plan(parse_graph(graph))
    result = train_pipeline(graph, churn)
    final_scaler = next(r for r in result.fitted.records if r.node_id == "scale")

    # Re-run the folds and look at what each fold's scaler learned.
    X, y = churn.drop(columns=["churned"]), churn["churned"]
    from skyulf_core.graph.runner import run_steps

    at_split: dict[str, Split] = {}
    run_steps(
        plan,
        X,
        y,
        after=lambda s, f: at_split.setdefault("t", f.train) if s.node_id == "split" else None,
    )
    train = at_split["t"]
    settings = CrossValidationSettings(cv_enabled=True, cv_folds=3)
    after = [s.node_id for s in plan.steps].index("split") + 1
    seen: list[int] = []

    def score(fit: Split, held: Split, records: list[Any]) -> dict[str, float]:
        seen.append(len(fit.X))
        return {"rows": float(len(held.X))}

    cv = cross_validate(
        plan.steps[after:],
        train,
        settings,
        score,
        task="classification",
        target="churned",
        labels=None,
        node_id="model",
        model_type="logistic_regression",
    )
    folds = fold_indices(train, settings, "classification", "model", "logistic_regression")
    for records, (fit_rows, _) in zip(cv.fold_records, folds, strict=True):
        scaler = next(r for r in records if r.node_id == "scale")
        # The fold's statistics differ from the full train split's ...
        assert scaler.means != pytest.approx(final_scaler.means)
        # ... and are those of the fold's own training rows (after imputation, as in the chain).
        fit_age = train.X.iloc[fit_rows]["age"]
        age = scaler.columns.index("age")
        assert scaler.means[age] == pytest.approx(fit_age.fillna(fit_age.median()).mean())
    assert sum(cv.summary()["rows"].folds) == len(train.X)  # held-out parts cover the split
    assert seen == [len(train.X) - len(h) for _, h in folds]


def test_time_series_split_orders_by_the_time_column() -> None:
    n = 40
    X = pd.DataFrame({"t": np.arange(n)[::-1], "x": np.arange(n)}, index=np.arange(n))
    settings = CrossValidationSettings(
        cv_enabled=True, cv_folds=3, cv_type="time_series_split", cv_time_column="t"
    )
    for fit, held in fold_indices(Split(X, None), settings, "regression", "m", "ridge"):
        assert X["t"].iloc[fit].max() < X["t"].iloc[held].min()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cv_type": "stratified_k_fold"}, "cv_type"),
        ({"cv_folds": 1}, "cv_folds"),
        ({"cv_type": "k_fold", "cv_time_column": "x"}, "cv_type"),
        ({"cv_type": "time_series_split", "cv_time_column": "nope"}, "cv_time_column"),
        ({"cv_folds": 20}, "cv_folds"),
        ({"cv_type": "nested_cv"}, "cv_type"),  # a fixed model: nothing to select
    ],
)
def test_bad_settings_name_the_field(
    params: dict[str, Any], field: str, chain: Callable[..., dict[str, Any]]
) -> None:
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.random(30), "y": rng.random(30)})
    graph = chain(
        ("split", "TrainTestSplitter", {"target_column": "y"}),
        ("model", "ridge_regression", {"cv_enabled": True, **params}),
    )
    with pytest.raises((NodeError, InvalidArgument)) as info:
        train_pipeline(graph, df)
    assert info.value.details["field"] == field


def test_the_model_schema_offers_the_cv_settings() -> None:
    from skyulf_core.models import get_model

    props = get_model("xgboost_classifier").params_schema["properties"]
    assert props["cv_type"]["x-group"] == "training"
    assert "nested_cv" in props["cv_type"]["enum"]
    assert props["cv_folds"]["maximum"] == 20 and "x-tunable" not in props["cv_folds"]
    built = get_model("xgboost_classifier").parse_params({"cv_enabled": True, "n_estimators": 5})
    assert "cv_enabled" not in built.model_dump()  # settings, not hyperparameters
