"""Tuning in one process: every strategy and pruner searches and finds a sensible best, the
search never sees the test split, and a bad tuning_config is refused naming node and field."""

from __future__ import annotations

import time
from typing import Any

import optuna
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes

from skyulf_core.graph import train_pipeline
from skyulf_core.models.registry import get_model
from skyulf_core.tuning import objective
from skyulf_core.tuning.objective import TuningProblem, refit_graph, tuned_nodes
from skyulf_core.tuning.records import StudyRecord
from skyulf_core.tuning.study import open_study, run_trials, tune_in_process
from skyulf_errors import Cancelled, NodeError


@pytest.fixture(scope="module")
def cancer() -> pd.DataFrame:
    return load_breast_cancer(as_frame=True).frame


def _graph(model: str, config: dict[str, Any], **params: Any) -> dict[str, Any]:
    return {
        "nodes": [
            {"id": "split", "type": "TrainTestSplitter", "params": {"target_column": "target"}},
            {"id": "scale", "type": "StandardScaler", "params": {}},
            {
                "id": "m",
                "type": model,
                "params": {"run_mode": "tuned", "tuning_config": config, **params},
            },
        ],
        "edges": [{"source": "split", "target": "scale"}, {"source": "scale", "target": "m"}],
    }


LOGREG_SPACE = {"C": {"type": "float", "low": 0.001, "high": 10.0, "log": True}}
GRID_SPACE = {"C": {"type": "categorical", "choices": [0.001, 0.01, 1.0]}}


@pytest.mark.parametrize(
    ("strategy", "strategy_params", "space"),
    [
        ("grid", {}, GRID_SPACE),
        ("random", {}, LOGREG_SPACE),
        ("halving_grid", {}, GRID_SPACE),
        ("halving_random", {}, LOGREG_SPACE),
        ("optuna", {"sampler": "tpe"}, LOGREG_SPACE),
        ("optuna", {"sampler": "random"}, LOGREG_SPACE),
        ("optuna", {"sampler": "tpe", "pruner": "median", "n_startup_trials": 2}, LOGREG_SPACE),
        ("optuna", {"sampler": "random", "pruner": "hyperband"}, LOGREG_SPACE),
    ],
)
def test_every_strategy_searches_and_records_each_trial(
    cancer: pd.DataFrame, strategy: str, strategy_params: dict[str, Any], space: dict[str, Any]
) -> None:
    config = {
        "strategy": strategy,
        "metric": "roc_auc",
        "n_trials": 6,
        "search_space": space,
        "strategy_params": strategy_params,
    }
    record = tune_in_process(TuningProblem(_graph("logistic_regression", config), cancer, "m"))
    assert record.state == "COMPLETE" and record.strategy == strategy
    assert len(record.trials) <= 6 and record.trials
    complete = [t for t in record.trials if t.state == "COMPLETE"]
    assert complete and record.best_value == max(t.value for t in complete if t.value)
    assert record.best_value is not None and record.best_value > 0.95
    assert all(1 <= len(t.intermediate) <= 3 for t in record.trials)
    if strategy.endswith("grid"):
        assert {t.params["C"] for t in record.trials} <= {0.001, 0.01, 1.0}
        assert len({t.params["C"] for t in record.trials}) == len(record.trials)  # no repeat


def test_pruners_prune_trials_behind_the_best(cancer: pd.DataFrame) -> None:
    # Weak C values are far behind after the first fold: successive halving stops some.
    config = {
        "strategy": "halving_random",
        "metric": "accuracy",
        "n_trials": 12,
        "cv_folds": 4,
        "search_space": {"C": {"type": "float", "low": 1e-5, "high": 10.0, "log": True}},
        "strategy_params": {"reduction_factor": 2},
    }
    record = tune_in_process(TuningProblem(_graph("logistic_regression", config), cancer, "m"))
    pruned = [t for t in record.trials if t.state == "PRUNED"]
    assert pruned and all(len(t.intermediate) < 4 for t in pruned)


