"""Branching graphs: one trunk feeding several models, merges, and validation along every path."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
import pytest

from skyulf_core.bundle import FittedPipeline
from skyulf_core.graph import train_pipeline, validate_graph
from skyulf_core.graph.paths import needed_inputs
from skyulf_errors import InvalidArgument, NodeError

NUMERIC = ["age", "income", "tenure_months", "monthly_spend", "lat", "lon"]
TRUNK: list[tuple[str, str, dict[str, Any]]] = [
    ("drop", "DropMissingColumns", {"columns": ["customer_id", "signup_date"]}),
    ("split", "TrainTestSplitter", {"target_column": "churned", "stratify": True}),
    ("impute_num", "SimpleImputer", {"strategy": "median"}),
    ("impute_cat", "SimpleImputer", {"strategy": "most_frequent", "columns": ["city"]}),
    ("encode", "OneHotEncoder", {"columns": ["city", "plan_type"]}),
]
MODELS = {
    "lr": "logistic_regression",
    "rf": "random_forest_classifier",
    "tree": "decision_tree_classifier",
}
DTYPES = {
    "customer_id": "Int64",
    "age": "Float64",
    "income": "Float64",
    "tenure_months": "Int64",
    "city": "String",
    "signup_date": "String",
    "lat": "Float64",
    "lon": "Float64",
    "plan_type": "String",
    "monthly_spend": "Float64",
    "churned": "Int64",
}


def graph(
    nodes: list[tuple[str, str, dict[str, Any]]], edges: list[tuple[str, str]]
) -> dict[str, Any]:
    return {
        "nodes": [{"id": i, "type": t, "params": p} for i, t, p in nodes],
        "edges": [{"source": a, "target": b} for a, b in edges],
    }


def trunk_edges() -> list[tuple[str, str]]:
    ids = [n[0] for n in TRUNK]
    return list(itertools.pairwise(ids))


def three_models() -> dict[str, Any]:
    nodes = [*TRUNK, ("scale", "StandardScaler", {"columns": NUMERIC})]
    nodes += [(node_id, kind, {}) for node_id, kind in MODELS.items()]
    edges = [*trunk_edges(), ("encode", "scale"), ("scale", "lr"), ("encode", "rf")]
    edges.append(("encode", "tree"))
    return graph(nodes, edges)


def test_one_trunk_trains_three_models(churn: pd.DataFrame, chain) -> None:
    result = train_pipeline(three_models(), churn)
    assert [m.node_id for m in result.models] == ["lr", "rf", "tree"]
    assert [m.model_type for m in result.models] == list(MODELS.values())
    assert result.fitted is result.models[0].fitted and result.metrics == result.models[0].metrics
    for model in result.models:
        assert 0.5 < model.metrics["test_accuracy"] <= 1.0
        assert (model.n_train, model.n_test) == (240, 60)
    by_id = {m.node_id: m for m in result.models}
    # Each bundle holds only the records on its own path: the scaler feeds the lr alone.
    assert [r.node_id for r in by_id["lr"].fitted.records] == [
        "drop",
        "impute_num",
        "impute_cat",
        "encode",
        "scale",
    ]
    assert [r.node_id for r in by_id["rf"].fitted.records] == [
        "drop",
        "impute_num",
        "impute_cat",
        "encode",
    ]
    # The shared trunk is fitted once: every bundle holds the very same trunk records.
    for node in ("impute_num", "encode"):
        records = {
            id(next(r for r in m.fitted.records if r.node_id == node)) for m in result.models
        }
        assert len(records) == 1
    # Each model trained on its branch exactly as a single-chain pipeline would have.
    single = train_pipeline(
        chain(*TRUNK, ("scale", "StandardScaler", {"columns": NUMERIC}), ("lr", MODELS["lr"], {})),
        churn,
    )
    assert single.metrics == by_id["lr"].metrics
    bundle = FittedPipeline.from_files(by_id["rf"].fitted.to_files())
    assert bundle.predict(churn.head(5)).predictions == (
        by_id["rf"].fitted.predict(churn.head(5)).predictions
    )


def test_trunk_nodes_run_once(churn: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    from skyulf_core.nodes import get_node

    imputer = get_node("SimpleImputer")
    calls: list[str] = []
    original = type(imputer).fit

    def counting_fit(self, X, y, params, ctx):  # type: ignore[no-untyped-def]
        calls.append(ctx.node_id)
        return original(self, X, y, params, ctx)

    monkeypatch.setattr(type(imputer), "fit", counting_fit)
    train_pipeline(three_models(), churn)
    assert (calls.count("impute_num"), calls.count("impute_cat"), calls.count("scale")) == (1, 1, 1)


def merged_graph(on_clash: str = "keep_first") -> dict[str, Any]:
    # Branch "num" scales the numbers and drops the text; branch "cat" one-hot encodes the text.
    nodes = [
        *TRUNK[:4],
        ("scale", "StandardScaler", {"columns": NUMERIC}),
        ("num", "DropMissingColumns", {"columns": ["city", "plan_type"]}),
        ("cat", "OneHotEncoder", {"columns": ["city", "plan_type"]}),
        ("join", "merge", {"on_clash": on_clash}),
        ("model", "logistic_regression", {}),
    ]
    ids = [n[0] for n in TRUNK[:4]]
    edges = list(itertools.pairwise(ids))
    edges += [("impute_cat", "scale"), ("scale", "num"), ("impute_cat", "cat")]
    edges += [("num", "join"), ("cat", "join"), ("join", "model")]
    return graph(nodes, edges)


def test_merge_joins_two_branches_and_predicts(churn: pd.DataFrame) -> None:
    result = train_pipeline(merged_graph(), churn)
    fitted = result.fitted
    assert fitted.record_inputs is not None
    assert fitted.record_inputs["join"] == ["num", "cat"]
    assert fitted.record_inputs["cat"] == ["impute_cat"]
    assert any(c.startswith("city_") for c in fitted.feature_columns)
    # keep_first: the numbers come from the scaled branch, once.
    assert fitted.feature_columns.count("age") == 1
    assert 0.5 < result.metrics["test_accuracy"] <= 1.0
    reloaded = FittedPipeline.from_files(fitted.to_files())
    rows = churn.drop(columns=["churned"]).iloc[:20]
    expected = fitted.predict(rows)
    assert reloaded.predict(rows).predictions == expected.predictions
    assert fitted.predict_rows(rows.to_dict("records")).predictions == expected.predictions
    scaled = fitted.transform(rows)["age"].to_numpy()
    assert abs(np.nanmean(scaled)) < 1.5  # the scaled column, not the raw ages


def test_merge_clash_is_named_by_validation_and_suffix_resolves_it(churn: pd.DataFrame) -> None:
    report = validate_graph(merged_graph("error"), list(churn.columns))
    clash = next(i for i in report.errors if i.code == "column_clash")
    assert clash.node_id == "join" and clash.column == "age"
    assert "more than one input" in clash.message
    result = train_pipeline(merged_graph("suffix"), churn)
    assert {"age_1", "age_2"} <= set(result.fitted.feature_columns)
    assert "age" not in result.fitted.feature_columns


def test_merge_of_different_rows_names_the_merge(churn: pd.DataFrame) -> None:
    g = merged_graph("suffix")
    g["nodes"].append(
        {"id": "rows", "type": "Deduplicate", "params": {"subset": ["tenure_months"]}}
    )
    g["edges"] = [e for e in g["edges"] if e != {"source": "cat", "target": "join"}]
    g["edges"] += [{"source": "cat", "target": "rows"}, {"source": "rows", "target": "join"}]
    with pytest.raises(NodeError, match=r"node 'join' \(merge\).*different train rows"):
        train_pipeline(g, churn)


def test_non_numeric_column_reaching_a_model_is_named(churn: pd.DataFrame) -> None:
    nodes = [*TRUNK[:2], ("impute", "SimpleImputer", {"strategy": "median"})]
    nodes += [("encode", "OneHotEncoder", {"columns": ["city", "plan_type"]})]
    nodes += [("good", "random_forest_classifier", {}), ("bad", "logistic_regression", {})]
    edges = [("drop", "split"), ("split", "impute"), ("impute", "encode"), ("encode", "good")]
    edges.append(("impute", "bad"))
    g = graph(nodes, edges)
    report = validate_graph(g, list(churn.columns), dtypes=DTYPES)
    issues = [(i.code, i.node_id, i.column) for i in report.errors]
    assert issues == [
        ("non_numeric_feature", "bad", "city"),
        ("non_numeric_feature", "bad", "plan_type"),
    ]
    assert "reaches model 'bad'" in report.errors[0].message
    # Casting the text away is seen too; so is a column cast to text.
    casts = {"column_types": {"city": "category"}, "categories": {"city": ["Austin", "Houston"]}}
    g["nodes"].append({"id": "cast", "type": "Casting", "params": casts})
    g["edges"] = [e for e in g["edges"] if e["target"] != "bad"]
    g["edges"] += [{"source": "impute", "target": "cast"}, {"source": "cast", "target": "bad"}]
    report = validate_graph(g, list(churn.columns), dtypes=DTYPES)
    assert [(i.node_id, i.column) for i in report.errors] == [("bad", "city"), ("bad", "plan_type")]


def test_every_path_to_a_model_passes_the_split(chain) -> None:
    g = chain(*TRUNK, ("lr", "logistic_regression", {}))
    g["nodes"].append({"id": "early", "type": "random_forest_classifier", "params": {}})
    g["edges"].append({"source": "drop", "target": "early"})
    report = validate_graph(g, None)
    assert [(i.code, i.node_id) for i in report.errors] == [("unsplit_model", "early")]


def test_leakage_is_checked_on_every_path_into_the_split() -> None:
    nodes = [
        ("root", "DropMissingColumns", {"columns": ["customer_id"]}),
        ("a", "Casting", {"column_types": {"age": "float"}}),
        ("b", "SimpleImputer", {"columns": ["income"]}),
        ("join", "merge", {"on_clash": "keep_first"}),
        ("split", "TrainTestSplitter", {"target_column": "churned"}),
        ("model", "logistic_regression", {}),
    ]
    edges = [("root", "a"), ("root", "b"), ("a", "join"), ("b", "join")]
    edges += [("join", "split"), ("split", "model")]
    report = validate_graph(graph(nodes, edges), None)
    assert [(i.code, i.node_id) for i in report.errors] == [("leakage", "b")]


def test_learning_casts_are_guarded_unless_given() -> None:
    def cast_before_split(params: dict[str, Any]) -> list[str]:
        nodes = [
            ("cast", "Casting", params),
            ("split", "TrainTestSplitter", {"target_column": "churned"}),
            ("model", "logistic_regression", {}),
        ]
        report = validate_graph(graph(nodes, [("cast", "split"), ("split", "model")]), None)
        return [i.node_id or "" for i in report.errors if i.code == "leakage"]

    assert cast_before_split({"column_types": {"city": "category"}}) == ["cast"]
    assert cast_before_split({"column_types": {"signup_date": "datetime"}}) == ["cast"]
    given = {
        "column_types": {"city": "category", "signup_date": "datetime"},
        "categories": {"city": ["Austin"]},
        "datetime_formats": {"signup_date": "%Y-%m-%d"},
    }
    assert cast_before_split(given) == []
    assert cast_before_split({"column_types": {"age": "float"}}) == []


def test_needed_inputs_walk_back_through_a_merge(churn: pd.DataFrame) -> None:
    fitted = train_pipeline(merged_graph(), churn).fitted
    needed = needed_inputs(fitted.records, fitted.record_inputs, fitted.feature_columns)
    assert {"city", "plan_type", "age"} <= needed
    assert not needed & {"customer_id", "signup_date", "churned"}
    assert {c.name for c in fitted.signature.inputs} == needed & set(churn.columns)


def test_models_of_one_pipeline_share_the_task(churn: pd.DataFrame) -> None:
    g = three_models()
    g["nodes"][-1]["type"] = "linear_regression"
    with pytest.raises(InvalidArgument, match="classification model"):
        train_pipeline(g, churn)


def test_preview_shows_every_node_of_a_branching_graph(churn: pd.DataFrame) -> None:
    from skyulf_core.graph import preview_pipeline

    previews = preview_pipeline(merged_graph("suffix"), churn, rows=3)
    by_id = {p.node_id: p for p in previews}
    assert set(by_id) == {
        "drop",
        "split",
        "impute_num",
        "impute_cat",
        "scale",
        "num",
        "cat",
        "join",
    }
    assert "city" not in by_id["num"].columns and "city_Phoenix" in by_id["cat"].columns
    assert {"age_1", "age_2"} <= set(by_id["join"].columns)
