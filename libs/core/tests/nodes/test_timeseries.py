"""Time-series nodes: lags and rolling windows equal pandas on sorted groups, rows keep their
order, inference without a target never drops rows; date parts equal pandas' accessors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from skyulf_core.nodes import NodeContext, get_node
from skyulf_errors import NodeError

CTX = NodeContext(node_id="ts", target="y")


@pytest.fixture
def series() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 40
    frame = pd.DataFrame(
        {
            "shop": rng.choice(["a", "b", "c"], n),
            "day": rng.permutation(n),
            "sales": rng.normal(100, 10, n),
        }
    )
    frame.loc[[3, 17], "sales"] = np.nan
    frame.loc[5, "shop"] = None
    return frame.set_index(pd.Index(rng.permutation(n) * 10))  # an index out of order


def _run(node_id: str, X: pd.DataFrame, params: dict, y: pd.Series | None = None):  # type: ignore[no-untyped-def]
    node = get_node(node_id)
    record = node.fit(X, y, params, CTX)
    return node.apply(X, y, record, CTX)


def test_lags_equal_pandas_shift_within_sorted_groups(series: pd.DataFrame) -> None:
    out, _ = _run(
        "LagFeatures",
        series,
        {"columns": ["sales"], "lags": [2, 1], "group_by": "shop", "sort_by": "day"},
    )
    ordered = series.sort_values("day", kind="mergesort")
    grouped = ordered.groupby("shop", dropna=False)["sales"]
    for lag in (1, 2):
        expected = grouped.shift(lag).reindex(series.index)
        pd.testing.assert_series_equal(out[f"sales_lag_{lag}"], expected, check_names=False)
    pd.testing.assert_index_equal(out.index, series.index)  # input order is kept
    assert list(out.columns) == ["shop", "day", "sales", "sales_lag_1", "sales_lag_2"]


def test_a_single_row_has_no_history(series: pd.DataFrame) -> None:
    node = get_node("LagFeatures")
    record = node.fit(series, None, {"columns": ["sales"], "sort_by": ["day"]}, CTX)
    one, _ = node.apply(series.iloc[[7]], None, record, CTX)
    assert np.isnan(one["sales_lag_1"].iloc[0])


def test_drop_na_drops_rows_and_target_only_when_training(series: pd.DataFrame) -> None:
    y = pd.Series(np.arange(len(series)), index=series.index, name="y")
    params = {
        "columns": ["sales"],
        "lags": [1],
        "group_by": "shop",
        "sort_by": "day",
        "drop_na": True,
    }
    node = get_node("LagFeatures")
    record = node.fit(series, y, params, CTX)
    trained, y_out = node.apply(series, y, record, CTX)
    assert y_out is not None
    assert trained["sales_lag_1"].notna().all()
    pd.testing.assert_index_equal(trained.index, y_out.index)
    # 4 groups (a, b, c, missing shop) lose their first row; the two NaN sales lose the next one.
    assert len(trained) < len(series) - 3
    predicted, _ = node.apply(series, None, record, CTX)
    assert len(predicted) == len(series)


def test_lags_must_be_positive() -> None:
    with pytest.raises(NodeError, match="lags"):
        get_node("LagFeatures").parse_params({"lags": [0]}, "ts")


@pytest.mark.parametrize(("window", "min_periods"), [(1, 1), (3, 1), (3, 2)])
def test_rolling_equals_pandas_rolling(series: pd.DataFrame, window: int, min_periods: int) -> None:
    aggs = ["mean", "sum", "min", "max", "std", "median"]
    params = {
        "columns": ["sales"],
        "window": window,
        "min_periods": min_periods,
        "aggregations": aggs,
        "group_by": ["shop"],
        "sort_by": "day",
    }
    out, _ = _run("RollingAggregate", series, params)
    ordered = series.sort_values("day", kind="mergesort")
    for agg in aggs:
        expected = ordered.groupby("shop", dropna=False)["sales"].transform(
            lambda s, a=agg: s.rolling(window, min_periods=min_periods).agg(a)
        )
        got = out[f"sales_rolling_{agg}_{window}"]
        np.testing.assert_allclose(got, expected.reindex(series.index), atol=1e-9, rtol=0)


def test_rolling_without_groups_or_sort_follows_frame_order() -> None:
    X = pd.DataFrame({"v": [1.0, 2.0, 3.0, 4.0]})
    out, _ = _run("RollingAggregate", X, {"window": 2})
    assert out["v_rolling_mean_2"].tolist() == [1.0, 1.5, 2.5, 3.5]


def test_min_periods_above_window_is_rejected() -> None:
    with pytest.raises(NodeError, match="min_periods"):
        get_node("RollingAggregate").parse_params({"window": 2, "min_periods": 3}, "ts")


FEATURES = [
    "year",
    "month",
    "day",
    "dayofweek",
    "dayofyear",
    "quarter",
    "weekofyear",
    "hour",
    "minute",
    "is_weekend",
    "is_month_start",
    "is_month_end",
]


def _pandas_parts(stamps: pd.Series) -> dict[str, pd.Series]:
    dt = stamps.dt
    return {
        "year": dt.year,
        "month": dt.month,
        "day": dt.day,
        "dayofweek": dt.day_of_week,
        "dayofyear": dt.day_of_year,
        "quarter": dt.quarter,
        "weekofyear": dt.isocalendar().week,
        "hour": dt.hour,
        "minute": dt.minute,
        "is_weekend": dt.day_of_week >= 5,
        "is_month_start": dt.is_month_start,
        "is_month_end": dt.is_month_end,
    }


def test_date_features_equal_pandas_on_datetimes() -> None:
    rng = np.random.default_rng(2)
    stamps = pd.Series(rng.integers(-(10**18), 2 * 10**18, 300).astype("datetime64[ns]"))
    stamps.iloc[4] = pd.NaT
    out, _ = _run("DateFeatures", pd.DataFrame({"when": stamps, "x": 1.0}), {"features": FEATURES})
    for name, expected in _pandas_parts(stamps).items():
        # pandas says False for a NaT's flags; the node says NaN for every part of a NaT.
        got = out[f"when_{name}"].drop(index=4)
        np.testing.assert_array_equal(got, expected.drop(index=4).astype("float64").to_numpy())
    assert out.iloc[4][[f"when_{f}" for f in FEATURES]].isna().all()


def test_date_features_parse_text_and_timezones() -> None:
    X = pd.DataFrame(
        {
            "text": ["2021-08-31", "2021-08-31 22:15", "31/08/2021", None],
            "tz": pd.to_datetime(["2021-01-01 00:30"] * 4).tz_localize("Europe/Paris"),
        }
    )
    out, _ = _run(
        "DateFeatures",
        X,
        {
            "columns": ["text", "tz"],
            "features": ["day", "hour", "is_month_end"],
            "drop_original": True,
        },
    )
    assert out["text_day"].tolist()[:2] == [31.0, 31.0]
    assert out["text_hour"].tolist()[:2] == [0.0, 22.0]
    assert out["text_is_month_end"].tolist()[:2] == [1.0, 1.0]
    assert out[["text_day", "text_hour"]].iloc[2:].isna().all().all()  # not ISO 8601, missing
    assert out["tz_day"].tolist() == [31.0] * 4 and out["tz_hour"].tolist() == [23.0] * 4  # UTC
    assert "text" not in out.columns and "tz" not in out.columns


def test_date_features_default_to_datetime_columns() -> None:
    X = pd.DataFrame({"when": pd.to_datetime(["2020-02-29"]), "text": ["2020-02-29"], "y": [1]})
    record = get_node("DateFeatures").fit(X, None, {}, CTX)
    assert record.columns == ["when"]
    assert record.created_columns() == ["when_year", "when_month", "when_day", "when_dayofweek"]
