"""Feature nodes: polynomial terms equal scikit-learn's, FeatureGeneration's operations."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import PolynomialFeatures

from skyulf_core.nodes import ColumnSet, NodeContext, get_node
from skyulf_core.nodes._fuzzy_match import ratio, token_set_ratio, token_sort_ratio
from skyulf_errors import NodeError

CTX = NodeContext(node_id="f", target="y")


@pytest.fixture
def numbers() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    return pd.DataFrame(rng.normal(size=(30, 3)) * [1.0, 10.0, 0.1], columns=["a", "b", "c"])


@pytest.mark.parametrize("degree", [1, 2, 3])
@pytest.mark.parametrize("interaction_only", [False, True])
@pytest.mark.parametrize("include_bias", [False, True])
def test_polynomial_features_match_sklearn(
    numbers: pd.DataFrame, degree: int, interaction_only: bool, include_bias: bool
) -> None:
    node = get_node("PolynomialFeatures")
    params = {"degree": degree, "interaction_only": interaction_only, "include_bias": include_bias}
    record = node.fit(numbers, None, params, CTX)
    out, _ = node.apply(numbers, None, record, CTX)
    sk = PolynomialFeatures(**params).fit(numbers)
    expected = pd.DataFrame(sk.transform(numbers), columns=sk.get_feature_names_out())
    # The degree-one terms are the inputs themselves; the node adds the others, same order.
    new = [n for n, p in zip(expected.columns, sk.powers_, strict=True) if p.sum() != 1]
    names = ["poly_" + n.replace(" ", "*") for n in new]
    assert list(out.columns) == ["a", "b", "c", *names]
    np.testing.assert_allclose(out[names].to_numpy(), expected[new].to_numpy(), atol=1e-9, rtol=0)
    pd.testing.assert_frame_equal(out[["a", "b", "c"]], numbers)


def test_polynomial_names_read_like_sklearn(numbers: pd.DataFrame) -> None:
    node = get_node("PolynomialFeatures")
    record = node.fit(numbers, None, {"columns": ["a", "b"], "include_bias": True}, CTX)
    assert record.created_columns() == ["poly_1", "poly_a^2", "poly_a*b", "poly_b^2"]
    flow = node.column_flow(
        ColumnSet(("a", "b", "c")), node.parse_params({"columns": ["a", "b"]}, "f")
    )
    assert flow.names == ("a", "b", "c", "poly_a^2", "poly_a*b", "poly_b^2")


def test_feature_interaction_matches_sklearn_interaction_only(numbers: pd.DataFrame) -> None:
    node = get_node("FeatureInteraction")
    record = node.fit(numbers, None, {"degree": 3}, CTX)
    out, _ = node.apply(numbers, None, record, CTX)
    sk = PolynomialFeatures(degree=3, interaction_only=True, include_bias=False).fit(numbers)
    expected = sk.transform(numbers)[:, 3:]
    assert record.created_columns() == [
        "interaction_a*b",
        "interaction_a*c",
        "interaction_b*c",
        "interaction_a*b*c",
    ]
    np.testing.assert_allclose(out[record.created_columns()].to_numpy(), expected, atol=1e-9)


def test_feature_interaction_degree_is_limited() -> None:
    with pytest.raises(NodeError, match="degree"):
        get_node("FeatureInteraction").parse_params({"degree": 5}, "f")


def test_too_many_polynomial_columns_is_refused() -> None:
    wide = pd.DataFrame(np.ones((2, 40)), columns=[f"x{i}" for i in range(40)])
    with pytest.raises(NodeError, match="more than 2000") as info:
        get_node("PolynomialFeatures").fit(wide, None, {"degree": 3}, CTX)
    assert info.value.details["field"] == "degree"


def test_polynomial_propagates_nan_and_inf() -> None:
    X = pd.DataFrame({"a": [np.nan, np.inf, 2.0], "b": [1.0, 0.0, -np.inf]})
    out, _ = get_node("PolynomialFeatures").apply(
        X, None, get_node("PolynomialFeatures").fit(X, None, {}, CTX), CTX
    )
    assert np.isnan(out["poly_a*b"].iloc[0]) and np.isnan(out["poly_a*b"].iloc[1])
    assert out["poly_a*b"].iloc[2] == -np.inf
    assert out["poly_a^2"].iloc[1] == np.inf


# --------------------------------------------------------------------------- FeatureGeneration


def _generate(
    X: pd.DataFrame, *ops: dict[str, Any], fit_on: pd.DataFrame | None = None
) -> pd.DataFrame:
    node = get_node("FeatureGeneration")
    record = node.fit(X if fit_on is None else fit_on, None, {"operations": list(ops)}, CTX)
    out, _ = node.apply(X, None, record, CTX)
    return out


def test_arithmetic_operations_and_sign_safe_division() -> None:
    X = pd.DataFrame({"a": [6.0, -3.0, 1.0, np.nan], "b": [2.0, 0.0, -0.0, 4.0]})
    out = _generate(
        X,
        {"method": "add", "input_columns": ["a", "b"], "constants": [1.0], "output_column": "s"},
        {
            "method": "subtract",
            "input_columns": ["a"],
            "secondary_columns": ["b"],
            "output_column": "d",
        },
        {
            "method": "multiply",
            "input_columns": ["a", "b"],
            "constants": [2.0],
            "output_column": "m",
        },
        {
            "method": "divide",
            "input_columns": ["a"],
            "secondary_columns": ["b"],
            "output_column": "q",
        },
        {"method": "divide", "input_columns": ["a"], "constants": [0.0], "output_column": "z"},
        {"method": "add", "input_columns": ["a", "b"], "fillna": 0, "output_column": "f"},
    )
    np.testing.assert_array_equal(out["s"], [9.0, -2.0, 2.0, np.nan])
    np.testing.assert_array_equal(out["d"], [4.0, -3.0, 1.0, np.nan])
    np.testing.assert_array_equal(out["m"], [24.0, -0.0, -0.0, np.nan])
    np.testing.assert_array_equal(out["q"], [3.0, np.nan, np.nan, np.nan])  # x/0 and x/-0: NaN
    assert out["z"].isna().all()
    np.testing.assert_array_equal(out["f"], [8.0, -3.0, 1.0, 4.0])


def test_ratio_sums_numerators_and_denominators() -> None:
    X = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, -2.0], "c": [2.0, 1.0], "d": [2.0, -1.0]})
    out = _generate(
        X, {"operation_type": "ratio", "input_columns": ["a", "b"], "secondary_columns": ["c", "d"]}
    )
    np.testing.assert_array_equal(out["ratio_0"], [1.0, np.nan])


def _lcs(a: str, b: str) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, z in enumerate(b):
            table[i + 1][j + 1] = (
                table[i][j] + 1 if x == z else max(table[i][j + 1], table[i + 1][j])
            )
    return table[-1][-1]


def test_similarity_scores_follow_rapidfuzz() -> None:
    # Values from rapidfuzz's documentation.
    assert ratio("this is a test", "this is a test!") == pytest.approx(96.55172413793103)
    assert token_sort_ratio("fuzzy wuzzy was a bear", "wuzzy fuzzy was a bear") == 100.0
    assert token_sort_ratio("fuzzy was a bear", "fuzzy fuzzy was a bear") == pytest.approx(
        84.21052631578947
    )
    assert token_set_ratio("fuzzy was a bear", "fuzzy fuzzy was a bear") == 100.0
    assert ratio("", "") == 100.0 and token_set_ratio("", "x") == 0.0
    rng = np.random.default_rng(0)
    for _ in range(200):
        a = "".join(rng.choice(list("abcde "), rng.integers(0, 80)))
        b = "".join(rng.choice(list("abcde "), rng.integers(0, 80)))
        if a or b:
            assert ratio(a, b) == pytest.approx(200 * _lcs(a, b) / (len(a) + len(b)))


def test_token_set_ratio_takes_the_best_of_three() -> None:
    a, b = "new york mets vs atlanta", "atlanta braves vs new york"
    common, rest_a, rest_b = "atlanta new vs york", "mets", "braves"
    expected = max(
        ratio(common, f"{common} {rest_a}"),
        ratio(common, f"{common} {rest_b}"),
        ratio(f"{common} {rest_a}", f"{common} {rest_b}"),
    )
    assert token_set_ratio(a, b) == pytest.approx(expected)


def test_similarity_operation_and_missing_text() -> None:
    X = pd.DataFrame(
        {"x": ["fuzzy was a bear", None, "abc"], "z": ["fuzzy fuzzy was a bear", "a", ""]}
    )
    out = _generate(
        X,
        {
            "operation_type": "similarity",
            "method": "token_set_ratio",
            "input_columns": ["x"],
            "secondary_columns": ["z"],
        },
        {"operation_type": "similarity", "input_columns": ["x", "z"], "output_column": "plain"},
    )
    assert out["similarity_0"].iloc[0] == 100.0
    assert np.isnan(out["similarity_0"].iloc[1])
    assert out["plain"].iloc[2] == 0.0


def test_datetime_extract_matches_pandas() -> None:
    stamps = pd.Series(["2021-08-14 06:30:05", "2020-12-31T23:59:59", "2024-02-29", "soon", None])
    features = [
        "year",
        "quarter",
        "month",
        "month_name",
        "week",
        "day",
        "day_name",
        "weekday",
        "is_weekend",
        "hour",
        "minute",
        "second",
        "season",
        "time_of_day",
    ]
    out = _generate(
        pd.DataFrame({"d": stamps}),
        {
            "operation_type": "datetime_extract",
            "input_columns": ["d"],
            "datetime_features": features,
        },
    )
    parsed = pd.to_datetime(stamps.iloc[:3], format="ISO8601")
    expected = {
        "year": parsed.dt.year,
        "quarter": parsed.dt.quarter,
        "month": parsed.dt.month,
        "week": parsed.dt.isocalendar().week,
        "day": parsed.dt.day,
        "weekday": parsed.dt.day_of_week,
        "hour": parsed.dt.hour,
        "minute": parsed.dt.minute,
        "second": parsed.dt.second,
    }
    for name, values in expected.items():
        np.testing.assert_array_equal(out[f"d_{name}"].iloc[:3], values.to_numpy(float))
    assert out["d_month_name"].iloc[:3].tolist() == parsed.dt.month_name().tolist()
    assert out["d_day_name"].iloc[:3].tolist() == parsed.dt.day_name().tolist()
    assert out["d_is_weekend"].iloc[:3].tolist() == [1.0, 0.0, 0.0]
    assert out["d_season"].iloc[:3].tolist() == ["Summer", "Winter", "Winter"]
    assert out["d_time_of_day"].iloc[:3].tolist() == ["Morning", "Night", "Night"]
    assert out.iloc[3:][[f"d_{f}" for f in features]].isna().all().all()


def test_group_agg_learns_on_train_and_falls_back_for_unseen_groups() -> None:
    train = pd.DataFrame(
        {"g": ["a", "a", "b", "b", "b", None], "v": [1.0, 3.0, 2.0, np.nan, 8.0, 100.0]}
    )
    test = pd.DataFrame({"g": ["b", "zzz", None, "a"], "v": [0.0, 0.0, 0.0, 0.0]})
    for method in ["mean", "sum", "count", "min", "max", "std", "median"]:
        op = {
            "operation_type": "group_agg",
            "method": method,
            "input_columns": ["g"],
            "secondary_columns": ["v"],
        }
        on_train = _generate(train, op)
        expected = train.groupby("g")["v"].transform(method)
        np.testing.assert_allclose(on_train["group_agg_0"].iloc[:5], expected.iloc[:5], atol=1e-12)
        on_test = _generate(test, op, fit_on=train)
        fallback = 0.0 if method in ("count", "sum") else train["v"].agg(method)
        assert on_test["group_agg_0"].iloc[0] == pytest.approx(expected.iloc[2])
        assert on_test["group_agg_0"].iloc[1] == pytest.approx(fallback)
        assert on_test["group_agg_0"].iloc[2] == pytest.approx(fallback)


def test_group_agg_keys_survive_the_json_round_trip() -> None:
    train = pd.DataFrame({"g": [1, 1, 2], "h": [True, False, True], "v": [1.0, 2.0, 5.0]})
    node = get_node("FeatureGeneration")
    op = {"operation_type": "group_agg", "input_columns": ["g", "h"], "secondary_columns": ["v"]}
    record = node.fit(train, None, {"operations": [op]}, CTX)
    reloaded = node.load_record(record.model_dump(mode="json"))
    out, _ = node.apply(
        pd.DataFrame({"g": [1.0, 2, 3], "h": [True, True, True], "v": 0.0}), None, reloaded, CTX
    )
    assert out["group_agg_0"].tolist() == [1.0, 5.0, pytest.approx(8 / 3)]


def test_operations_chain_on_earlier_outputs() -> None:
    X = pd.DataFrame({"a": [2.0, 4.0], "b": [1.0, 2.0]})
    out = _generate(
        X,
        {"method": "add", "input_columns": ["a", "b"], "output_column": "s"},
        {
            "method": "divide",
            "input_columns": ["s"],
            "secondary_columns": ["b"],
            "output_column": "q",
        },
    )
    assert out["q"].tolist() == [3.0, 3.0]
    flow = get_node("FeatureGeneration").column_flow(
        ColumnSet(("a", "b")),
        get_node("FeatureGeneration").parse_params({"operations": [{"input_columns": ["a"]}]}, "f"),
    )
    assert flow.names == ("a", "b", "arithmetic_0")


def test_generation_errors_name_column_and_field() -> None:
    X = pd.DataFrame({"a": [1.0], "b": [2.0], "y": [0]})
    node = get_node("FeatureGeneration")
    with pytest.raises(NodeError, match="'nope' is not in the input") as info:
        node.fit(X, None, {"operations": [{"input_columns": ["a", "nope"]}]}, CTX)
    assert info.value.details["field"] == "operations.0.input_columns"
    with pytest.raises(NodeError, match="'y' is the target"):
        node.fit(X, None, {"operations": [{"input_columns": ["y"]}]}, CTX)
    with pytest.raises(NodeError, match="'b' already exists"):
        node.fit(X, None, {"operations": [{"input_columns": ["a"], "output_column": "b"}]}, CTX)
    with pytest.raises(NodeError, match="method 'mean' is not one of"):
        node.parse_params({"operations": [{"input_columns": ["a"], "method": "mean"}]}, "f")
    with pytest.raises(NodeError, match="group_agg needs secondary_columns"):
        node.parse_params(
            {"operations": [{"operation_type": "group_agg", "input_columns": ["a"]}]}, "f"
        )
    assert node.learns  # group_agg learns; the leakage guard reads the flag statically
