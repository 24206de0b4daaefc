"""Our Calculator/Applier pairs reproduce scikit-learn's transformers within 1e-9."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skyulf_core.nodes import NodeContext, get_node

CTX = NodeContext(node_id="n", target="churned")
NUMERIC = ["age", "income", "tenure_months", "lat", "lon", "monthly_spend"]


@pytest.fixture
def split(churn: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    X = churn.drop(columns=["churned"])
    return X.iloc[:220], X.iloc[220:]


@pytest.mark.parametrize("strategy", ["mean", "median", "most_frequent", "constant"])
def test_simple_imputer_matches_sklearn(split, strategy: str) -> None:
    train, test = split
    node = get_node("SimpleImputer")
    params = {"strategy": strategy, "columns": NUMERIC}
    if strategy == "constant":
        params["fill_value"] = -1.5
    record = node.fit(train, None, params, CTX)
    ours, _ = node.apply(test, None, record, CTX)
    sk = SimpleImputer(strategy=strategy, fill_value=params.get("fill_value")).fit(train[NUMERIC])
    np.testing.assert_allclose(ours[NUMERIC].to_numpy(), sk.transform(test[NUMERIC]), atol=1e-9)
    assert ours[NUMERIC].notna().all().all()


def test_simple_imputer_most_frequent_on_text_matches_sklearn(split) -> None:
    train, test = split
    node = get_node("SimpleImputer")
    record = node.fit(train, None, {"strategy": "most_frequent", "columns": ["city"]}, CTX)
    ours, _ = node.apply(test, None, record, CTX)
    sk = SimpleImputer(strategy="most_frequent").fit(train[["city"]].astype(object))
    expected = sk.transform(test[["city"]].astype(object))[:, 0]
    assert ours["city"].tolist() == list(expected)


@pytest.mark.parametrize(
    ("with_mean", "with_std"), [(True, True), (False, True), (True, False), (False, False)]
)
def test_standard_scaler_matches_sklearn(split, with_mean: bool, with_std: bool) -> None:
    train, test = split
    train = train.assign(constant=7.25)  # zero variance: scale falls back to 1 like sklearn
    test = test.assign(constant=7.25)
    cols = ["tenure_months", "monthly_spend", "constant"]
    node = get_node("StandardScaler")
    params = {"with_mean": with_mean, "with_std": with_std, "columns": cols}
    record = node.fit(train, None, params, CTX)
    ours, _ = node.apply(test, None, record, CTX)
    sk = StandardScaler(with_mean=with_mean, with_std=with_std).fit(train[cols])
    np.testing.assert_allclose(ours[cols].to_numpy(), sk.transform(test[cols]), atol=1e-9)


def test_standard_scaler_ignores_nan_like_sklearn(split) -> None:
    train, test = split
    cols = ["age", "income"]  # both have missing values
    node = get_node("StandardScaler")
    record = node.fit(train, None, {"columns": cols}, CTX)
    ours, _ = node.apply(test, None, record, CTX)
    sk = StandardScaler().fit(train[cols])
    np.testing.assert_allclose(
        ours[cols].to_numpy(), sk.transform(test[cols]), atol=1e-9, equal_nan=True
    )


@pytest.mark.parametrize("max_categories", [None, 1, 2, 3, 5, 20])
@pytest.mark.parametrize("drop_first", [False, True])
@pytest.mark.parametrize("include_missing", [False, True])
def test_one_hot_encoder_matches_sklearn(
    split, max_categories: int | None, drop_first: bool, include_missing: bool
) -> None:
    train, test = split
    cols = ["city", "plan_type", "signup_date"]  # signup_date: many categories, unseen in test
    if not include_missing:
        # scikit-learn always encodes NaN as a category; compare on complete rows.
        train, test = train.dropna(subset=cols), test.dropna(subset=cols)
    node = get_node("OneHotEncoder")
    params = {
        "columns": cols,
        "max_categories": max_categories,
        "drop_first": drop_first,
        "include_missing": include_missing,
    }
    record = node.fit(train, None, params, CTX)
    ours, _ = node.apply(test, None, record, CTX)
    sk = OneHotEncoder(
        sparse_output=False,
        handle_unknown="ignore",
        max_categories=max_categories,
        drop="first" if drop_first else None,
    ).fit(train[cols].astype(object))
    names = list(sk.get_feature_names_out())
    assert record.created_columns() == names
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns about unknown categories with drop
        expected = sk.transform(test[cols].astype(object))
    np.testing.assert_allclose(ours[names].to_numpy(), expected, atol=1e-9)
    assert not set(cols) & set(ours.columns)