def test_default_space_regression_metric_and_minimised_metric() -> None:
    frame = load_diabetes(as_frame=True).frame
    graph = _graph("ridge_regression", {"metric": "rmse", "n_trials": 4})
    graph["nodes"][0]["params"]["target_column"] = "target"
    problem = TuningProblem(graph, frame, "m")
    assert problem.direction == "minimize"
    record = tune_in_process(problem)
    assert set(record.best_params) == {"alpha", "fit_intercept"}  # the schema's x-search-space
    values = [t.value for t in record.trials if t.value is not None]
    assert record.best_value == min(values)


def test_the_search_never_sees_the_test_split(cancer: pd.DataFrame) -> None:
    problem = TuningProblem(_graph("logistic_regression", {"n_trials": 1}), cancer, "m")
    split = problem.context.hooks.split_train
    assert split is not None and len(split.X) < 0.8 * len(cancer)


def test_refit_graph_fixes_the_best_params_and_trains(cancer: pd.DataFrame) -> None:
    graph = _graph("logistic_regression", {"n_trials": 2}, cv_enabled=True, cv_folds=3)
    assert tuned_nodes(graph) == ["m"]
    fixed = refit_graph(graph, {"m": {"C": 0.5}})
    params = fixed.nodes[2].params
    assert params == {"cv_enabled": True, "cv_folds": 3, "C": 0.5}
    assert tuned_nodes(fixed) == []
    result = train_pipeline(fixed, cancer)
    assert result.fitted.model.C == 0.5 and "cv_accuracy_mean" in result.metrics


def test_a_failing_trial_is_recorded_and_the_search_goes_on(cancer: pd.DataFrame) -> None:
    config = {"metric": "roc_auc", "n_trials": 3, "search_space": LOGREG_SPACE}
    problem = TuningProblem(_graph("logistic_regression", config), cancer, "m")
    study = open_study(problem, "fails")
    calls = {"n": 0}
    original = problem.evaluate

    def flaky(params: dict[str, Any], report: Any = None) -> float:
        calls["n"] += 1
        if calls["n"] == 1:
            raise NodeError("node 'm': the fit fell over", node_id="m")
        return original(params, report)

    problem.evaluate = flaky  # type: ignore[method-assign]
    budget = iter([True, True, True, False])
    seen: list[optuna.trial.FrozenTrial] = []
    ran = run_trials(study, problem, claim=lambda: next(budget), on_trial=seen.append)
    assert ran == 3
    states = [t.state.name for t in study.trials]
    assert states == ["FAIL", "COMPLETE", "COMPLETE"]
    assert "fell over" in str(study.trials[0].user_attrs["error"])
    assert [t.state.name for t in seen] == ["FAIL", "COMPLETE", "COMPLETE"]


@pytest.mark.parametrize(
    ("config", "field", "words"),
    [
        (
            {"search_space": {"leaves": {"type": "int", "low": 1, "high": 3}}},
            "tuning_config.search_space.leaves",
            "not a parameter",
        ),
        (
            {"search_space": {"C": {"type": "float", "low": -1.0, "high": 3.0}}},
            "tuning_config.search_space.C",
            "not a valid value",
        ),
        (
            {"search_space": {"C": {"type": "float", "low": 3.0, "high": 1.0}}},
            "tuning_config.search_space.C",
            "above 'high'",
        ),
        (
            {"search_space": {"C": {"type": "float", "low": 0.0, "high": 1.0, "log": True}}},
            "tuning_config.search_space.C",
            "log range",
        ),
        (
            {"search_space": {"C": {"type": "categorical", "choices": []}}},
            "tuning_config.search_space.C",
            "choices",
        ),
        (
            {"strategy": "grid", "search_space": {"C": {"type": "float", "low": 0.1, "high": 1.0}}},
            "tuning_config.search_space.C",
            "step",
        ),
        ({"metric": "rmse"}, "tuning_config.metric", "not a classification metric"),
        ({"strategy": "bayes"}, "tuning_config.strategy", "Input should be"),
        ({"n_trials": 0}, "tuning_config.n_trials", "greater than or equal"),
        ({"strategy_params": {"pruner": "asha"}}, "tuning_config.strategy_params.pruner", "Input"),
        ({"budget": 3}, "tuning_config.budget", "Extra inputs"),
    ],
)
def test_a_bad_tuning_config_names_node_and_field(
    config: dict[str, Any], field: str, words: str
) -> None:
    model = get_model("logistic_regression")
    with pytest.raises(NodeError, match=words) as err:
        model.parse_params({"run_mode": "tuned", "tuning_config": config}, "m")
    assert err.value.details["field"] == field
    assert "node 'm'" in err.value.message


