"""MinMaxScaler, MaxAbsScaler and RobustScaler equal scikit-learn within 1e-9.

Each is checked on columns with missing values and on a constant column (which scikit-learn
shifts instead of dividing by zero), plus the parameter and no-finite-value errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, RobustScaler

from skyulf_core.nodes import NodeContext, get_node
from skyulf_errors import NodeError

CTX = NodeContext(node_id="s", target="churned")
COLS = ["age", "income", "tenure_months", "lat", "lon", "monthly_spend", "constant", "negative"]


@pytest.fixture
def split(churn: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    X = churn.drop(columns=["churned"])
    # A constant column and a mostly negative one exercise the zero-range and max-abs rules.
    X = X.assign(constant=-3.5, negative=-X["monthly_spend"] + 10.0)
    return X.iloc[:220], X.iloc[220:]


def _compare(node_id: str, params: dict, sk, split) -> None:
    train, test = split
    node = get_node(node_id)
    record = node.fit(train, None, {"columns": COLS, **params}, CTX)
    ours, _ = node.apply(test, None, record, CTX)
    sk.fit(train[COLS])
    expected = sk.transform(test[COLS])
    np.testing.assert_allclose(ours[COLS].to_numpy(), expected, rtol=0, atol=1e-9, equal_nan=True)
    assert (
        ours[["age", "income"]].isna().sum().tolist()
        == test[["age", "income"]].isna().sum().tolist()
    )
    untouched = [c for c in test.columns if c not in COLS]
    pd.testing.assert_frame_equal(ours[untouched], test[untouched])


@pytest.mark.parametrize("feature_range", [(0.0, 1.0), (-1.0, 1.0), (2.5, 7.0)])
def test_min_max_scaler_matches_sklearn(split, feature_range) -> None:
    sk = MinMaxScaler(feature_range=feature_range)
    _compare("MinMaxScaler", {"feature_range": list(feature_range)}, sk, split)


def test_max_abs_scaler_matches_sklearn(split) -> None:
    _compare("MaxAbsScaler", {}, MaxAbsScaler(), split)


@pytest.mark.parametrize("quantile_range", [(25.0, 75.0), (5.0, 95.0), (50.0, 50.0)])
@pytest.mark.parametrize(
    ("with_centering", "with_scaling"), [(True, True), (False, True), (True, False)]
)
def test_robust_scaler_matches_sklearn(split, quantile_range, with_centering, with_scaling) -> None:
    params = {
        "quantile_range": list(quantile_range),
        "with_centering": with_centering,
        "with_scaling": with_scaling,
    }
    sk = RobustScaler(
        quantile_range=quantile_range, with_centering=with_centering, with_scaling=with_scaling
    )
    _compare("RobustScaler", params, sk, split)


def test_constant_column_is_shifted_not_divided(split) -> None:
    train, test = split
    for node_id, expected in (("MinMaxScaler", 0.0), ("MaxAbsScaler", -1.0), ("RobustScaler", 0.0)):
        node = get_node(node_id)
        record = node.fit(train, None, {"columns": ["constant"]}, CTX)
        out, _ = node.apply(test, None, record, CTX)
        assert (out["constant"] == expected).all(), node_id


def test_infinite_training_values_are_ignored(split) -> None:
    train, test = split
    dirty = train.assign(age=train["age"].where(train.index % 9 != 0, np.inf))
    node = get_node("MinMaxScaler")
    record = node.fit(dirty, None, {"columns": ["age"]}, CTX)
    finite = dirty["age"].replace(np.inf, np.nan)
    sk = MinMaxScaler().fit(finite.to_frame())
    ours, _ = node.apply(test, None, record, CTX)
    np.testing.assert_allclose(
        ours[["age"]].to_numpy(), sk.transform(test[["age"]]), equal_nan=True
    )


@pytest.mark.parametrize("node_id", ["MinMaxScaler", "MaxAbsScaler", "RobustScaler"])
def test_column_without_finite_values_is_an_error_naming_it(split, node_id: str) -> None:
    train, _ = split
    empty = train.assign(blank=np.nan)
    with pytest.raises(NodeError, match=f"node 's' \\({node_id}\\): column 'blank' has no finite"):
        get_node(node_id).fit(empty, None, {"columns": ["blank"]}, CTX)


@pytest.mark.parametrize(
    ("node_id", "params", "field"),
    [
        ("MinMaxScaler", {"feature_range": [1, 1]}, "feature_range"),
        ("RobustScaler", {"quantile_range": [75, 25]}, "quantile_range"),
        ("RobustScaler", {"quantile_range": [-5, 50]}, "quantile_range"),
    ],
)
def test_invalid_ranges_are_refused(split, node_id: str, params: dict, field: str) -> None:
    train, _ = split
    with pytest.raises(NodeError, match=field):
        get_node(node_id).fit(train, None, params, CTX)


def test_text_column_is_refused_by_name(split) -> None:
    train, _ = split
    with pytest.raises(NodeError, match=r"'city' is .*expected a numeric column"):
        get_node("RobustScaler").fit(train, None, {"columns": ["city"]}, CTX)
