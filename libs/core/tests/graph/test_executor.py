"""End-to-end training on churn_300, preview, progress and cancellation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from skyulf_core.graph import preview_pipeline, train_pipeline
from skyulf_errors import Cancelled, InvalidArgument, NodeError


@pytest.mark.parametrize("model", ["logistic_regression", "random_forest_classifier"])
def test_trains_churn_end_to_end(churn: pd.DataFrame, churn_graph, model: str) -> None:
    result = train_pipeline(churn_graph(model, stratify=True), churn)
    assert (result.task, result.target, result.model_type) == ("classification", "churned", model)
    assert (result.n_train, result.n_test, result.n_val) == (240, 60, 0)
    accuracy = result.metrics["test_accuracy"]
    assert isinstance(accuracy, float) and 0.5 < accuracy <= 1.0
    for name in (
        "accuracy",
        "balanced_accuracy",
        "precision",
        "recall",
        "f1",
        "matthews_corrcoef",
        "roc_auc",
        "log_loss",
    ):
        assert math.isfinite(result.metrics[f"test_{name}"])
        assert f"train_{name}" in result.metrics
    assert not any(k.startswith("val_") for k in result.metrics)
    assert result.fitted.classes == [0, 1]


def test_validation_split_gets_val_metrics(churn: pd.DataFrame, churn_graph) -> None:
    result = train_pipeline(churn_graph(validation_size=0.1), churn)
    assert (result.n_train, result.n_test, result.n_val) == (210, 60, 30)
    assert "val_accuracy" in result.metrics


def test_nodes_after_the_split_fit_on_train_only(churn: pd.DataFrame, chain) -> None:
    graph = chain(
        (
            "drop",
            "DropMissingColumns",
            {"columns": ["customer_id", "signup_date", "city", "plan_type"]},
        ),
        ("split", "TrainTestSplitter", {"target_column": "churned"}),
        ("impute", "SimpleImputer", {"strategy": "mean"}),
        ("model", "logistic_regression", {}),
    )
    result = train_pipeline(graph, churn)
    record = next(r for r in result.fitted.records if r.node_id == "impute")
    # Reproduce the split: the learned mean is the train mean, not the full-data mean.
    from sklearn.model_selection import train_test_split

    train, _ = train_test_split(churn, test_size=0.2, random_state=42)
    assert record.fill_values["age"] == pytest.approx(train["age"].mean())
    assert record.fill_values["age"] != pytest.approx(churn["age"].mean())


def test_string_target_is_encoded_and_decoded(churn: pd.DataFrame, churn_graph) -> None:
    df = churn.assign(churned=churn["churned"].map({0: "stay", 1: "leave"}))
    result = train_pipeline(churn_graph(), df)
    assert result.fitted.classes == ["leave", "stay"]
    prediction = result.fitted.predict(df.head(4))
    assert set(prediction.predictions) <= {"leave", "stay"}
    assert set(prediction.probabilities[0]) == {"leave", "stay"}


def test_regression_pipeline(churn: pd.DataFrame, chain) -> None:
    graph = chain(
        ("drop", "DropMissingColumns", {"columns": ["customer_id", "signup_date"]}),
        ("split", "TrainTestSplitter", {"target_column": "monthly_spend"}),
        ("impute", "SimpleImputer", {"strategy": "median"}),
        ("impute_cat", "SimpleImputer", {"strategy": "most_frequent"}),
        ("encode", "OneHotEncoder", {}),
        ("model", "ridge_regression", {}),
    )
    result = train_pipeline(graph, churn)
    assert result.task == "regression"
    assert {"test_mae", "test_rmse", "test_r2", "train_r2"} <= set(result.metrics)
    assert result.fitted.predict(churn.head(2)).probabilities is None


def test_progress_is_reported_per_node_and_ends_at_one(churn: pd.DataFrame, churn_graph) -> None:
    events: list[tuple[float, str]] = []
    train_pipeline(churn_graph(), churn, on_progress=lambda f, m: events.append((f, m)))
    fractions = [f for f, _ in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("'impute_num'" in m for _, m in events)
    assert len(events) >= 7


def test_cancellation_between_nodes(churn: pd.DataFrame, churn_graph) -> None:
    polls = {"n": 0}

    def cancel_on_third() -> bool:
        polls["n"] += 1
        return polls["n"] >= 3

    with pytest.raises(Cancelled, match="impute_num"):
        train_pipeline(churn_graph(), churn, should_cancel=cancel_on_third)


def test_missing_values_reaching_the_model_name_node_and_column(churn: pd.DataFrame, chain) -> None:
    graph = chain(
        (
            "drop",
            "DropMissingColumns",
            {"columns": ["customer_id", "signup_date", "city", "plan_type"]},
        ),
        ("split", "TrainTestSplitter", {"target_column": "churned"}),
        ("model", "logistic_regression", {}),
    )
    with pytest.raises(NodeError, match=r"model 'model'.*'age'.*imputer") as info:
        train_pipeline(graph, churn)
    assert info.value.details["node"] == "model"


def test_text_reaching_the_model_names_the_column(churn: pd.DataFrame, churn_graph) -> None:
    graph = churn_graph()
    graph["nodes"][0]["params"]["columns"] = ["customer_id"]  # signup_date stays as text
    with pytest.raises(NodeError, match=r"signup_date.*encoder"):
        train_pipeline(graph, churn)


def test_hist_gradient_boosting_accepts_missing_values(churn: pd.DataFrame, chain) -> None:
    graph = chain(
        (
            "drop",
            "DropMissingColumns",
            {"columns": ["customer_id", "signup_date", "city", "plan_type"]},
        ),
        ("split", "TrainTestSplitter", {"target_column": "churned"}),
        ("model", "hist_gradient_boosting_classifier", {"max_iter": 20}),
    )
    result = train_pipeline(graph, churn)
    assert result.metrics["test_accuracy"] > 0


def test_invalid_graph_is_refused_before_running(churn: pd.DataFrame, chain) -> None:
    graph = chain(
        ("imp", "SimpleImputer", {}),
        ("split", "TrainTestSplitter", {"target_column": "churned"}),
        ("model", "logistic_regression", {}),
    )
    with pytest.raises(InvalidArgument, match="'imp'"):
        train_pipeline(graph, churn)


def test_rows_without_target_are_dropped_with_a_warning(churn: pd.DataFrame, churn_graph) -> None:
    df = churn.astype({"churned": "float64"})
    df.loc[:9, "churned"] = np.nan
    result = train_pipeline(churn_graph(), df)
    assert result.n_train + result.n_test == 290
    assert "10 rows" in result.warnings[0]
    assert result.fitted.classes == [0, 1]


def test_preview_shows_each_node_up_to_the_model(churn: pd.DataFrame, churn_graph) -> None:
    previews = preview_pipeline(churn_graph(), churn, rows=5)
    assert [p.node_id for p in previews] == [
        "drop",
        "split",
        "impute_num",
        "impute_cat",
        "encode",
        "scale",
    ]
    drop, split, impute = previews[0], previews[1], previews[2]
    assert drop.n_rows == 300 and "customer_id" not in drop.columns
    assert split.n_rows == 240  # after the split: the train rows
    assert len(impute.rows) == 5 and impute.columns[-1] == "churned"
    assert all(row["age"] is not None for row in impute.rows)
    assert "plan_type_basic" in previews[4].columns
    assert previews[4].dtypes["plan_type_basic"] == "float64"


def test_preview_of_an_unfinished_graph(churn: pd.DataFrame, chain) -> None:
    graph = chain(("flag", "MissingIndicator", {"columns": ["age"]}))
    (preview,) = preview_pipeline(graph, churn.head(40), rows=40)
    assert preview.n_rows == 40
    missing_rows = [r for r in preview.rows if r["age"] is None]
    assert missing_rows and all(r["age_was_missing"] == 1 for r in missing_rows)


def test_a_fit_in_a_child_process_gives_the_same_model(churn: pd.DataFrame, churn_graph) -> None:
    inline = train_pipeline(churn_graph("random_forest_classifier"), churn)
    isolated = train_pipeline(
        churn_graph("random_forest_classifier"),
        churn,
        should_cancel=lambda: False,
        isolate_fit=True,
    )
    assert isolated.metrics == inline.metrics


def test_a_cancel_stops_a_fit_in_progress(churn: pd.DataFrame, chain) -> None:
    import time

    big = pd.concat([churn] * 40, ignore_index=True)
    graph = chain(
        ("drop", "DropMissingColumns", {"columns": ["customer_id", "signup_date", "city"]}),
        ("split", "TrainTestSplitter", {"target_column": "churned"}),
        ("impute", "SimpleImputer", {"strategy": "most_frequent"}),
        ("encode", "OneHotEncoder", {"columns": ["plan_type"]}),
        ("model", "random_forest_classifier", {"n_estimators": 2000, "min_samples_split": 2}),
    )
    started: list[float] = []

    def should_cancel() -> bool:
        # Let every node run; once the fit has been going for a second, cancel.
        if not started:
            started.append(time.monotonic())
        return time.monotonic() - started[0] > 1.0

    t0 = time.monotonic()
    with pytest.raises(Cancelled, match="during the fit"):
        train_pipeline(graph, big, should_cancel=should_cancel, isolate_fit=True)
    # The fit alone would take far longer; the cancel lands within a poll of being asked.
    assert time.monotonic() - t0 < 4.0


def test_a_killed_fit_process_names_the_model(churn: pd.DataFrame, churn_graph) -> None:
    import os
    import signal

    from skyulf_core.graph import isolation

    def killed(work, should_cancel):  # type: ignore[no-untyped-def]
        return isolation.run_in_child(lambda: os.kill(os.getpid(), signal.SIGKILL), should_cancel)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("skyulf_core.graph.executor.run_in_child", killed)
        with pytest.raises(NodeError, match=r"node 'model'.*killed \(signal 9\)") as info:
            train_pipeline(churn_graph(), churn, should_cancel=lambda: False, isolate_fit=True)
    assert info.value.details["reason"] == "out_of_memory"
