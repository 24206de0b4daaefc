"""KNNImputer and IterativeImputer: equal to scikit-learn within 1e-9, records are plain JSON."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import ExtraTreesRegressor
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer
from sklearn.linear_model import BayesianRidge
from sklearn.neighbors import KNeighborsRegressor
from sklearn.tree import DecisionTreeRegressor

from skyulf_core.nodes import NodeContext, get_node
from skyulf_errors import NodeError

CTX = NodeContext(node_id="m1", target="churned")
NUMERIC = ["age", "income", "tenure_months", "lat", "lon", "monthly_spend"]


@pytest.fixture
def split(churn: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    X = churn.drop(columns=["churned"])
    return X.iloc[:220], X.iloc[220:]


def _fit_apply(node: str, train: pd.DataFrame, test: pd.DataFrame, params: dict) -> pd.DataFrame:
    d = get_node(node)
    record = d.fit(train, None, params, CTX)
    reloaded = d.load_record(json.loads(record.model_dump_json()))
    out, _ = d.apply(test, None, reloaded, CTX)
    return out


@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("n_neighbors", [1, 5, 400])
def test_knn_imputer_matches_sklearn(split, weights: str, n_neighbors: int) -> None:
    train, test = split
    params = {"columns": NUMERIC, "n_neighbors": n_neighbors, "weights": weights}
    ours = _fit_apply("KNNImputer", train, test, params)
    sk = KNNImputer(n_neighbors=n_neighbors, weights=weights).fit(train[NUMERIC])
    assert test[NUMERIC].isna().any().any()
    np.testing.assert_allclose(ours[NUMERIC].to_numpy(), sk.transform(test[NUMERIC]), atol=1e-9)


def test_knn_imputer_row_without_common_features_gets_the_mean(split) -> None:
    train, _ = split
    row = pd.DataFrame({c: [np.nan] for c in NUMERIC})
    ours = _fit_apply("KNNImputer", train, row, {"columns": NUMERIC})
    sk = KNNImputer().fit(train[NUMERIC]).transform(row)
    np.testing.assert_allclose(ours.to_numpy(), sk, atol=1e-9)


def test_knn_imputer_caps_the_stored_rows_and_rejects_empty_columns(split) -> None:
    train, _ = split
    record = get_node("KNNImputer").fit(train, None, {"columns": NUMERIC, "max_fit_rows": 50}, CTX)
    assert len(record.fit_rows) == 50
    with pytest.raises(NodeError, match="'empty'") as info:
        get_node("KNNImputer").fit(
            train.assign(empty=np.nan), None, {"columns": ["age", "empty"]}, CTX
        )
    assert info.value.details["column"] == "empty"
    with pytest.raises(NodeError, match="'city'"):
        get_node("KNNImputer").fit(train, None, {"columns": ["city"]}, CTX)


def test_knn_imputer_treats_inf_as_missing(split) -> None:
    train, test = split
    test = test.copy()
    test.loc[test.index[0], "age"] = np.inf
    out = _fit_apply("KNNImputer", train, test, {"columns": NUMERIC})
    assert np.isfinite(out[NUMERIC].to_numpy()).all()


ESTIMATORS = {
    "bayesian_ridge": lambda: BayesianRidge(),
    "decision_tree": lambda: DecisionTreeRegressor(random_state=42),
    "extra_trees": lambda: ExtraTreesRegressor(n_estimators=10, random_state=42),
    "knn": lambda: KNeighborsRegressor(n_neighbors=5),
}


@pytest.mark.parametrize("estimator", list(ESTIMATORS))
def test_iterative_imputer_matches_sklearn(split, estimator: str) -> None:
    train, test = split
    cols = ["age", "income", "tenure_months", "monthly_spend"]
    params = {"columns": cols, "estimator": estimator, "max_iter": 4}
    ours = _fit_apply("IterativeImputer", train, test, params)
    sk = IterativeImputer(estimator=ESTIMATORS[estimator](), max_iter=4, random_state=42)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk.fit(train[cols])
    np.testing.assert_allclose(ours[cols].to_numpy(), sk.transform(test[cols]), atol=1e-9)
    assert not ours[cols].isna().any().any()


def test_iterative_imputer_record_is_refused_when_too_large(split, monkeypatch) -> None:
    import skyulf_core.nodes.missing_iterative as module

    train, _ = split
    monkeypatch.setattr(module, "MAX_RECORD_NUMBERS", 100)
    with pytest.raises(NodeError, match="over the 100") as info:
        get_node("IterativeImputer").fit(train, None, {"estimator": "decision_tree"}, CTX)
    assert info.value.details["field"] == "estimator"


def test_iterative_imputer_needs_two_columns(split) -> None:
    train, _ = split
    with pytest.raises(NodeError, match="at least two") as info:
        get_node("IterativeImputer").fit(train, None, {"columns": ["age"]}, CTX)
    assert info.value.details["field"] == "columns"


def test_iterative_single_all_missing_row_equals_the_row_in_a_batch(split) -> None:
    train, test = split
    d = get_node("IterativeImputer")
    cols = ["age", "income", "tenure_months"]
    record = d.fit(train, None, {"columns": cols}, CTX)
    blank = pd.DataFrame({c: [np.nan] for c in cols}, index=[999])
    batch = pd.concat([test[cols].iloc[:5], blank])
    alone, _ = d.apply(blank, None, record, CTX)
    together, _ = d.apply(batch, None, record, CTX)
    np.testing.assert_allclose(alone.to_numpy(), together.iloc[[-1]].to_numpy(), atol=1e-12)
