"""Binning nodes: KBinsDiscretizer equivalence, custom edges, labels, output columns, fast path."""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import KBinsDiscretizer

from skyulf_core.nodes import ColumnSet, FittedRecord, NodeContext, get_node
from skyulf_errors import NodeError

CTX = NodeContext(node_id="b", target="churned")
NUMERIC = ["age", "income", "tenure_months", "lat", "monthly_spend"]  # age/income/lat have NaN


@pytest.fixture
def split(churn: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    X = churn.drop(columns=["churned"])
    return X.iloc[:200], X.iloc[200:]


def _fit_apply(
    type_id: str, train: pd.DataFrame, test: pd.DataFrame, params: dict[str, Any]
) -> tuple[Any, pd.DataFrame]:
    """The fitted record (typed loosely: tests read node-specific fields) and the output."""
    node = get_node(type_id)
    record = node.fit(train, None, params, CTX)
    out, _ = node.apply(test, None, record, CTX)
    return record, out


def _sklearn_codes(
    train: pd.Series, test: pd.Series, strategy: str, n_bins: int, **kw: Any
) -> np.ndarray:
    """scikit-learn's ordinal codes for one column (fitted on its non-missing values)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant feature / narrow bins removed
        sk = KBinsDiscretizer(n_bins=n_bins, encode="ordinal", strategy=strategy, **kw)
        sk.fit(train.dropna().to_frame())
    codes = np.full(len(test), np.nan)
    seen = test.notna().to_numpy()
    codes[seen] = sk.transform(test[seen].to_frame())[:, 0]
    return codes


def _assert_array_path_matches(type_id: str, record: FittedRecord, frame: pd.DataFrame) -> None:
    node = get_node(type_id)
    assert node.array_applier is not None
    expected, _ = node.apply(frame, None, record, CTX)
    got = node.array_applier({str(c): frame[c].to_numpy() for c in frame.columns}, record)
    assert list(got) == list(expected.columns)
    for c in got:
        pd.testing.assert_series_equal(
            pd.Series(got[c], name=c), expected[c].reset_index(drop=True), check_dtype=False
        )


# --------------------------------------------------------------------------- scikit-learn


@pytest.mark.parametrize("strategy", ["quantile", "uniform", "kmeans"])
@pytest.mark.parametrize("n_bins", [2, 5, 12])
def test_kbins_discretizer_matches_sklearn(split: Any, strategy: str, n_bins: int) -> None:
    train, test = split
    params = {"columns": NUMERIC, "strategy": strategy, "n_bins": n_bins}
    _, out = _fit_apply("KBinsDiscretizer", train, test, params)
    for col in NUMERIC:
        expected = _sklearn_codes(train[col], test[col], strategy, n_bins)
        np.testing.assert_array_equal(out[col].to_numpy(), expected, err_msg=col)
    assert list(out.columns) == list(test.columns)  # binned in place, like scikit-learn


def test_kbins_quantile_method_is_passed_to_percentile(split: Any) -> None:
    train, test = split
    params = {"columns": ["income"], "n_bins": 7, "quantile_method": "linear"}
    _, out = _fit_apply("KBinsDiscretizer", train, test, params)
    expected = _sklearn_codes(
        train["income"], test["income"], "quantile", 7, quantile_method="linear"
    )
    np.testing.assert_array_equal(out["income"].to_numpy(), expected)


@pytest.mark.parametrize(
    ("strategy", "sk_strategy"),
    [("equal_width", "uniform"), ("equal_frequency", "quantile"), ("kmeans", "kmeans")],
)
def test_general_binning_learned_strategies_match_sklearn(
    split: Any, strategy: str, sk_strategy: str
) -> None:
    train, test = split
    params = {"columns": NUMERIC, "strategy": strategy, "n_bins": 4}
    _, out = _fit_apply("GeneralBinning", train, test, params)
    for col in NUMERIC:
        expected = _sklearn_codes(train[col], test[col], sk_strategy, 4)
        np.testing.assert_array_equal(out[f"{col}_binned"].to_numpy(), expected, err_msg=col)
        pd.testing.assert_series_equal(out[col], test[col])  # originals kept by default


def test_general_binning_kbins_strategy(split: Any) -> None:
    train, test = split
    params = {"columns": ["lat"], "strategy": "kbins", "kbins_strategy": "uniform", "n_bins": 3}
    _, out = _fit_apply("GeneralBinning", train, test, params)
    expected = _sklearn_codes(train["lat"], test["lat"], "uniform", 3)
    np.testing.assert_array_equal(out["lat_binned"].to_numpy(), expected)


def test_out_of_range_values_go_to_edge_bins_and_nan_stays_nan() -> None:
    train = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0, 4.0, np.inf]})  # inf is ignored when fitting
    test = pd.DataFrame({"x": [-100.0, 0.0, 0.99, 1.0, 4.0, 100.0, np.nan, np.inf, -np.inf]})
    record, out = _fit_apply("KBinsDiscretizer", train, test, {"strategy": "uniform", "n_bins": 4})
    assert record.binned[0].edges == [0.0, 1.0, 2.0, 3.0, 4.0]
    np.testing.assert_array_equal(
        out["x"].to_numpy(), [0.0, 0.0, 0.0, 1.0, 3.0, 3.0, np.nan, 3.0, 0.0]
    )
    expected = _sklearn_codes(train["x"].iloc[:5], test["x"].iloc[:6], "uniform", 4)
    np.testing.assert_array_equal(out["x"].to_numpy()[:6], expected)


def test_constant_column_is_one_bin_like_sklearn() -> None:
    train = pd.DataFrame({"c": [7.0, 7.0, np.nan, 7.0], "x": [1.0, 2.0, 3.0, 4.0]})
    test = pd.DataFrame({"c": [-1.0, 7.0, 50.0, np.nan], "x": [1.0, 2.0, 3.0, 4.0]})
    for strategy in ("quantile", "uniform", "kmeans"):
        record, out = _fit_apply("KBinsDiscretizer", train, test, {"strategy": strategy})
        np.testing.assert_array_equal(out["c"].to_numpy(), [0.0, 0.0, 0.0, np.nan])
        expected = _sklearn_codes(train["c"], test["c"], strategy, 5)
        np.testing.assert_array_equal(out["c"].to_numpy(), expected)
        # Finite edges, so the record survives JSON (scikit-learn stores ±inf here).
        reloaded = get_node("KBinsDiscretizer").load_record(json.loads(record.model_dump_json()))
        assert reloaded == record
    record, out = _fit_apply("GeneralBinning", train, test, {"label_format": "range"})
    assert out["c_binned"].tolist()[:3] == ["(-inf, inf)"] * 3


# --------------------------------------------------------------------------- custom edges


def test_custom_binning_edges_labels_and_out_of_range_values() -> None:
    frame = pd.DataFrame({"x": [-1.0, 0.0, 5.0, 10.0, 19.9, 20.0, 20.1, np.nan]})
    params = {"columns": ["x"], "bins": [20, 0, 10]}  # unsorted edges are sorted
    record, out = _fit_apply("CustomBinning", frame, frame, params)
    assert record.binned[0].edges == [0.0, 10.0, 20.0]
    np.testing.assert_array_equal(
        out["x_binned"].to_numpy(), [np.nan, 0.0, 0.0, 1.0, 1.0, 1.0, np.nan, np.nan]
    )
    _, ranged = _fit_apply("CustomBinning", frame, frame, {**params, "label_format": "range"})
    assert ranged["x_binned"].tolist()[1:6] == ["[0, 10)", "[0, 10)"] + ["[10, 20]"] * 3
    labels = {**params, "labels": ["low", "high"], "drop_original": True}
    _, named = _fit_apply("CustomBinning", frame, frame, labels)
    assert list(named.columns) == ["x_binned"]
    assert named["x_binned"].tolist()[1:6] == ["low", "low", "high", "high", "high"]
    assert named["x_binned"].isna().tolist() == [
        True,
        False,
        False,
        False,
        False,
        False,
        True,
        True,
    ]


def test_general_binning_custom_bins_override_the_strategy_per_column(split: Any) -> None:
    train, test = split
    params = {
        "columns": ["age", "income"],
        "strategy": "equal_frequency",
        "custom_bins": {"age": [18, 30, 50, 70]},
        "custom_labels": {"age": ["young", "middle", "senior"]},
        "label_format": "range",
    }
    record, out = _fit_apply("GeneralBinning", train, test, params)
    by_column = {b.column: b for b in record.binned}
    assert by_column["age"].clip is False and by_column["income"].clip is True
    assert set(out["age_binned"].dropna()) <= {"young", "middle", "senior"}
    assert out["age_binned"].isna().tolist() == test["age"].isna().tolist()
    assert by_column["income"].labels is not None
    assert by_column["income"].labels[0].startswith("(-inf, ")
    assert by_column["income"].labels[-1].endswith(", inf)")
    assert set(out["income_binned"].dropna()) <= set(by_column["income"].labels)


def test_custom_strategy_bins_the_custom_bins_columns_only(split: Any) -> None:
    train, test = split
    params = {"strategy": "custom", "custom_bins": {"tenure_months": [0, 12, 24, 72]}}
    record, out = _fit_apply("GeneralBinning", train, test, params)
    assert record.columns == ["tenure_months"]
    assert record.created_columns() == ["tenure_months_binned"]
    expected = pd.cut(test["tenure_months"], [0, 12, 24, 72], right=False, labels=False)
    expected[test["tenure_months"] == 72] = 2  # the last bin includes its right edge
    np.testing.assert_array_equal(out["tenure_months_binned"].to_numpy(), expected.to_numpy())


@pytest.mark.parametrize(
    ("type_id", "params", "field", "message"),
    [
        ("CustomBinning", {"columns": ["age"], "bins": [1]}, "bins", "at least two"),
        ("CustomBinning", {"columns": ["age"], "bins": [1, 5, 5]}, "bins", "repeated"),
        ("CustomBinning", {"columns": ["age"], "bins": [0, 9], "labels": ["a", "b"]}, "labels", "2 labels"),
        ("GeneralBinning", {"strategy": "custom", "columns": ["age"]}, "custom_bins", "needs custom_bins"),
        ("GeneralBinning", {"columns": ["age"], "custom_bins": {"income": [0, 1]}}, "custom_bins", "does not bin"),
        ("GeneralBinning", {"columns": ["age"], "custom_labels": {"age": ["a"]}}, "custom_labels", "1 labels"),
        ("GeneralBinning", {"columns": ["age"], "output_suffix": "", "custom_bins": {"age": [0, float("inf")]}}, "custom_bins", "non-finite"),
        ("GeneralBinning", {"columns": ["age"], "output_suffix": "_spend"}, "output_suffix", "already exists"),
        # Unbounded, 10**12 bins allocated terabytes of edges (a 500 from preview).
        ("GeneralBinning", {"columns": ["age"], "n_bins": 10**12}, "n_bins", "less than or equal to 10000"),
        ("KBinsDiscretizer", {"columns": ["age"], "n_bins": 10**12}, "n_bins", "less than or equal to 10000"),
    ],
)  # fmt: skip
def test_bad_binning_parameters_are_errors_naming_the_field(
    type_id: str, params: dict[str, Any], field: str, message: str
) -> None:
    frame = pd.DataFrame({"age": [20.0, 40.0, 60.0], "income": [1.0, 2.0, 3.0], "age_spend": 1})
    with pytest.raises(NodeError, match=message) as info:
        get_node(type_id).fit(frame, None, params, CTX)
    assert info.value.details["field"] == field
    assert info.value.details["node"] == "b"


def test_column_without_finite_values_is_an_error_naming_it() -> None:
    frame = pd.DataFrame({"x": [np.nan, np.inf], "y": [1.0, 2.0]})
    with pytest.raises(NodeError, match="'x' has no finite values") as info:
        get_node("KBinsDiscretizer").fit(frame, None, {}, CTX)
    assert info.value.details["column"] == "x"


# --------------------------------------------------------------------------- output columns


@pytest.mark.parametrize(
    "params",
    [
        {"columns": ["age", "lat"]},
        {"columns": ["age", "lat"], "drop_original": True, "output_suffix": "_bin"},
        {"columns": ["age"], "output_suffix": ""},  # in place
        {"strategy": "custom", "custom_bins": {"age": [0, 40, 99]}, "drop_original": True},
    ],
)
def test_general_binning_output_columns_match_column_flow(
    split: Any, params: dict[str, Any]
) -> None:
    train, test = split
    node = get_node("GeneralBinning")
    _, out = _fit_apply("GeneralBinning", train, test, params)
    flow = node.column_flow(ColumnSet(tuple(test.columns)), node.parse_params(params, "b"))
    assert not flow.open
    assert list(flow.names) == list(out.columns)


# --------------------------------------------------------------------------- array fast path


@pytest.mark.parametrize(
    ("type_id", "params"),
    [
        ("KBinsDiscretizer", {"columns": NUMERIC, "strategy": "kmeans"}),
        ("GeneralBinning", {"columns": NUMERIC, "label_format": "range", "drop_original": True}),
        (
            "GeneralBinning",
            {
                "columns": ["age", "income"],
                "strategy": "equal_frequency",
                "custom_bins": {"age": [25, 45, 60]},
                "custom_labels": {"age": ["a", "b"]},
            },
        ),
        (
            "CustomBinning",
            {"columns": ["age", "lat"], "bins": [0, 35, 40, 45], "output_suffix": ""},
        ),
    ],
)
def test_array_applier_equals_applier_on_batches_and_single_rows(
    split: Any, type_id: str, params: dict[str, Any]
) -> None:
    train, test = split
    node = get_node(type_id)
    record = node.load_record(json.loads(node.fit(train, None, params, CTX).model_dump_json()))
    _assert_array_path_matches(type_id, record, test)
    for i in (0, 3, 17):  # rows with and without missing values
        _assert_array_path_matches(type_id, record, test.iloc[[i]])
    extremes = test.iloc[:3].assign(age=[-1e9, np.inf, 1e9], lat=[np.nan, -np.inf, 40.0])
    _assert_array_path_matches(type_id, record, extremes)
