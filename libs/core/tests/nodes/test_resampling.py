"""Resampling nodes: exactly imbalanced-learn's fit_resample, clear errors, train split only."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from imblearn.combine import SMOTETomek
from imblearn.over_sampling import (
    ADASYN,
    SMOTE,
    SVMSMOTE,
    BorderlineSMOTE,
    KMeansSMOTE,
    RandomOverSampler,
)
from imblearn.under_sampling import (
    EditedNearestNeighbours,
    NearMiss,
    RandomUnderSampler,
    TomekLinks,
)
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

from skyulf_core.graph import train_pipeline
from skyulf_core.nodes import NodeContext, get_node
from skyulf_errors import NodeError

CTX = NodeContext(node_id="rs", target="label")


def _frame(n_classes: int, weights: list[float]) -> tuple[pd.DataFrame, pd.Series]:
    X, y = make_classification(
        n_samples=160,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        n_classes=n_classes,
        n_clusters_per_class=1,
        weights=weights,
        random_state=0,
    )
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"]).assign(n=np.arange(160) % 7)
    return frame, pd.Series(y, name="label")


@pytest.fixture
def binary() -> tuple[pd.DataFrame, pd.Series]:
    return _frame(2, [0.8, 0.2])


@pytest.fixture
def three_classes() -> tuple[pd.DataFrame, pd.Series]:
    return _frame(3, [0.6, 0.3, 0.1])


def _run(type_id: str, X: pd.DataFrame, y: pd.Series | None, params: dict[str, Any]) -> Any:
    node = get_node(type_id)
    record = node.fit(X, y, params, CTX)
    return node.apply(X, y, record, CTX)


def _assert_same_as(sampler: Any, X: pd.DataFrame, y: pd.Series, got: Any) -> None:
    X_exp, y_exp = sampler.fit_resample(X, y)
    pd.testing.assert_frame_equal(got[0], X_exp, check_exact=True)
    pd.testing.assert_series_equal(got[1], y_exp, check_exact=True)


OVER: list[tuple[dict[str, Any], Callable[[], Any]]] = [
    ({"method": "random_over"}, lambda: RandomOverSampler(random_state=42)),
    ({"method": "smote"}, lambda: SMOTE(random_state=42)),
    (
        {"method": "smote", "k_neighbors": 2, "random_state": 7},
        lambda: SMOTE(k_neighbors=2, random_state=7),
    ),
    (
        {"method": "smote", "sampling_strategy": 0.5},
        lambda: SMOTE(sampling_strategy=0.5, random_state=42),
    ),
    ({"method": "adasyn"}, lambda: ADASYN(random_state=42)),
    ({"method": "borderline_smote"}, lambda: BorderlineSMOTE(random_state=42)),
    (
        {"method": "borderline_smote", "kind": "borderline-2", "m_neighbors": 8},
        lambda: BorderlineSMOTE(kind="borderline-2", m_neighbors=8, random_state=42),
    ),
    ({"method": "svm_smote"}, lambda: SVMSMOTE(random_state=42)),
    ({"method": "kmeans_smote"}, lambda: KMeansSMOTE(k_neighbors=5, random_state=42)),
    ({"method": "smote_tomek"}, lambda: SMOTETomek(random_state=42)),
]

UNDER: list[tuple[dict[str, Any], Callable[[], Any]]] = [
    ({"method": "random_under_sampling"}, lambda: RandomUnderSampler(random_state=42)),
    (
        {"method": "random_under_sampling", "replacement": True, "sampling_strategy": 0.5},
        lambda: RandomUnderSampler(replacement=True, sampling_strategy=0.5, random_state=42),
    ),
    ({"method": "nearmiss", "version": 1}, lambda: NearMiss(version=1)),
    ({"method": "nearmiss", "version": 2}, lambda: NearMiss(version=2)),
    (
        {"method": "nearmiss", "version": 3, "k_neighbors": 4},
        lambda: NearMiss(version=3, n_neighbors=4),
    ),
    ({"method": "tomek_links"}, lambda: TomekLinks()),
    (
        {"method": "tomek_links", "sampling_strategy": "all"},
        lambda: TomekLinks(sampling_strategy="all"),
    ),
    ({"method": "edited_nearest_neighbours"}, lambda: EditedNearestNeighbours()),
    (
        {"method": "edited_nearest_neighbours", "kind_sel": "mode", "k_neighbors": 5},
        lambda: EditedNearestNeighbours(kind_sel="mode", n_neighbors=5),
    ),
]


@pytest.mark.parametrize(
    ("params", "sampler"), OVER, ids=lambda v: str(v) if isinstance(v, dict) else ""
)
def test_oversampling_equals_imblearn(binary, params, sampler) -> None:
    X, y = binary
    got = _run("Oversampling", X, y, params)
    _assert_same_as(sampler(), X, y, got)
    assert len(got[0]) > len(X)


@pytest.mark.parametrize(
    ("params", "sampler"), UNDER, ids=lambda v: str(v) if isinstance(v, dict) else ""
)
def test_undersampling_equals_imblearn(binary, params, sampler) -> None:
    X, y = binary
    got = _run("Undersampling", X, y, params)
    _assert_same_as(sampler(), X, y, got)
    assert len(got[0]) < len(X)


@pytest.mark.parametrize(
    ("type_id", "params", "sampler"),
    [
        (
            "Oversampling",
            {"method": "smote", "sampling_strategy": "minority"},
            lambda: SMOTE(sampling_strategy="minority", random_state=42),
        ),
        (
            "Oversampling",
            {"method": "adasyn", "sampling_strategy": "not majority"},
            lambda: ADASYN(sampling_strategy="not majority", random_state=42),
        ),
        (
            "Undersampling",
            {"method": "nearmiss", "sampling_strategy": "majority"},
            lambda: NearMiss(sampling_strategy="majority"),
        ),
        (
            "Undersampling",
            {"method": "random_under_sampling", "sampling_strategy": "not minority"},
            lambda: RandomUnderSampler(sampling_strategy="not minority", random_state=42),
        ),
    ],
)
def test_named_strategies_on_three_classes_equal_imblearn(
    three_classes, type_id, params, sampler
) -> None:
    X, y = three_classes
    _assert_same_as(sampler(), X, y, _run(type_id, X, y, params))


def test_target_inside_the_frame_is_resampled_in_place(binary) -> None:
    X, y = binary
    framed = X.iloc[:, :2].assign(label=y).join(X.iloc[:, 2:])
    out, out_y = _run("Oversampling", framed, None, {"target_column": "label"})
    assert out_y is None
    assert list(out.columns) == list(framed.columns)
    X_exp, y_exp = SMOTE(random_state=42).fit_resample(X, y)
    np.testing.assert_array_equal(out["label"].to_numpy(), y_exp.to_numpy())
    pd.testing.assert_frame_equal(out.drop(columns=["label"]), X_exp)


def test_random_methods_carry_text_and_missing_values(churn: pd.DataFrame) -> None:
    X, y = churn.drop(columns=["churned"]), churn["churned"]
    ctx = NodeContext(node_id="rs", target="churned")
    for type_id, method, sampler in [
        ("Oversampling", "random_over", RandomOverSampler(random_state=42)),
        ("Undersampling", "random_under_sampling", RandomUnderSampler(random_state=42)),
    ]:
        node = get_node(type_id)
        got = node.apply(X, y, node.fit(X, y, {"method": method}, ctx), ctx)
        _assert_same_as(sampler, X, y, got)
        assert got[0]["city"].isna().any()


def test_record_holds_parameters_only_and_reapplies_identically(binary) -> None:
    X, y = binary
    node = get_node("Oversampling")
    record = node.fit(X, y, {"method": "svm_smote"}, CTX)
    data = json.loads(record.model_dump_json())
    assert set(data) == {"node_type", "node_id", "version", "columns", "target_column", "params"}
    assert data["columns"] == list(X.columns) and data["target_column"] == "label"
    first = node.apply(X, y, record, CTX)
    again = node.apply(X, y, node.load_record(data), CTX)
    pd.testing.assert_frame_equal(first[0], again[0])
    assert node.train_only and node.learns


# --------------------------------------------------------------------------- errors


def test_text_features_are_named(churn: pd.DataFrame) -> None:
    X, y = churn.drop(columns=["churned"]), churn["churned"]
    with pytest.raises(NodeError, match=r"node 'rs'.*'city', 'signup_date', 'plan_type'") as info:
        get_node("Oversampling").fit(X, y, {"method": "smote"}, CTX)
    assert info.value.details["columns"] == ["city", "signup_date", "plan_type"]
    assert info.value.details["column"] == "city"


def test_missing_and_infinite_features_are_named(binary) -> None:
    X, y = binary
    X = X.copy()
    X.loc[3, "b"] = np.nan
    X.loc[5, "d"] = np.inf
    with pytest.raises(NodeError, match=r"'b', 'd' hold missing or infinite") as info:
        get_node("Undersampling").fit(X, y, {"method": "nearmiss"}, CTX)
    assert info.value.details["columns"] == ["b", "d"]


def test_missing_target_is_an_error_naming_the_field(binary) -> None:
    X, y = binary
    for ctx in (NodeContext(node_id="rs"), CTX):
        with pytest.raises(NodeError, match="needs the target") as info:
            get_node("Oversampling").fit(X, None, {}, ctx)
        assert info.value.details["field"] == "target_column"
    with pytest.raises(NodeError, match="2 missing values"):
        get_node("Oversampling").fit(X, y.astype("float64").where(y.index > 1), {}, CTX)


def test_kmeans_smote_on_small_data_is_a_clear_error(binary) -> None:
    X, y = binary
    X, y = X.iloc[:20], y.iloc[:20]
    node = get_node("Oversampling")
    record = node.fit(X, y, {"method": "kmeans_smote"}, CTX)
    with pytest.raises(NodeError, match=r"node 'rs'.*kmeans_smote.*k-means found no cluster"):
        node.apply(X, y, record, CTX)


def test_too_few_minority_rows_points_at_k_neighbors(binary) -> None:
    X, y = binary
    keep = (y == 0) | (y.cumsum() <= 3)  # three minority rows
    node = get_node("Oversampling")
    record = node.fit(X[keep], y[keep], {"method": "smote"}, CTX)
    with pytest.raises(NodeError, match="too few rows for k_neighbors") as info:
        node.apply(X[keep], y[keep], record, CTX)
    assert info.value.details["field"] == "k_neighbors"


def test_continuous_target_points_at_the_target(binary) -> None:
    X, y = binary
    continuous = pd.Series(np.linspace(0, 1, len(y)), name="label")
    node = get_node("Undersampling")
    record = node.fit(X, continuous, {}, CTX)
    with pytest.raises(NodeError, match="class labels") as info:
        node.apply(X, continuous, record, CTX)
    assert info.value.details["field"] == "target_column"


def test_strategies_that_do_not_fit_the_method_are_rejected(binary) -> None:
    X, y = binary
    with pytest.raises(NodeError, match="sampling_strategy"):
        get_node("Undersampling").fit(X, y, {"sampling_strategy": "minority"}, CTX)
    with pytest.raises(NodeError, match="tomek_links decides"):
        get_node("Undersampling").fit(
            X, y, {"method": "tomek_links", "sampling_strategy": 0.5}, CTX
        )
    with pytest.raises(NodeError, match="sampling_strategy"):
        get_node("Oversampling").fit(X, y, {"sampling_strategy": 1.5}, CTX)


# --------------------------------------------------------------------------- in a pipeline


def test_oversampling_acts_on_the_train_split_only(churn: pd.DataFrame, chain) -> None:
    graph = chain(
        (
            "drop",
            "DropMissingColumns",
            {"columns": ["customer_id", "signup_date", "city", "plan_type"]},
        ),
        ("split", "TrainTestSplitter", {"target_column": "churned", "stratify": True}),
        ("impute", "SimpleImputer", {"strategy": "median"}),
        ("smote", "Oversampling", {"method": "smote", "target_column": "churned"}),
        ("model", "decision_tree_classifier", {}),
    )
    result = train_pipeline(graph, churn)
    train, _ = train_test_split(churn, test_size=0.2, random_state=42, stratify=churn["churned"])
    majority = int(train["churned"].value_counts().max())
    assert (result.n_train, result.n_test) == (2 * majority, 60)
    assert [r.node_id for r in result.fitted.records] == ["drop", "impute"]
    assert len(result.fitted.predict(churn.head(5)).predictions) == 5
