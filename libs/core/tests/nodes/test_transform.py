"""Transformation nodes: scikit-learn equivalence, domain rules and the array fast path."""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import PowerTransformer

from skyulf_core.nodes import ColumnSet, FittedRecord, NodeContext, get_node
from skyulf_errors import NodeError

CTX = NodeContext(node_id="t", target="churned")
POSITIVE = ["income", "monthly_spend", "tenure_months", "age"]  # age and income have NaN
ANY_SIGN = [*POSITIVE, "lat", "lon"]


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


def _arrays(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    return {str(c): frame[c].to_numpy() for c in frame.columns}


def _assert_array_path_matches(type_id: str, record: FittedRecord, frame: pd.DataFrame) -> None:
    node = get_node(type_id)
    assert node.array_applier is not None
    expected, _ = node.apply(frame, None, record, CTX)
    cols = _arrays(frame)
    before = {c: v.copy() for c, v in cols.items()}
    got = node.array_applier(cols, record)
    assert list(got) == list(expected.columns)
    for c in got:
        pd.testing.assert_series_equal(
            pd.Series(got[c], name=c), expected[c].reset_index(drop=True), check_dtype=False
        )
    for c, v in cols.items():  # the caller's arrays are not touched
        pd.testing.assert_series_equal(pd.Series(v), pd.Series(before[c]))


# --------------------------------------------------------------------------- scikit-learn


@pytest.mark.parametrize(
    ("method", "sk_method"), [("box_cox", "box-cox"), ("yeo_johnson", "yeo-johnson")]
)
def test_general_transformation_power_rules_match_sklearn(
    split: Any, method: str, sk_method: str
) -> None:
    train, test = split
    cols = POSITIVE if method == "box_cox" else ANY_SIGN
    rules = [{"column": c, "method": method} for c in cols]
    record, out = _fit_apply("GeneralTransformation", train, test, {"transformations": rules})
    sk = PowerTransformer(method=sk_method, standardize=False).fit(train[cols])
    np.testing.assert_allclose([r.lmbda for r in record.rules], sk.lambdas_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(
        out[cols].to_numpy(), sk.transform(test[cols]), rtol=0, atol=1e-9, equal_nan=True
    )
    assert (
        out[["age", "income"]].isna().sum().tolist()
        == test[["age", "income"]].isna().sum().tolist()
    )


@pytest.mark.parametrize("method", ["yeo-johnson", "box-cox"])
@pytest.mark.parametrize("standardize", [True, False])
def test_power_transformer_matches_sklearn(split: Any, method: str, standardize: bool) -> None:
    train, test = split
    cols = POSITIVE if method == "box-cox" else ANY_SIGN
    params = {"columns": cols, "method": method, "standardize": standardize}
    record, out = _fit_apply("PowerTransformer", train, test, params)
    sk = PowerTransformer(method=method, standardize=standardize).fit(train[cols])
    np.testing.assert_allclose(record.lambdas, sk.lambdas_, rtol=0, atol=1e-9)
    if standardize:
        np.testing.assert_allclose(record.means, sk._scaler.mean_, rtol=0, atol=1e-9)
        np.testing.assert_allclose(record.scales, sk._scaler.scale_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(
        out[cols].to_numpy(), sk.transform(test[cols]), rtol=0, atol=1e-9, equal_nan=True
    )
    assert out[cols].isna().sum().tolist() == test[cols].isna().sum().tolist()


def test_simple_transformation_yeo_johnson_matches_sklearn(split: Any) -> None:
    train, test = split
    params = {"columns": ["lat", "lon"], "func": "yeo_johnson"}
    _, out = _fit_apply("SimpleTransformation", train, test, params)
    sk = PowerTransformer(standardize=False).fit(train[["lat", "lon"]])
    np.testing.assert_allclose(
        out[["lat", "lon"]].to_numpy(),
        sk.transform(test[["lat", "lon"]]),
        atol=1e-9,
        equal_nan=True,
    )


def test_power_transformer_on_a_constant_column_is_identity_then_zero() -> None:
    frame = pd.DataFrame({"c": [3.0, 3.0, np.nan, 3.0], "x": [1.0, 2.0, 4.0, 8.0]})
    for method in ("yeo-johnson", "box-cox"):
        record, out = _fit_apply("PowerTransformer", frame, frame, {"method": method})
        assert record.lambdas[0] == 1.0  # scikit-learn raises for box-cox here
        np.testing.assert_array_equal(out["c"].to_numpy(), [0.0, 0.0, np.nan, 0.0])


# --------------------------------------------------------------------------- domain rules

X_DOMAIN = np.array([-8.0, -2.0, -1.0, -0.5, 0.0, 0.5, 4.0, 1000.0, np.nan, np.inf, -np.inf])
EXPECTED = {
    "log": [np.nan, np.nan, np.nan, np.log1p(-0.5), 0.0, np.log1p(0.5), np.log1p(4.0), np.log1p(1000.0), np.nan, np.inf, np.nan],
    "square_root": [np.nan, np.nan, np.nan, np.nan, 0.0, np.sqrt(0.5), 2.0, np.sqrt(1000.0), np.nan, np.inf, np.nan],
    "cube_root": [-2.0, np.cbrt(-2.0), -1.0, np.cbrt(-0.5), 0.0, np.cbrt(0.5), np.cbrt(4.0), 10.0, np.nan, np.inf, -np.inf],
    "reciprocal": [-0.125, -0.5, -1.0, -2.0, np.nan, 2.0, 0.25, 0.001, np.nan, 0.0, -0.0],
    "square": [64.0, 4.0, 1.0, 0.25, 0.0, 0.25, 16.0, 1e6, np.nan, np.inf, np.inf],
    "exponential": [np.exp(-8.0), np.exp(-2.0), np.exp(-1.0), np.exp(-0.5), 1.0, np.exp(0.5), np.exp(4.0), np.inf, np.nan, np.inf, 0.0],
}  # fmt: skip


@pytest.mark.parametrize("method", sorted(EXPECTED))
def test_stateless_methods_follow_the_documented_domain_rules(method: str) -> None:
    frame = pd.DataFrame({"x": X_DOMAIN, "other": np.arange(X_DOMAIN.size)})
    params = {"transformations": [{"column": "x", "method": method}]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # overflow, log of negatives, 1/0: no numpy warnings
        record, out = _fit_apply("GeneralTransformation", frame, frame, params)
        _assert_array_path_matches("GeneralTransformation", record, frame)
    np.testing.assert_allclose(out["x"].to_numpy(), EXPECTED[method], rtol=1e-15, equal_nan=True)
    assert out["other"].tolist() == list(range(X_DOMAIN.size))


@pytest.mark.parametrize(("alias", "method"), [("sqrt", "square_root"), ("exp", "exponential")])
def test_original_aliases_are_accepted_and_recorded_canonically(alias: str, method: str) -> None:
    frame = pd.DataFrame({"x": [0.0, 1.0, 4.0]})
    record, out = _fit_apply("SimpleTransformation", frame, frame, {"func": alias})
    assert record.rules[0].method == method
    expected = {"sqrt": [0.0, 1.0, 2.0], "exp": [1.0, np.e, np.exp(4.0)]}[alias]
    np.testing.assert_allclose(out["x"].to_numpy(), expected, rtol=1e-15)


def test_rules_on_one_column_run_in_order_when_fitting_and_applying() -> None:
    train = pd.DataFrame({"x": [-3.0, -1.0, 0.5, 2.0, 7.0]})
    rules = [{"column": "x", "method": "square"}, {"column": "x", "method": "box_cox"}]
    # box-cox fits on the squared values; the raw column has values <= 0 and would be refused.
    with pytest.raises(NodeError):
        get_node("GeneralTransformation").fit(train, None, {"transformations": rules[1:]}, CTX)
    record, out = _fit_apply("GeneralTransformation", train, train, {"transformations": rules})
    sk = PowerTransformer(method="box-cox", standardize=False).fit(train[["x"]] ** 2)
    np.testing.assert_allclose(record.rules[1].lmbda, sk.lambdas_[0], atol=1e-9)
    np.testing.assert_allclose(
        out["x"].to_numpy(), sk.transform(train[["x"]] ** 2)[:, 0], atol=1e-9
    )


@pytest.mark.parametrize("bad", [0.0, -2.5, -np.inf])
def test_box_cox_refuses_non_positive_training_values_naming_column_and_value(bad: float) -> None:
    train = pd.DataFrame({"ok": [1.0, 2.0, 3.0], "spend": [1.0, bad, 3.0]})
    for type_id, params in [
        ("GeneralTransformation", {"transformations": [{"column": "spend", "method": "box_cox"}]}),
        ("PowerTransformer", {"method": "box-cox"}),
        ("SimpleTransformation", {"func": "box_cox"}),
    ]:
        with pytest.raises(NodeError, match=rf"'t'.*box-cox.*'spend' has {bad!r}") as info:
            get_node(type_id).fit(train, None, params, CTX)
        assert info.value.details["column"] == "spend"
        assert info.value.details["value"] == bad


def test_box_cox_refuses_non_positive_values_at_transform_time_on_both_paths() -> None:
    train = pd.DataFrame({"spend": [1.0, 2.0, 5.0, 9.0]})
    node = get_node("PowerTransformer")
    record = node.fit(train, None, {"method": "box-cox"}, CTX)
    row = pd.DataFrame({"spend": [-1.0]})
    with pytest.raises(NodeError, match=r"'spend' has -1.0 at transform time"):
        node.apply(row, None, record, CTX)
    assert node.array_applier is not None
    with pytest.raises(NodeError, match=r"'spend' has -1.0 at transform time"):
        node.array_applier(_arrays(row), record)


def test_columns_that_cannot_be_transformed_are_errors_naming_them(split: Any) -> None:
    train, _ = split
    with pytest.raises(NodeError, match=r"'city'.*numeric") as info:
        get_node("SimpleTransformation").fit(train, None, {"columns": ["city"]}, CTX)
    assert info.value.details["column"] == "city"
    empty = pd.DataFrame({"x": [np.nan, np.inf, np.nan]})
    with pytest.raises(NodeError, match="'x' has no finite values"):
        get_node("PowerTransformer").fit(empty, None, {}, CTX)
    record = get_node("SimpleTransformation").fit(train, None, {"columns": ["age"]}, CTX)
    array_applier = get_node("SimpleTransformation").array_applier
    assert array_applier is not None
    with pytest.raises(NodeError, match="'age' has non-numeric values"):
        array_applier({"age": np.array(["old"], dtype=object)}, record)
    with pytest.raises(NodeError, match="'age' is not in the input"):
        array_applier({"income": np.array([1.0])}, record)


def test_unknown_method_is_rejected_naming_the_field() -> None:
    frame = pd.DataFrame({"x": [1.0]})
    with pytest.raises(NodeError, match=r"transformations\.0\.method"):
        get_node("GeneralTransformation").fit(
            frame, None, {"transformations": [{"column": "x", "method": "sine"}]}, CTX
        )


# --------------------------------------------------------------------------- array fast path


@pytest.mark.parametrize(
    ("type_id", "params"),
    [
        ("PowerTransformer", {"columns": ANY_SIGN}),
        ("PowerTransformer", {"columns": POSITIVE, "method": "box-cox", "standardize": False}),
        ("SimpleTransformation", {"columns": ANY_SIGN, "func": "cube_root"}),
        (
            "GeneralTransformation",
            {
                "transformations": [
                    {"column": "income", "method": "box_cox"},
                    {"column": "lat", "method": "yeo_johnson"},
                    {"column": "lat", "method": "reciprocal"},
                    {"column": "age", "method": "log"},
                ]
            },
        ),
    ],
)
def test_array_applier_equals_applier_on_batches_and_single_rows(
    split: Any, type_id: str, params: dict[str, Any]
) -> None:
    train, test = split
    record = get_node(type_id).fit(train, None, params, CTX)
    reloaded = get_node(type_id).load_record(json.loads(record.model_dump_json()))
    _assert_array_path_matches(type_id, reloaded, test)
    for i in (0, 3, 17):  # rows with and without missing values
        _assert_array_path_matches(type_id, reloaded, test.iloc[[i]])
    _assert_array_path_matches(type_id, reloaded, test.iloc[:0])


def test_power_transformer_keeps_columns_in_place(split: Any) -> None:
    train, test = split
    node = get_node("PowerTransformer")
    params = {"columns": ["age", "lat"]}
    _, out = _fit_apply("PowerTransformer", train, test, params)
    assert list(out.columns) == list(test.columns)
    flow = node.column_flow(ColumnSet(tuple(test.columns)), node.parse_params(params, "t"))
    assert flow.names == tuple(out.columns) and not flow.open
