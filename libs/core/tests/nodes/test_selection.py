"""Feature selection: kept columns equal scikit-learn's get_support; documented edge behaviour."""

from __future__ import annotations

import warnings
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.feature_selection import (
    RFE,
    GenericUnivariateSelect,
    SelectFdr,
    SelectFpr,
    SelectFromModel,
    SelectFwe,
    SelectKBest,
    SelectPercentile,
    VarianceThreshold,
    chi2,
    f_classif,
    f_regression,
    mutual_info_classif,
    mutual_info_regression,
    r_regression,
)
from sklearn.linear_model import LinearRegression, LogisticRegression

from skyulf_core.nodes import NodeContext, get_node
from skyulf_errors import NodeError

CTX = NodeContext(node_id="sel", target="churned")
NUMERIC = ["age", "income", "tenure_months", "lat", "lon", "monthly_spend", "customer_id"]


@pytest.fixture
def complete(churn: pd.DataFrame) -> pd.DataFrame:
    """Churn rows without missing values, plus a constant and a near-duplicate column."""
    df = churn.dropna().reset_index(drop=True)
    return df.assign(constant=1.5, spend_twin=df["monthly_spend"] * 2 + 0.001 * df["age"])


def _kept(type_id: str, X: pd.DataFrame, y: pd.Series | None, params: dict[str, Any]) -> list[str]:
    record = get_node(type_id).fit(X, y, params, CTX)
    out, _ = get_node(type_id).apply(X, y, record, CTX)
    scored = [c for c in X.columns if c in record.columns or c in record.dropped]  # type: ignore[attr-defined]
    assert [c for c in out.columns if c in scored] == record.columns
    return record.columns


def _support(selector: Any, X: pd.DataFrame, y: pd.Series | None = None) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the constant column's undefined F statistic
        selector.fit(X.to_numpy(dtype="float64"), None if y is None else y.to_numpy())
    return [c for c, s in zip(X.columns, selector.get_support(), strict=True) if s]


# --------------------------------------------------------------------------- VarianceThreshold


@pytest.mark.parametrize("threshold", [0.0, 0.5, 40.0, 1e6])
def test_variance_threshold_equals_sklearn(complete: pd.DataFrame, threshold: float) -> None:
    X = complete[[*NUMERIC, "constant", "spend_twin"]]
    expected = _support(VarianceThreshold(threshold), X)
    assert _kept("VarianceThreshold", X, None, {"threshold": threshold}) == expected
    if threshold == 0:
        assert "constant" not in expected and len(expected) == len(X.columns) - 1


def test_variance_threshold_with_missing_values_equals_sklearn(churn: pd.DataFrame) -> None:
    X = churn[NUMERIC].assign(constant_with_gaps=np.where(churn["age"].isna(), np.nan, 2.0))
    expected = _support(VarianceThreshold(), X)
    assert _kept("VarianceThreshold", X, None, {}) == expected
    assert "constant_with_gaps" not in expected


def test_variance_threshold_passes_text_through_and_drops_all_missing(
    churn: pd.DataFrame,
) -> None:
    X = churn.drop(columns=["churned"]).assign(empty=np.nan, flat=3)
    record = get_node("VarianceThreshold").fit(X, None, {}, CTX)
    assert record.dropped == ["empty", "flat"]  # type: ignore[attr-defined]
    out, _ = get_node("VarianceThreshold").apply(X, None, record, CTX)
    assert list(out.columns) == [c for c in X.columns if c not in ("empty", "flat")]
    assert "city" in out.columns and "city" not in record.columns


def test_variance_threshold_that_removes_everything_is_an_error(complete: pd.DataFrame) -> None:
    with pytest.raises(NodeError, match=r"sel.*threshold") as info:
        get_node("VarianceThreshold").fit(complete[["constant"]], None, {}, CTX)
    assert info.value.details["field"] == "threshold"


def test_explicit_text_column_is_an_error_naming_it(churn: pd.DataFrame) -> None:
    with pytest.raises(NodeError, match="'city'") as info:
        get_node("VarianceThreshold").fit(churn, None, {"columns": ["age", "city"]}, CTX)
    assert info.value.details["column"] == "city"


# --------------------------------------------------------------------------- CorrelationThreshold


def _correlated() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    a = rng.normal(size=400)
    c = rng.normal(size=400)
    return pd.DataFrame(
        {
            "a": a,
            "b": a + 0.5 * c,  # 0.89 with a, 0.45 with c
            "c": c,
            "a_neg": -3 * a + 0.01 * rng.normal(size=400),  # ~ -1 with a
            "a_exp": np.exp(3 * a),  # monotonic in a: rank-correlated 1, pearson lower
            "noise": rng.normal(size=400),
        }
    )


