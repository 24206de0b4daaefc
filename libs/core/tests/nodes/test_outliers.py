"""Outlier nodes: equal to the numpy/scipy/scikit-learn computations, and defined on NaN and ±inf."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.covariance import EllipticEnvelope

from skyulf_core.graph import train_pipeline
from skyulf_core.nodes import NodeContext, get_node
from skyulf_errors import NodeError

CTX = NodeContext(node_id="out", target="churned")
NUMERIC = ["age", "income", "tenure_months", "lat", "lon", "monthly_spend"]
COMPLETE = ["tenure_months", "monthly_spend"]  # no missing values in churn_300


@pytest.fixture
def train(churn: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    X = churn.drop(columns=["churned"]).iloc[:220]
    return X, churn["churned"].iloc[:220]


def _removed(type_id: str, X: pd.DataFrame, y: pd.Series, params: dict) -> set:
    node = get_node(type_id)
    record = node.fit(X, y, params, CTX)
    out, out_y = node.apply(X, y, record, CTX)
    assert out_y is not None and out_y.index.equals(out.index)
    return set(X.index) - set(out.index)


# --------------------------------------------------------------------------- IQR


@pytest.mark.parametrize("multiplier", [0.0, 0.5, 1.5, 3.0])
def test_iqr_removes_rows_outside_the_numpy_fences(train, multiplier: float) -> None:
    X, y = train
    expected = np.zeros(len(X), dtype=bool)
    for col in NUMERIC:  # age and income hold NaN: the quartiles ignore it
        values = X[col].to_numpy(dtype="float64", na_value=np.nan)
        q1, q3 = np.nanpercentile(values, [25, 75])
        lo, hi = q1 - multiplier * (q3 - q1), q3 + multiplier * (q3 - q1)
        expected |= (values < lo) | (values > hi)
    got = _removed("IQR", X, y, {"columns": NUMERIC, "multiplier": multiplier})
    assert got == set(X.index[expected])
    if multiplier == 1.5:
        assert 0 < len(got) < len(X) // 4


def test_iqr_keeps_missing_values_and_removes_infinity(train) -> None:
    X, y = train
    X = X.assign(monthly_spend=X["monthly_spend"].astype("float64"))
    X.loc[X.index[0], "monthly_spend"] = np.nan
    X.loc[X.index[1], "monthly_spend"] = np.inf
    X.loc[X.index[2], "monthly_spend"] = -np.inf
    record = get_node("IQR").fit(X, y, {"columns": ["monthly_spend"]}, CTX)
    values = X["monthly_spend"].to_numpy()
    q1, q3 = np.percentile(values[np.isfinite(values)], [25, 75])  # inf is not learned from
    assert record.lower == [pytest.approx(q1 - 1.5 * (q3 - q1))]
    removed = _removed("IQR", X, y, {"columns": ["monthly_spend"]})
    assert X.index[0] not in removed
    assert {X.index[1], X.index[2]} <= removed


def test_iqr_all_missing_column_removes_nothing(train) -> None:
    X, y = train
    X = X.assign(empty=np.nan)
    assert _removed("IQR", X, y, {"columns": ["empty"]}) == set()


def test_iqr_on_text_column_names_it(train) -> None:
    X, y = train
    with pytest.raises(NodeError, match="'city'") as info:
        get_node("IQR").fit(X, y, {"columns": ["city"]}, CTX)
    assert info.value.details["column"] == "city"


# --------------------------------------------------------------------------- ZScore


@pytest.mark.parametrize("threshold", [1.0, 2.0, 3.0])
def test_zscore_matches_scipy(train, threshold: float) -> None:
    X, y = train
    z = np.abs(stats.zscore(X[COMPLETE].to_numpy(dtype="float64"), axis=0))
    expected = set(X.index[(z > threshold).any(axis=1)])
    assert _removed("ZScore", X, y, {"columns": COMPLETE, "threshold": threshold}) == expected


def test_zscore_ignores_missing_values_like_nan_policy_omit(train) -> None:
    X, y = train
    z = np.abs(stats.zscore(X["income"].to_numpy(dtype="float64"), nan_policy="omit"))
    expected = set(X.index[z > 2.0])
    assert _removed("ZScore", X, y, {"columns": ["income"], "threshold": 2.0}) == expected
    assert not set(X.index[X["income"].isna()]) & expected


def test_zscore_constant_column_removes_nothing(train) -> None:
    X, y = train
    X = X.assign(constant=0.1)
    assert _removed("ZScore", X, y, {"columns": ["constant"], "threshold": 0.5}) == set()


# --------------------------------------------------------------------------- ManualBounds


def test_manual_bounds_are_inclusive_and_keep_missing(train) -> None:
    X, y = train
    params = {"bounds": {"age": {"lower": 30, "upper": 60}, "monthly_spend": {"upper": 50.0}}}
    age, spend = X["age"], X["monthly_spend"]
    outside = (age < 30) | (age > 60) | (spend > 50.0)  # NaN age compares False: kept
    assert _removed("ManualBounds", X, y, params) == set(X.index[outside])
    kept = X.drop(index=list(X.index[outside]))
    assert kept["age"].isna().any()
    assert {30.0, 60.0} & set(kept["age"])


def test_manual_bounds_open_side_keeps_infinity(train) -> None:
    X, y = train
    X = X.assign(lat=X["lat"].astype("float64"))
    X.loc[X.index[0], "lat"] = np.inf
    X.loc[X.index[1], "lat"] = -np.inf
    assert _removed("ManualBounds", X, y, {"bounds": {"lat": {"lower": 0}}}) == {X.index[1]}


def test_manual_bounds_reject_crossed_bounds_and_unknown_columns(train) -> None:
    X, y = train
    node = get_node("ManualBounds")
    with pytest.raises(NodeError, match=r"bounds\.age") as info:
        node.fit(X, y, {"bounds": {"age": {"lower": 5, "upper": 1}}}, CTX)
    assert info.value.details["field"] == "bounds.age"
    with pytest.raises(NodeError, match="'nope' is not in the input"):
        node.fit(X, y, {"bounds": {"nope": {"lower": 0}}}, CTX)
    assert not node.learns and node.train_only


# --------------------------------------------------------------------------- Winsorize


@pytest.mark.parametrize(("low", "high"), [(5, 95), (0, 100), (10, 60), (25, 25)])
def test_winsorize_equals_numpy_percentile_clipping(churn: pd.DataFrame, low, high) -> None:
    X = churn.drop(columns=["churned"])
    train, test = X.iloc[:220], X.iloc[220:]
    node = get_node("Winsorize")
    record = node.fit(train, None, {"lower_percentile": low, "upper_percentile": high}, CTX)
    assert record.columns == ["customer_id", *NUMERIC]
    out, _ = node.apply(test, None, record, CTX)
    for col in NUMERIC:
        lo, hi = np.nanpercentile(
            train[col].to_numpy(dtype="float64", na_value=np.nan), [low, high]
        )
        expected = np.clip(test[col].to_numpy(dtype="float64", na_value=np.nan), lo, hi)
        np.testing.assert_array_equal(out[col].to_numpy(), expected)
    assert out["age"].isna().sum() == test["age"].isna().sum()  # NaN stays missing


def test_winsorize_clips_infinity_and_runs_at_inference(train) -> None:
    X, y = train
    node = get_node("Winsorize")
    assert not node.train_only and node.learns and node.array_applier is not None
    record = node.fit(X, y, {"columns": ["monthly_spend"]}, CTX)
    rows = pd.DataFrame({"monthly_spend": [np.inf, -np.inf, np.nan, 40.0]})
    out, _ = node.apply(rows, None, record, CTX)
    lo, hi = record.lower[0], record.upper[0]
    assert out["monthly_spend"].tolist()[:2] == [hi, lo]
    assert np.isnan(out["monthly_spend"].iloc[2])
    arrays = node.array_applier({"monthly_spend": rows["monthly_spend"].to_numpy()}, record)
    np.testing.assert_array_equal(arrays["monthly_spend"], out["monthly_spend"].to_numpy())


def test_winsorize_rejects_crossed_percentiles(train) -> None:
    X, y = train
    with pytest.raises(NodeError, match="lower_percentile"):
        get_node("Winsorize").fit(X, y, {"lower_percentile": 90, "upper_percentile": 10}, CTX)


# --------------------------------------------------------------------------- EllipticEnvelope


def _sklearn_outliers(X: pd.DataFrame, cols: list[str], contamination: float) -> set:
    block = X[cols].to_numpy(dtype="float64", na_value=np.nan)
    complete = np.isfinite(block).all(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk = EllipticEnvelope(contamination=contamination, random_state=42).fit(block[complete])
    return set(X.index[complete][sk.predict(block[complete]) == -1])


@pytest.mark.parametrize("contamination", [0.01, 0.1, 0.25, 0.5])
def test_elliptic_envelope_removes_what_sklearn_predicts(train, contamination: float) -> None:
    X, y = train
    cols = ["age", "income", "tenure_months", "monthly_spend"]  # age, income hold NaN
    expected = _sklearn_outliers(X, cols, contamination)
    got = _removed("EllipticEnvelope", X, y, {"columns": cols, "contamination": contamination})
    assert got == expected and got
    assert not got & set(X.index[X[cols].isna().any(axis=1)])  # rows with NaN are kept


def test_elliptic_envelope_record_is_json_and_handles_constant_columns(train) -> None:
    X, y = train
    X = X.assign(constant=2.5)
    cols = ["tenure_months", "monthly_spend", "constant"]
    node = get_node("EllipticEnvelope")
    record = node.fit(X, y, {"columns": cols, "contamination": 0.1}, CTX)
    reloaded = node.load_record(json.loads(record.model_dump_json()))
    out, _ = node.apply(X, y, reloaded, CTX)
    assert set(X.index) - set(out.index) == _sklearn_outliers(X, cols, 0.1)


def test_elliptic_envelope_removes_infinite_rows(train) -> None:
    X, y = train
    X = X.assign(monthly_spend=X["monthly_spend"].astype("float64"))
    X.loc[X.index[0], "monthly_spend"] = np.inf
    X.loc[X.index[1], ["monthly_spend", "age"]] = [-np.inf, np.nan]
    removed = _removed("EllipticEnvelope", X, y, {"columns": ["age", "monthly_spend"]})
    assert {X.index[0], X.index[1]} <= removed


def test_elliptic_envelope_too_few_complete_rows_is_a_clear_error(train) -> None:
    X, y = train
    X = X.iloc[:4].assign(age=[1.0, np.nan, 3.0, 4.0])
    with pytest.raises(NodeError, match=r"node 'out'.*3 train rows.*3 columns"):
        get_node("EllipticEnvelope").fit(X, y, {"columns": ["age", "income", "lat"]}, CTX)


# --------------------------------------------------------------------------- in a pipeline


def test_row_filter_acts_on_the_train_split_only(churn: pd.DataFrame, chain) -> None:
    graph = chain(
        ("drop", "DropMissingColumns", {"columns": ["customer_id", "signup_date", "city"]}),
        ("split", "TrainTestSplitter", {"target_column": "churned"}),
        ("iqr", "IQR", {"columns": ["income", "monthly_spend"], "multiplier": 0.5}),
        ("impute", "SimpleImputer", {"strategy": "median"}),
        ("encode", "OneHotEncoder", {"columns": ["plan_type"]}),
        ("model", "decision_tree_classifier", {}),
    )
    result = train_pipeline(graph, churn)
    assert result.n_test == 60 and result.n_train < 240
    assert [r.node_id for r in result.fitted.records] == ["drop", "impute", "encode"]
    extreme = churn.head(3).assign(income=1e9)  # would be removed if the filter ran here
    assert len(result.fitted.predict(extreme).predictions) == 3
