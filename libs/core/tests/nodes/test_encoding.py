"""Encoders: scikit-learn/pandas equivalence, unknown and missing values, and their errors.

The TargetEncoder is checked against ``TargetEncoder.fit_transform`` (the cross-fitted train
output) and ``.transform`` (every other frame); the graph tests at the end check the runner uses
the cross-fitted output and the LabelEncoder's target mode end to end.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction import FeatureHasher
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import LabelEncoder, OrdinalEncoder, TargetEncoder

from skyulf_core.nodes import NodeContext, get_node
from skyulf_errors import NodeError

CTX = NodeContext(node_id="n", target="churned")
CATS = ["city", "plan_type"]


@pytest.fixture
def split(churn: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame, pd.Series]:
    X, y = churn.drop(columns=["churned"]), churn["churned"]
    return X.iloc[:220], y.iloc[:220], X.iloc[220:], y.iloc[220:]


def _with_unknown(X: pd.DataFrame) -> pd.DataFrame:
    return X.assign(city=["Atlantis", *X["city"].iloc[1:]])


# ----------------------------------------------------------------------------- DummyEncoder


@pytest.mark.parametrize("drop_first", [False, True])
def test_dummy_encoder_matches_get_dummies_with_fixed_categories(split, drop_first: bool) -> None:
    train, _, test, _ = split
    node = get_node("DummyEncoder")
    record = node.fit(train, None, {"columns": CATS, "drop_first": drop_first}, CTX)
    ours, _ = node.apply(train, None, record, CTX)
    expected = pd.get_dummies(train, columns=CATS, drop_first=drop_first, dtype=float)
    pd.testing.assert_frame_equal(ours, expected, check_column_type=False)
    # Other frames get exactly the train columns; unseen and missing values are all zeros.
    test = _with_unknown(test)
    ours_test, _ = node.apply(test, None, record, CTX)
    expected_test = pd.get_dummies(test, columns=CATS, drop_first=drop_first, dtype=float)
    expected_test = expected_test.reindex(columns=expected.columns, fill_value=0.0)
    pd.testing.assert_frame_equal(ours_test, expected_test, check_column_type=False)
    dummies = [c for c in ours_test.columns if c.startswith("city_")]
    assert ours_test[dummies].iloc[0].sum() == 0.0  # "Atlantis"
    assert ours_test.loc[test["city"].isna(), dummies].to_numpy().sum() == 0.0


def test_dummy_encoder_refuses_a_clashing_output_name(split) -> None:
    train, _, _, _ = split
    clash = train.assign(plan_type_basic=1.0)
    with pytest.raises(NodeError, match=r"'plan_type_basic'.*already exists"):
        get_node("DummyEncoder").fit(clash, None, {"columns": ["plan_type"]}, CTX)


# ----------------------------------------------------------------------------- LabelEncoder


def test_label_encoder_matches_sklearn_on_known_values(split) -> None:
    train, _, test, _ = split
    node = get_node("LabelEncoder")
    record = node.fit(train, None, {"columns": ["city", "plan_type", "tenure_months"]}, CTX)
    ours, _ = node.apply(test, None, record, CTX)
    for col in ["city", "plan_type", "tenure_months"]:
        sk = LabelEncoder().fit(train[col].dropna())
        known = test[col].notna() & test[col].isin(sk.classes_)
        expected = sk.transform(test.loc[known, col])
        np.testing.assert_array_equal(ours.loc[known, col].to_numpy(), expected)
        assert (ours.loc[~known, col] == -1).all()
        assert ours[col].dtype == np.int64


def test_label_encoder_missing_and_unknown_get_missing_code(split) -> None:
    train, _, test, _ = split
    node = get_node("LabelEncoder")
    record = node.fit(train, None, {"columns": ["city"], "missing_code": -7}, CTX)
    ours, _ = node.apply(_with_unknown(test), None, record, CTX)
    assert ours["city"].iloc[0] == -7
    assert (ours.loc[test["city"].isna(), "city"] == -7).all()
    with pytest.raises(NodeError, match="missing_code"):
        node.fit(train, None, {"columns": ["city"], "missing_code": 0}, CTX)


@pytest.mark.parametrize("columns", [None, [], ["churned"]])
def test_label_encoder_without_feature_columns_encodes_the_target(split, columns) -> None:
    train, y, test, _ = split
    node = get_node("LabelEncoder")
    labels = y.map({0: "stay", 1: "leave"})
    record = node.fit(train, labels, {"columns": columns}, CTX)
    assert record.encodes_target and record.target_classes == ["leave", "stay"]
    out, codes = node.apply(train, labels, record, CTX)
    pd.testing.assert_frame_equal(out, train)
    assert codes is not None
    np.testing.assert_array_equal(codes.to_numpy(), (labels == "stay").astype(int).to_numpy())
    np.testing.assert_array_equal(record.decode_target(codes.to_numpy()), labels.to_numpy())
    # At inference there is no target: the features pass untouched.
    assert node.apply(test, None, record, CTX) == (test, None)
    with pytest.raises(NodeError, match="encodes the target, but there is none"):
        node.fit(train, None, {"columns": columns}, CTX)


# --------------------------------------------------------------------------- OrdinalEncoder


@pytest.mark.parametrize("unknown_value", [-1, None])
def test_ordinal_encoder_matches_sklearn(split, unknown_value) -> None:
    train, _, test, _ = split
    order = ["enterprise", "premium", "basic"]
    node = get_node("OrdinalEncoder")
    params = {
        "columns": CATS,
        "categories_order": {"plan_type": order},
        "unknown_value": unknown_value,
    }
    record = node.fit(train, None, params, CTX)
    test = _with_unknown(test)
    ours, _ = node.apply(test, None, record, CTX)
    sk = OrdinalEncoder(
        categories=[[*sorted(train["city"].dropna().unique()), np.nan], order],
        handle_unknown="use_encoded_value",
        unknown_value=np.nan if unknown_value is None else unknown_value,
    ).fit(train[CATS].astype(object))
    expected = sk.transform(test[CATS].astype(object))
    np.testing.assert_allclose(ours[CATS].to_numpy(), expected, equal_nan=True)
    assert math.isnan(ours["city"].loc[test["city"].isna()].iloc[0])  # missing stays NaN


def test_ordinal_encoder_auto_order_matches_sklearn(split) -> None:
    train, _, test, _ = split
    node = get_node("OrdinalEncoder")
    record = node.fit(train, None, {"columns": ["plan_type", "tenure_months"]}, CTX)
    ours, _ = node.apply(test, None, record, CTX)
    cols = ["plan_type", "tenure_months"]
    sk = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
    sk.fit(train[cols].astype(object))
    np.testing.assert_array_equal(ours[cols].to_numpy(), sk.transform(test[cols].astype(object)))


def test_ordinal_encoder_errors_name_column_and_field(split) -> None:
    train, _, test, _ = split
    node = get_node("OrdinalEncoder")
    with pytest.raises(NodeError, match="'plan_type' has values missing from categories_order"):
        node.fit(train, None, {"categories_order": {"plan_type": ["basic"]}}, CTX)
    with pytest.raises(NodeError, match="unknown_value 1") as info:
        node.fit(train, None, {"columns": ["plan_type"], "unknown_value": 1}, CTX)
    assert info.value.details["field"] == "unknown_value"
    strict = node.fit(train, None, {"columns": ["city"], "handle_unknown": "error"}, CTX)
    with pytest.raises(NodeError, match="'city' has categories not seen") as info:
        node.apply(_with_unknown(test), None, strict, CTX)
    assert info.value.details["column"] == "city"


def test_ordinal_encoder_categories_order_selects_a_numeric_column(split) -> None:
    train, _, _, _ = split
    order = sorted(train["tenure_months"].unique().tolist(), reverse=True)
    node = get_node("OrdinalEncoder")
    record = node.fit(train, None, {"categories_order": {"tenure_months": order}}, CTX)
    assert set(record.columns) == {"city", "plan_type", "signup_date", "tenure_months"}
    ours, _ = node.apply(train, None, record, CTX)
    assert ours["tenure_months"].iloc[0] == order.index(train["tenure_months"].iloc[0])


# --------------------------------------------------------------------------- TargetEncoder


@pytest.mark.parametrize("smooth", ["auto", 0.0, 4.5])
def test_target_encoder_binary_matches_sklearn_fit_transform_and_transform(split, smooth) -> None:
    train, y, test, _ = split
    node = get_node("TargetEncoder")
    params = {"columns": CATS, "smooth": smooth, "random_state": 7}
    record, cross, _ = node.fit_apply(train, y, params, CTX)
    sk = TargetEncoder(smooth=smooth, cv=StratifiedKFold(5, shuffle=True, random_state=7))
    expected = sk.fit_transform(train[CATS].astype(object), y)
    np.testing.assert_allclose(cross[CATS].to_numpy(), expected, rtol=0, atol=1e-9)
    assert record.target_type == "binary"
    test = _with_unknown(test)
    ours, _ = node.apply(test, None, record, CTX)
    np.testing.assert_allclose(
        ours[CATS].to_numpy(), sk.transform(test[CATS].astype(object)), rtol=0, atol=1e-9
    )
    assert ours["city"].iloc[0] == pytest.approx(y.mean())  # unseen -> train target mean


def test_target_encoder_continuous_matches_sklearn(churn: pd.DataFrame) -> None:
    X, y = churn.drop(columns=["monthly_spend"]), churn["monthly_spend"]
    ctx = NodeContext(node_id="n", target="monthly_spend")
    node = get_node("TargetEncoder")
    record, cross, _ = node.fit_apply(X, y, {"columns": CATS, "random_state": 3}, ctx)
    sk = TargetEncoder(cv=KFold(5, shuffle=True, random_state=3))
    expected = sk.fit_transform(X[CATS].astype(object), y)
    assert record.target_type == "continuous"
    np.testing.assert_allclose(cross[CATS].to_numpy(), expected, rtol=0, atol=1e-9)
    plain, _ = node.apply(X, None, record, ctx)
    np.testing.assert_allclose(plain[CATS].to_numpy(), sk.transform(X[CATS].astype(object)))


def test_target_encoder_multiclass_gives_one_column_per_class(churn: pd.DataFrame) -> None:
    X, y = churn.drop(columns=["plan_type"]), churn["plan_type"]
    ctx = NodeContext(node_id="n", target="plan_type")
    node = get_node("TargetEncoder")
    record, cross, _ = node.fit_apply(X, y, {"columns": ["city"], "random_state": 1}, ctx)
    sk = TargetEncoder(cv=StratifiedKFold(5, shuffle=True, random_state=1))
    expected = sk.fit_transform(X[["city"]].astype(object), y)
    names = list(sk.get_feature_names_out())
    assert record.created_columns() == names
    assert "city" not in cross.columns and list(cross.columns[-3:]) == names
    np.testing.assert_allclose(cross[names].to_numpy(), expected, rtol=0, atol=1e-9)
    plain, _ = node.apply(X.head(9), None, record, ctx)
    np.testing.assert_allclose(plain[names].to_numpy(), sk.transform(X[["city"]].head(9)))


def test_target_encoder_target_errors(split) -> None:
    train, y, _, _ = split
    node = get_node("TargetEncoder")
    with pytest.raises(NodeError, match="needs a target"):
        node.fit(train, None, {"columns": CATS}, CTX)
    with pytest.raises(NodeError, match="multiclass needs three or more classes"):
        node.fit(train, y, {"columns": CATS, "target_type": "multiclass"}, CTX)
    with pytest.raises(NodeError, match="missing values"):
        node.fit(train, y.where(y.index > 3), {"columns": CATS}, CTX)
    with pytest.raises(NodeError, match="3 rows are too few for 5 folds"):
        node.fit_apply(train.head(3), y.head(3), {"columns": CATS}, CTX)


# ------------------------------------------------------------------------------ WOEEncoder


def test_woe_encoder_follows_the_documented_formula() -> None:
    X = pd.DataFrame({"c": ["a", "a", "a", "b", "b", None, "a", "b"]})
    y = pd.Series([1, 1, 0, 0, 0, 1, 1, 0], name="t")
    ctx = NodeContext(node_id="w", target="t")
    node = get_node("WOEEncoder")
    record = node.fit(X, y, {"regularization": 0.5}, ctx)
    G, B, r = 4, 4, 0.5  # good (1) and bad (0) rows in total

    def woe(g: int, b: int) -> float:
        return math.log(((g + r) / (G + 2 * r)) / ((b + r) / (B + 2 * r)))

    expected = {"a": woe(3, 1), "b": woe(0, 3), None: woe(1, 0)}
    out, _ = node.apply(pd.DataFrame({"c": ["a", "b", None, "zzz"]}), None, record, ctx)
    np.testing.assert_allclose(
        out["c"].to_numpy(), [expected["a"], expected["b"], expected[None], 0.0]
    )
    shares = [(3, 1), (0, 3), (1, 0)]
    iv = sum(((g + r) / (G + 2 * r) - (b + r) / (B + 2 * r)) * woe(g, b) for g, b in shares)
    assert record.encoded[0].information_value == pytest.approx(iv)
    assert record.positive_class == 1


def test_woe_encoder_refuses_a_target_that_is_not_binary(churn: pd.DataFrame) -> None:
    X, y = churn.drop(columns=["plan_type"]), churn["plan_type"]
    ctx = NodeContext(node_id="w", target="plan_type")
    with pytest.raises(NodeError, match="binary target, but 'plan_type' has 3 classes") as info:
        get_node("WOEEncoder").fit(X, y, {"columns": ["city"]}, ctx)
    assert info.value.details["node"] == "w"


# ----------------------------------------------------------------------------- HashEncoder


def test_hash_encoder_n_features_is_bounded(split) -> None:
    # Unbounded, n_features=10**12 made 10**12 column names: the pipeline service was OOM-killed.
    with pytest.raises(NodeError, match="less than or equal to 1048576") as info:
        get_node("HashEncoder").fit(
            split[0], split[1], {"columns": CATS, "n_features": 10**12}, CTX
        )
    assert info.value.details["field"] == "n_features"


@pytest.mark.parametrize(("n_features", "alternate_sign"), [(8, True), (3, False), (1, True)])
def test_hash_encoder_matches_feature_hasher(split, n_features: int, alternate_sign: bool) -> None:
    train, _, test, _ = split
    node = get_node("HashEncoder")
    params = {"columns": [*CATS, "tenure_months"], "n_features": n_features}
    params["alternate_sign"] = alternate_sign
    record = node.fit(train, None, params, CTX)
    assert not node.learns
    ours, _ = node.apply(test, None, record, CTX)
    hasher = FeatureHasher(n_features, input_type="string", alternate_sign=alternate_sign)
    for col in params["columns"]:
        tokens = [[] if pd.isna(v) else [f"{col}={v}"] for v in test[col]]
        expected = hasher.transform(tokens).toarray()
        names = [f"{col}_hash_{i}" for i in range(n_features)]
        np.testing.assert_array_equal(ours[names].to_numpy(), expected)
        assert col not in ours.columns


# ------------------------------------------------------------------ graph: runner, validation


def _graph(chain, *steps, target: str = "churned", **split):
    return chain(
        ("drop", "DropMissingColumns", {"columns": ["customer_id", "signup_date"]}),
        *steps[:1],
        ("split", "TrainTestSplitter", {"target_column": target, **split}),
        *steps[1:],
        ("model", "logistic_regression", {}),
    )


def test_runner_gives_the_train_split_cross_fitted_encodings(churn: pd.DataFrame, chain) -> None:
    from skyulf_core.graph import preview_pipeline

    encode = ("te", "TargetEncoder", {"columns": CATS, "random_state": 5})
    graph = _graph(chain, ("first", "MissingIndicator", {"columns": ["age"]}), encode)
    preview = next(p for p in preview_pipeline(graph, churn, rows=500) if p.node_id == "te")
    from sklearn.model_selection import train_test_split

    train, _ = train_test_split(churn, test_size=0.2, random_state=42)
    sk = TargetEncoder(cv=StratifiedKFold(5, shuffle=True, random_state=5))
    expected = sk.fit_transform(train[CATS].astype(object), train["churned"])
    shown = pd.DataFrame(preview.rows)[CATS].to_numpy(dtype="float64")
    np.testing.assert_allclose(shown, expected, rtol=0, atol=1e-9)


def test_label_encoder_on_the_target_alone_may_precede_the_split(chain) -> None:
    from skyulf_core.graph.validation import validate_graph

    columns = ["customer_id", "signup_date", "age", "city", "churned"]
    for params in ({}, {"columns": ["churned"]}):
        graph = _graph(chain, ("label", "LabelEncoder", params))
        report = validate_graph(graph, columns)
        assert report.valid, report.errors
    for node_type, params in (("LabelEncoder", {"columns": ["city"]}), ("OrdinalEncoder", {})):
        report = validate_graph(_graph(chain, ("enc", node_type, params)), columns)
        assert [(e.code, e.node_id) for e in report.errors] == [("leakage", "enc")]
    mixed = _graph(
        chain,
        ("x", "MissingIndicator", {}),
        ("label", "LabelEncoder", {"columns": ["churned", "city"]}),
    )
    codes = {e.code for e in validate_graph(mixed, columns).errors}
    assert codes == {"target_as_feature"}


def test_target_label_encoder_is_decoded_at_prediction(churn: pd.DataFrame, chain) -> None:
    from skyulf_core.bundle import FittedPipeline
    from skyulf_core.graph import train_pipeline

    # "gold" only occurs in the last rows, which the unshuffled split puts in the test split, so
    # the LabelEncoder (fit on train) codes the classes differently from the executor.
    labels = np.where(churn["churned"] == 1, "leave", "stay").astype(object)
    labels[-15:] = "gold"
    df = churn.assign(churned=labels)
    graph = _graph(
        chain,
        ("x", "MissingIndicator", {"columns": ["age"]}),
        ("label", "LabelEncoder", {}),
        ("impute", "SimpleImputer", {"strategy": "median"}),
        ("encode", "OneHotEncoder", {"columns": CATS}),
        ("scale", "StandardScaler", {"columns": ["age", "income", "tenure_months", "lat", "lon"]}),
        shuffle=False,
    )
    result = train_pipeline(graph, df)
    record = next(r for r in result.fitted.records if r.node_id == "label")
    assert result.fitted.classes == ["gold", "leave", "stay"]
    assert record.target_classes == [1, 2]  # the executor's codes of "leave" and "stay"
    assert 0.0 <= result.metrics["test_accuracy"] < 1.0  # "gold" rows are never right
    assert result.metrics["train_accuracy"] > 0.5
    prediction = result.fitted.predict(df.head(30))
    assert set(prediction.predictions) <= {"leave", "stay"}
    expected = ["stay" if v == 0 else "leave" for v in churn["churned"].head(30)]
    assert np.mean(np.asarray(prediction.predictions) == np.asarray(expected)) > 0.6
    assert prediction.probabilities is not None
    assert set(prediction.probabilities[0]) == {"leave", "stay"}
    reloaded = FittedPipeline.from_files(result.fitted.to_files())
    assert reloaded.predict(df.head(30)) == prediction


def test_target_label_encoder_refuses_a_regression_model(churn: pd.DataFrame, chain) -> None:
    from skyulf_core.graph import train_pipeline

    graph = chain(
        ("keep", "DropMissingColumns", {"columns": ["customer_id", "signup_date", *CATS]}),
        ("split", "TrainTestSplitter", {"target_column": "monthly_spend"}),
        ("label", "LabelEncoder", {}),
        ("impute", "SimpleImputer", {"strategy": "median"}),
        ("model", "linear_regression", {}),
    )
    with pytest.raises(NodeError, match="'label' \\(LabelEncoder\\) encodes the target") as info:
        train_pipeline(graph, churn)
    assert info.value.details["node"] == "label"