def test_correlation_drops_the_later_column_of_each_pair() -> None:
    X = _correlated()
    record = get_node("CorrelationThreshold").fit(X, None, {}, CTX)
    assert record.dropped == ["a_neg"]  # type: ignore[attr-defined]
    assert record.correlated_with == {"a_neg": "a"}  # type: ignore[attr-defined]
    spearman = get_node("CorrelationThreshold").fit(X, None, {"method": "spearman"}, CTX)
    assert spearman.dropped == ["a_neg", "a_exp"]  # type: ignore[attr-defined]
    kendall = get_node("CorrelationThreshold").fit(X, None, {"method": "kendall"}, CTX)
    assert kendall.dropped == ["a_neg", "a_exp"]  # type: ignore[attr-defined]


def test_correlation_tie_rule_only_counts_kept_columns() -> None:
    X = _correlated()[["a", "b", "c"]]
    corr = X.corr().abs()
    assert corr.loc["a", "b"] > 0.8 and corr.loc["b", "c"] < 0.8
    X = X.assign(b_twin=X["b"] + 1e-3)  # b ~ b_twin; a ~ b above 0.85; a ~ b_twin too
    record = get_node("CorrelationThreshold").fit(X, None, {"threshold": 0.85}, CTX)
    # b is dropped for a; b_twin correlates with the dropped b *and* with kept a -> dropped for a.
    assert record.correlated_with == {"b": "a", "b_twin": "a"}  # type: ignore[attr-defined]
    chain = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6], "y": [1.0, 2, 3, 4, 6, 5]})
    chain = chain.assign(z=[2.0, 1, 4, 3, 6, 5])  # x~y 0.94, y~z 0.83, x~z 0.83
    record = get_node("CorrelationThreshold").fit(chain, None, {"threshold": 0.9}, CTX)
    assert record.columns == ["x", "z"]


def test_correlation_ignores_constant_and_non_numeric_columns(churn: pd.DataFrame) -> None:
    X = churn.assign(flat=1.0, age_copy=churn["age"])
    record = get_node("CorrelationThreshold").fit(X, churn["churned"], {}, CTX)
    assert record.dropped == ["age_copy"]  # type: ignore[attr-defined]
    assert "flat" in record.columns and "city" not in record.columns


# --------------------------------------------------------------------------- UnivariateSelection

CLASSIF = {"f_classif": f_classif, "chi2": chi2, "mutual_info_classif": mutual_info_classif}
REGRESS = {
    "f_regression": f_regression,
    "mutual_info_regression": mutual_info_regression,
    "r_regression": r_regression,
}


def _sklearn_univariate(method: str, func: Any, k: int) -> Any:
    return {
        "select_k_best": SelectKBest(func, k=k),
        "select_percentile": SelectPercentile(func, percentile=30),
        "select_fpr": SelectFpr(func, alpha=0.3),
        "select_fdr": SelectFdr(func, alpha=0.3),
        "select_fwe": SelectFwe(func, alpha=0.3),
        "generic_univariate_select": GenericUnivariateSelect(func, mode="percentile", param=30),
    }[method]


METHODS = [
    "select_k_best",
    "select_percentile",
    "select_fpr",
    "select_fdr",
    "select_fwe",
    "generic_univariate_select",
]


def _score_func(name: str, funcs: dict[str, Any]) -> Any:
    func = funcs[name]
    return partial(func, random_state=7) if name.startswith("mutual_info") else func


def _cases(funcs: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (m, f)
        for m in METHODS
        for f in funcs
        if not (f.startswith(("mutual", "r_")) and m in ("select_fpr", "select_fdr", "select_fwe"))
    ]


@pytest.mark.parametrize(("method", "score_func"), _cases(CLASSIF))
def test_univariate_classification_equals_sklearn(
    complete: pd.DataFrame, method: str, score_func: str
) -> None:
    # chi2 needs non-negative values: longitude shifted into 0..360.
    X = complete[[*NUMERIC, "constant"]].assign(lon=complete["lon"] + 180)
    y = complete["churned"]
    params = {"method": method, "score_func": score_func, "k": 3, "percentile": 30.0,
              "alpha": 0.3, "random_state": 7}  # fmt: skip
    expected = _support(_sklearn_univariate(method, _score_func(score_func, CLASSIF), 3), X, y)
    assert _kept("UnivariateSelection", X, y, params) == expected
    assert expected


@pytest.mark.parametrize(("method", "score_func"), _cases(REGRESS))
def test_univariate_regression_equals_sklearn(
    complete: pd.DataFrame, method: str, score_func: str
) -> None:
    X, y = complete[NUMERIC].drop(columns=["monthly_spend"]), complete["monthly_spend"]
    params = {"method": method, "score_func": score_func, "k": 3, "percentile": 30.0,
              "alpha": 0.3, "random_state": 7}  # fmt: skip
    expected = _support(_sklearn_univariate(method, _score_func(score_func, REGRESS), 3), X, y)
    assert _kept("UnivariateSelection", X, y, params) == expected