def test_a_fixed_node_ignores_its_tuning_config_and_run_mode_is_checked() -> None:
    model = get_model("logistic_regression")
    model.parse_params({"run_mode": "fixed", "tuning_config": {"metric": "rmse"}}, "m")
    with pytest.raises(NodeError, match="run_mode"):
        model.parse_params({"run_mode": "tuneded"}, "m")


def test_the_params_schema_shows_run_mode_and_tuning_config() -> None:
    schema = get_model("random_forest_classifier").params_schema
    props = schema["properties"]
    assert props["run_mode"]["x-group"] == "training"
    assert props["tuning_config"]["x-group"] == "training"
    assert "TuningConfig" in schema["$defs"] and "SearchSpec" in schema["$defs"]
    assert props["n_estimators"]["x-tunable"] is True


def test_a_trial_fitted_in_a_child_scores_the_same(cancer: pd.DataFrame) -> None:
    graph = _graph("logistic_regression", {"n_trials": 1, "search_space": LOGREG_SPACE})
    inline = TuningProblem(graph, cancer, "m").evaluate({"C": 0.5})
    assert TuningProblem(graph, cancer, "m", isolate_fit=True).evaluate({"C": 0.5}) == inline


@pytest.mark.parametrize("strategy", ["random", "halving_random"])
def test_a_search_in_a_child_runs_the_same_trials_forking_once(
    cancer: pd.DataFrame, strategy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Weak C values are far behind after the first fold: successive halving prunes some, and
    # a pruned trial's child is killed in the middle of its folds.
    config = {
        "strategy": strategy,
        "metric": "accuracy",
        "n_trials": 8,
        "cv_folds": 4,
        "search_space": {"C": {"type": "float", "low": 1e-5, "high": 10.0, "log": True}},
        "strategy_params": {"reduction_factor": 2},
    }
    graph = _graph("logistic_regression", config)
    inline = tune_in_process(TuningProblem(graph, cancer, "m"))
    forks: list[int] = []
    real = objective.Child

    def counted(*args: Any) -> objective.Child:
        forks.append(1)
        return real(*args)

    monkeypatch.setattr(objective, "Child", counted)
    isolated = tune_in_process(TuningProblem(graph, cancer, "m", isolate_fit=True))

    def seen(record: StudyRecord) -> list[tuple[Any, ...]]:
        return [(t.state, t.params, t.value, t.intermediate) for t in record.trials]

    assert seen(isolated) == seen(inline)
    # One child for the search, and one more after each pruned trial but the last.
    pruned = [t.number for t in isolated.trials if t.state == "PRUNED"]
    assert (strategy == "random") == (not pruned)
    assert len(forks) == 1 + len([n for n in pruned if n < len(isolated.trials) - 1])


def test_a_cancel_stops_a_trial_in_the_middle_of_a_fit(cancer: pd.DataFrame) -> None:
    big = pd.concat([cancer] * 20, ignore_index=True)
    space = {"n_estimators": {"type": "categorical", "choices": [3000]}}
    graph = _graph("random_forest_classifier", {"n_trials": 1, "search_space": space})
    started: list[float] = []

    def should_cancel() -> bool:
        # Every fold starts; once the first fit has been going for a second, cancel.
        if not started:
            started.append(time.monotonic())
        return time.monotonic() - started[0] > 1.0

    problem = TuningProblem(graph, big, "m", isolate_fit=True)
    problem.context.hooks.should_cancel = should_cancel
    t0 = time.monotonic()
    with pytest.raises(Cancelled, match="during the fit"):
        problem.evaluate({"n_estimators": 3000})
    # One fold's fit alone takes far longer; the cancel lands within a poll of being asked.
    assert time.monotonic() - t0 < 4.0
