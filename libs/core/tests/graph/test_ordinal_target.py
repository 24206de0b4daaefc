"""The OrdinalEncoder's target mode: an explicit order for the target's labels.

A 3-level target ("low" / "medium" / "high", from the churn sample's monthly spend) is encoded in
the user's order before the split; a classifier's predictions and probabilities come back as the
labels (in that order), through the bundle files and the array fast path alike; a regression
model learns the ordinal codes and predicts numbers on that scale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from skyulf_core.bundle import FittedPipeline
from skyulf_core.graph import train_pipeline
from skyulf_core.graph.validation import validate_graph
from skyulf_core.nodes import NodeContext, get_node
from skyulf_errors import NodeError

ORDER = ["low", "medium", "high"]
CATS = ["city", "plan_type"]
NUMS = ["age", "income", "tenure_months", "lat", "lon", "monthly_spend"]


@pytest.fixture
def risk(churn: pd.DataFrame) -> pd.DataFrame:
    """churn_300 with a string target 'risk' (spend tertiles) in place of 'churned'."""
    levels = pd.qcut(churn["monthly_spend"], 3, labels=ORDER).astype(object)
    return churn.drop(columns=["churned"]).assign(risk=levels)


def _graph(chain, encoder: dict, model: str = "logistic_regression", before: bool = True):
    enc = ("ord", "OrdinalEncoder", encoder)
    steps = [
        ("split", "TrainTestSplitter", {"target_column": "risk"}),
        ("impute", "SimpleImputer", {"strategy": "median"}),
        ("impute_cat", "SimpleImputer", {"strategy": "most_frequent", "columns": CATS}),
        ("onehot", "OneHotEncoder", {"columns": CATS}),
        ("scale", "StandardScaler", {"columns": NUMS}),
    ]
    steps.insert(0 if before else 1, enc)
    return chain(
        ("drop", "DropMissingColumns", {"columns": ["customer_id", "signup_date"]}),
        *steps,
        (model, model, {}),
    )


TARGET_MODES = [
    {"columns": ["risk"], "categories_order": {"risk": ORDER}},
    {"categories_order": {"risk": ORDER}},
    {"columns": [], "categories_order": {"risk": ORDER}},
]


@pytest.mark.parametrize("params", TARGET_MODES)
def test_validation_allows_the_target_ordinal_encoder_before_the_split(chain, params) -> None:
    columns = ["customer_id", "signup_date", *CATS, *NUMS, "risk"]
    report = validate_graph(_graph(chain, params), columns)
    assert report.valid, report.errors


@pytest.mark.parametrize(
    "params",
    [
        {"columns": ["city"]},
        {"categories_order": {"plan_type": ["basic", "standard", "premium"]}},
        {"columns": ["city"], "categories_order": {"risk": ORDER}},
    ],
)
def test_validation_refuses_a_feature_ordinal_encoder_before_the_split(chain, params) -> None:
    columns = ["customer_id", "signup_date", *CATS, *NUMS, "risk"]
    report = validate_graph(_graph(chain, params), columns)
    assert ("leakage", "ord") in [(e.code, e.node_id) for e in report.errors]
    leak = next(e for e in report.errors if e.code == "leakage")
    assert "'ord' (OrdinalEncoder)" in leak.message


def test_validation_refuses_the_target_mixed_with_features(chain) -> None:
    columns = ["customer_id", "signup_date", *CATS, *NUMS, "risk"]
    graph = _graph(chain, {"columns": ["risk", "city"]}, before=False)
    codes = {(e.code, e.column) for e in validate_graph(graph, columns).errors}
    assert codes == {("target_as_feature", "risk")}


def _rows(df: pd.DataFrame) -> list[dict]:
    return [
        {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
        for row in df.drop(columns=["risk"]).to_dict("records")
    ]


@pytest.mark.parametrize("params", TARGET_MODES[:2])
def test_classifier_predicts_the_labels_in_the_users_order(chain, risk, params) -> None:
    result = train_pipeline(_graph(chain, params), risk)
    fitted = result.fitted
    record = next(r for r in fitted.records if r.node_id == "ord")
    assert record.encodes_target and record.columns == [] and record.categories == {}
    assert record.target_categories == ORDER
    # The executor's sorted codes of low, medium, high (classes: high, low, medium).
    assert fitted.classes == ["high", "low", "medium"]
    assert record.target_classes == [1, 2, 0]
    # The model learned codes in the user's order.
    np.testing.assert_array_equal(fitted.model.classes_, [0.0, 1.0, 2.0])
    assert result.metrics["test_accuracy"] > 0.6

    head = risk.head(40)
    prediction = fitted.predict(head)
    assert set(prediction.predictions) <= set(ORDER)
    assert np.mean(np.asarray(prediction.predictions) == head["risk"].to_numpy()) > 0.6
    assert prediction.probabilities is not None
    assert all(list(p) == ORDER for p in prediction.probabilities)
    codes = fitted.model.predict(fitted.chain.matrix(head))
    assert prediction.predictions == [ORDER[int(c)] for c in codes]

    # Same answer through the bundle files, from rows (array fast path) and on the pandas path.
    reloaded = FittedPipeline.from_files(fitted.to_files())
    assert reloaded.predict(head) == prediction
    assert fitted.chain.has_array_path
    assert fitted.predict_rows(_rows(head)) == prediction
    assert reloaded.predict_rows(_rows(head)) == prediction
    reloaded.chain.fast_path_max_rows = 0
    assert reloaded.predict(head) == prediction
    assert reloaded.predict_rows(_rows(head)) == prediction


def test_target_without_an_order_is_sorted_and_may_follow_the_split(chain, risk) -> None:
    result = train_pipeline(_graph(chain, {"columns": ["risk"]}, before=False), risk)
    record = next(r for r in result.fitted.records if r.node_id == "ord")
    assert record.target_categories == ["high", "low", "medium"]
    prediction = result.fitted.predict(risk.head(10))
    assert set(prediction.predictions) <= set(ORDER)
    assert prediction.probabilities is not None
    assert list(prediction.probabilities[0]) == ["high", "low", "medium"]


def test_regression_learns_the_ordinal_codes(chain, risk) -> None:
    params = {"categories_order": {"risk": ORDER}}
    result = train_pipeline(_graph(chain, params, model="linear_regression"), risk)
    assert result.task == "regression" and "test_r2" in result.metrics
    assert result.metrics["test_r2"] > 0.5
    head = risk.head(40)
    prediction = result.fitted.predict(head)
    # Numbers on the code scale (low 0, medium 1, high 2), not decoded.
    values = np.asarray(prediction.predictions)
    assert values.dtype == np.float64 and prediction.probabilities is None
    truth = head["risk"].map({v: i for i, v in enumerate(ORDER)}).to_numpy()
    assert np.mean(np.abs(values - truth)) < 0.6
    reloaded = FittedPipeline.from_files(result.fitted.to_files())
    assert reloaded.predict(head) == prediction
    assert reloaded.predict_rows(_rows(head)) == prediction


def test_unknown_target_label_in_training_rows_is_an_error(chain, risk) -> None:
    graph = _graph(chain, {"columns": ["risk"], "categories_order": {"risk": ["low", "medium"]}})
    with pytest.raises(NodeError, match=r"target 'risk' has values missing .*\['high'\]") as info:
        train_pipeline(graph, risk)
    assert info.value.details["node"] == "ord"


def test_label_encoder_on_the_target_still_refuses_regression(chain, risk) -> None:
    graph = chain(
        ("drop", "DropMissingColumns", {"columns": ["customer_id", "signup_date", *CATS]}),
        ("label", "LabelEncoder", {}),
        ("split", "TrainTestSplitter", {"target_column": "risk"}),
        ("impute", "SimpleImputer", {"strategy": "median"}),
        ("model", "linear_regression", {}),
    )
    with pytest.raises(NodeError, match="'label' \\(LabelEncoder\\) encodes the target as class"):
        train_pipeline(graph, risk)


def test_node_target_mode_on_labels_and_on_executor_codes(risk) -> None:
    node = get_node("OrdinalEncoder")
    X, y = risk.drop(columns=["risk"]), risk["risk"]
    params = {"columns": ["risk"], "categories_order": {"risk": ORDER}, "unknown_value": None}
    # Raw labels (preview, regression): the incoming values are the labels.
    ctx = NodeContext(node_id="o", target="risk")
    record = node.fit(X, y, params, ctx)
    assert record.target_classes == ORDER
    out_X, out_y = node.apply(X, y, record, ctx)
    assert out_X is X or out_X.equals(X)
    expected = y.map({v: float(i) for i, v in enumerate(ORDER)})
    pd.testing.assert_series_equal(out_y, expected.astype("float64"))
    np.testing.assert_array_equal(record.decode_target(np.array([2.0, 0.0])), ["high", "low"])
    assert node.apply(X, None, record, ctx) == (X, None)
    # Label-coded by the executor: codes of ["high", "low", "medium"].
    classes = ("high", "low", "medium")
    codes = y.map({v: i for i, v in enumerate(classes)}).astype("int64")
    coded_ctx = NodeContext(node_id="o", target="risk", target_classes=classes)
    record = node.fit(X, codes, params, coded_ctx)
    assert record.target_classes == [1, 2, 0]
    _, coded_y = node.apply(X, codes, record, coded_ctx)
    pd.testing.assert_series_equal(coded_y, out_y)
    np.testing.assert_array_equal(record.decode_target(np.array([0.0, 2.0, -1.0])), [1, 0, -1])
    # An unseen label outside the training rows: unknown_value (here NaN), or an error.
    other = y.where(y != "high", "extreme")
    _, unseen = node.apply(
        X, other, record.model_copy(update={"handle_unknown": "use_encoded_value"}), ctx
    )
    assert unseen[other == "extreme"].isna().all()
    strict = record.model_copy(update={"handle_unknown": "error"})
    with pytest.raises(NodeError, match="column 'risk' has categories not seen"):
        node.apply(X, other, strict, ctx)
    with pytest.raises(NodeError, match="encodes the target, but there is none"):
        node.fit(X, None, params, ctx)