def test_univariate_detects_the_task_and_defaults_the_score(complete: pd.DataFrame) -> None:
    X = complete[NUMERIC].drop(columns=["monthly_spend"])
    node = get_node("UnivariateSelection")
    by_class = node.fit(X, complete["churned"], {"k": 2}, CTX)
    assert by_class.score_func == "f_classif"  # type: ignore[attr-defined]
    assert by_class.columns == _support(SelectKBest(f_classif, k=2), X, complete["churned"])
    by_value = node.fit(X, complete["monthly_spend"], {"k": 2}, CTX)
    assert by_value.score_func == "f_regression"  # type: ignore[attr-defined]
    labels = complete["churned"].map({0: "stay", 1: "leave"})
    assert node.fit(X, labels, {"k": 2}, CTX).columns == by_class.columns
    assert len(node.fit(X, complete["churned"], {"k": 99}, CTX).columns) == len(X.columns)


@pytest.mark.parametrize(
    ("params", "target", "field"),
    [
        ({"score_func": "f_regression"}, "churned", "score_func"),
        ({"score_func": "chi2"}, "monthly_spend", "score_func"),
        ({"score_func": "r_regression", "method": "select_fdr"}, "monthly_spend", "score_func"),
    ],
)
def test_univariate_parameter_mistakes_name_the_field(
    complete: pd.DataFrame, params: dict[str, Any], target: str, field: str
) -> None:
    X = complete[["age", "income"]]
    with pytest.raises(NodeError, match=r"sel.*UnivariateSelection") as info:
        get_node("UnivariateSelection").fit(X, complete[target], params, CTX)
    assert info.value.details["field"] == field


def test_supervised_selection_refuses_missing_values_and_no_target(churn: pd.DataFrame) -> None:
    for node in ("UnivariateSelection", "ModelBasedSelection"):
        with pytest.raises(NodeError, match=r"'age'.*impute") as info:
            get_node(node).fit(churn[["tenure_months", "age"]], churn["churned"], {}, CTX)
        assert info.value.details["column"] == "age"
        with pytest.raises(NodeError, match="target"):
            get_node(node).fit(churn[["tenure_months"]], None, {}, CTX)


def test_chi2_on_negative_values_names_the_column(complete: pd.DataFrame) -> None:
    X = complete[["age", "lon"]]
    with pytest.raises(NodeError, match=r"chi2.*'lon'") as info:
        get_node("UnivariateSelection").fit(X, complete["churned"], {"score_func": "chi2"}, CTX)
    assert info.value.details["column"] == "lon"


# --------------------------------------------------------------------------- ModelBasedSelection


@pytest.mark.parametrize(
    ("params", "sklearn_selector"),
    [
        ({}, SelectFromModel(RandomForestClassifier(n_estimators=100, random_state=42))),
        (
            {"estimator": "random_forest", "threshold": "median", "n_estimators": 20},
            SelectFromModel(
                RandomForestClassifier(n_estimators=20, random_state=42), threshold="median"
            ),
        ),
        (
            {"estimator": "logistic_regression", "threshold": None, "max_features": 3},
            SelectFromModel(
                LogisticRegression(max_iter=1000, random_state=42), threshold=None, max_features=3
            ),
        ),
        (
            {"method": "rfe", "estimator": "logistic_regression", "n_features_to_select": 3},
            RFE(LogisticRegression(max_iter=1000, random_state=42), n_features_to_select=3),
        ),
        (
            {"method": "rfe", "n_estimators": 10, "step": 2},
            RFE(RandomForestClassifier(n_estimators=10, random_state=42), step=2),
        ),
    ],
)
def test_model_based_classification_equals_sklearn(
    complete: pd.DataFrame, params: dict[str, Any], sklearn_selector: Any
) -> None:
    X, y = complete[NUMERIC], complete["churned"]
    X = (X - X.mean()) / X.std()  # scaled, so logistic regression converges quickly
    expected = _support(sklearn_selector, X, y)
    assert _kept("ModelBasedSelection", X, y, params) == expected
    assert 0 < len(expected) < len(X.columns)


@pytest.mark.parametrize(
    ("params", "sklearn_selector"),
    [
        (
            {"n_estimators": 20, "threshold": "1.2*mean"},
            SelectFromModel(
                RandomForestRegressor(n_estimators=20, random_state=42), threshold="1.2*mean"
            ),
        ),
        (
            {"method": "rfe", "estimator": "linear_regression", "n_features_to_select": 0.5},
            RFE(LinearRegression(), n_features_to_select=0.5),
        ),
    ],
)
def test_model_based_regression_equals_sklearn(
    complete: pd.DataFrame, params: dict[str, Any], sklearn_selector: Any
) -> None:
    X, y = complete[NUMERIC].drop(columns=["monthly_spend"]), complete["monthly_spend"]
    assert _kept("ModelBasedSelection", X, y, params) == _support(sklearn_selector, X, y)


def test_model_based_mistakes_name_the_field(complete: pd.DataFrame) -> None:
    X, node = complete[["age", "income"]], get_node("ModelBasedSelection")
    with pytest.raises(NodeError, match="logistic_regression") as info:
        node.fit(X, complete["monthly_spend"], {"estimator": "logistic_regression"}, CTX)
    assert info.value.details["field"] == "estimator"
    with pytest.raises(NodeError) as info:
        node.fit(X, complete["churned"], {"threshold": "lots", "n_estimators": 5}, CTX)
    assert info.value.details["field"] == "threshold"
