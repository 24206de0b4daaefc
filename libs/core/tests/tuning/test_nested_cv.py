"""nested_cv is nested cross-validation as scikit-learn users write it: the node's search runs
again inside each outer fold, on that fold's training rows alone."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_regression
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skyulf_core.graph import train_pipeline
from skyulf_core.graph.runner import build_plan, run_steps
from skyulf_core.graph.spec import parse_graph
from skyulf_core.nodes.splitting import Split
from skyulf_core.tuning.objective import refit_graph
from skyulf_errors import InvalidArgument, NodeError

ALPHAS = [3.0, 10.0, 30.0]


def _graph(**node: Any) -> dict[str, Any]:
    tuning = {
        "strategy": "grid",
        "metric": "r2",
        "cv_folds": 3,
        "search_space": {"alpha": {"type": "categorical", "choices": ALPHAS}},
    }
    params = {
        "run_mode": "tuned",
        "tuning_config": tuning,
        "cv_enabled": True,
        "cv_type": "nested_cv",
        "cv_folds": 4,
        **node,
    }
    return {
        "nodes": [
            {"id": "split", "type": "TrainTestSplitter", "params": {"target_column": "y"}},
            {"id": "scale", "type": "StandardScaler", "params": {}},
            {"id": "m", "type": "ridge_regression", "params": params},
        ],
        "edges": [{"source": "split", "target": "scale"}, {"source": "scale", "target": "m"}],
    }


def _frame() -> pd.DataFrame:
    X, y = make_regression(n_samples=240, n_features=6, n_informative=3, noise=80.0, random_state=3)
    frame = pd.DataFrame(X * np.arange(1, 7), columns=[f"x{i}" for i in range(6)])
    frame["y"] = y
    return frame


def _train_split(graph: dict[str, Any], frame: pd.DataFrame) -> Split:
    seen: dict[str, Split] = {}
    run_steps(
        build_plan(parse_graph(graph)),
        frame.drop(columns=["y"]),
        frame["y"],
        after=lambda s, f: seen.setdefault("train", f.train) if s.node_id == "split" else None,
    )
    return seen["train"]


def test_nested_cv_scores_as_scikit_learns_nested_cross_validation() -> None:
    frame, graph = _frame(), _graph()
    cv = train_pipeline(graph, frame).evaluation.cv  # type: ignore[union-attr]
    assert cv is not None and (cv.type, cv.folds) == ("nested_cv", 4)

    # By hand on the same train split: a grid search over the same inner folds inside each of
    # the same outer folds, the scaler refitted wherever the model is.
    train = _train_split(graph, frame)
    X, y = train.X.to_numpy(), train.y.to_numpy()  # type: ignore[union-attr]
    search = GridSearchCV(
        Pipeline([("scale", StandardScaler()), ("m", Ridge())]),
        {"m__alpha": ALPHAS},
        cv=KFold(3, shuffle=True, random_state=42),
        scoring="r2",
    )
    outer = KFold(4, shuffle=True, random_state=42)
    want = cross_val_score(search, X, y, cv=outer, scoring="r2")
    assert cv.metrics["r2"].folds == pytest.approx(want, abs=1e-10)
    assert cv.metrics["r2"].mean == pytest.approx(want.mean(), abs=1e-10)
    chosen = [search.fit(X[fit], y[fit]).best_params_["m__alpha"] for fit, _ in outer.split(X)]
    assert [p["alpha"] for p in cv.fold_params or []] == chosen
    assert len(set(chosen)) > 1  # the outer folds did choose for themselves


def test_nested_cv_on_a_fixed_model_names_the_field() -> None:
    graph = _graph(run_mode="fixed")
    with pytest.raises((NodeError, InvalidArgument), match="needs run_mode 'tuned'") as info:
        train_pipeline(graph, _frame())
    assert info.value.details["field"] == "cv_type" and "node 'm'" in info.value.message


def test_the_search_s_own_folds_cannot_be_nested() -> None:
    graph = _graph()
    graph["nodes"][2]["params"]["tuning_config"]["cv_type"] = "nested_cv"
    with pytest.raises((NodeError, InvalidArgument), match="cannot be nested") as info:
        train_pipeline(graph, _frame())
    assert info.value.details["field"] == "tuning_config"


def test_the_refitted_graph_of_a_nested_node_keeps_its_search() -> None:
    # After a job's search, the best parameters are fixed; nested_cv still needs the search.
    fixed = refit_graph(_graph(), {"m": {"alpha": 10.0}})
    params = fixed.nodes[2].params or {}
    assert params["alpha"] == 10.0 and params["run_mode"] == "tuned" and "tuning_config" in params
    result = train_pipeline(fixed, _frame())
    assert result.fitted.model.alpha == 10.0
    cv = result.evaluation.cv  # type: ignore[union-attr]
    assert cv is not None and len(cv.fold_params or []) == 4
