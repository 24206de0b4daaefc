"""Every size/count/iteration parameter is bounded, and running out of memory names the node.

A user sets every parameter through the API, so an unbounded count (10**12 hash features, bins,
trees...) used to tie up a worker for hours or get a service OOM-killed. The generic test below
walks the JSON Schema of every registered node and model: an integer parameter without a maximum
must be listed in ``EXEMPT`` with the reason, so a new node cannot add an unbounded one.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pandas as pd
import pytest

from skyulf_core.graph import check_graph, preview_pipeline, train_pipeline, validate_graph
from skyulf_core.models import get_model, model_catalog
from skyulf_core.models import registry as model_registry
from skyulf_core.nodes import get_node, node_types
from skyulf_core.nodes import registry as node_registry
from skyulf_errors import InvalidArgument, NodeError

# (type id or "*", parameter path) -> why the integer may be unbounded. Paths are dotted, with
# "[]" for list items, "{}" for dict values and "[i]" for tuple positions.
EXEMPT: dict[tuple[str, str], str] = {
    ("ValueReplacement", "mapping{}"): "a value written into the data, not a size",
    ("ValueReplacement", "to_replace"): "a value looked up in the data, not a size",
    ("ValueReplacement", "to_replace[]"): "a value looked up in the data, not a size",
    ("ValueReplacement", "value"): "a value written into the data, not a size",
    ("SimpleImputer", "fill_value"): "a value written into the data, not a size",
    ("OrdinalEncoder", "categories_order{}[]"): "a category value, not a size",
    ("Casting", "categories{}[]"): "a category value, not a size",
    ("OrdinalEncoder", "unknown_value"): "the code written for unseen values (stored as float)",
    **{
        (vec, df): "a document-count threshold: larger only prunes more words, at no cost"
        for vec in ("count_vectorizer", "tfidf_vectorizer")
        for df in ("min_df", "max_df")
    },
}

# Names that look like a size, a count or an iteration budget (checked to be in the catalog, so
# the walk below really covers them).
SIZE_NAME = re.compile(
    r"(^|\.)(n_\w+|\w*_estimators|max_\w+|min_samples_\w+|\w*_neighbors|window|min_periods|lags"
    r"|degree|k|cv|step|ngram_range)(\[|$)"
)


def _schemas() -> list[tuple[str, dict[str, Any]]]:
    nodes = [(t, get_node(t).params_model.model_json_schema()) for t in node_types()]
    return nodes + [(m.id, m.params_schema) for m in model_catalog()]


def _has_max(schema: dict[str, Any]) -> bool:
    # pydantic writes a constraint on a union (``int | float``) as "le"/"lt" on the union.
    return any(k in schema for k in ("maximum", "exclusiveMaximum", "le", "lt", "enum", "const"))


def _integers(
    schema: dict[str, Any], path: str, defs: dict[str, Any], bounded: bool = False
) -> list[tuple[str, bool]]:
    """(path, has an upper bound) for every integer reachable in ``schema``."""
    if "$ref" in schema:
        return _integers(defs[schema["$ref"].split("/")[-1]], path, defs, bounded)
    bounded = bounded or _has_max(schema)
    found = [(path, bounded)] if schema.get("type") == "integer" else []
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            found += _integers(sub, path, defs, bounded)
    for name, sub in schema.get("properties", {}).items():
        found += _integers(sub, f"{path}.{name}" if path else name, defs)
    if isinstance(schema.get("items"), dict):
        found += _integers(schema["items"], f"{path}[]", defs)
    for i, sub in enumerate(schema.get("prefixItems", [])):
        found += _integers(sub, f"{path}[{i}]", defs)
    if isinstance(schema.get("additionalProperties"), dict):
        found += _integers(schema["additionalProperties"], f"{path}{{}}", defs)
    return found


def _walk() -> dict[tuple[str, str], bool]:
    out: dict[tuple[str, str], bool] = {}
    for type_id, schema in _schemas():
        for path, bounded in _integers(schema, "", schema.get("$defs", {})):
            out[(type_id, path)] = out.get((type_id, path), True) and bounded
    return out


def test_every_integer_parameter_has_an_upper_bound() -> None:
    walked = _walk()
    unbounded = sorted(key for key, ok in walked.items() if not ok and key not in EXEMPT)
    assert not unbounded, f"give these a Field(le=...) or exempt them with a reason: {unbounded}"


def test_the_walk_covers_the_size_parameters_and_the_exemptions_are_live() -> None:
    walked = _walk()
    sized = {path for (_, path) in walked if SIZE_NAME.search(path)}
    for name in ("n_estimators", "max_iter", "n_neighbors", "k_neighbors", "max_categories"):
        assert name in sized
    assert {"window", "lags[]", "degree", "k", "cv", "step", "ngram_range[1]"} <= sized
    # An exemption of a parameter that no longer exists (or is now bounded) is stale.
    assert {k for k in EXEMPT if walked.get(k) is False} == set(EXEMPT)
    assert not any(SIZE_NAME.search(path) and "df" not in path for (_, path) in EXEMPT)


@pytest.mark.parametrize(
    ("type_id", "schema"), _schemas(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_defaults_are_within_the_bounds(type_id: str, schema: dict[str, Any]) -> None:
    if type_id in node_types():
        get_node(type_id).parse_params({}, "n")
    else:
        get_model(type_id).parse_params({}, "n")


HUGE = 10**12

# (type, params, field named by the error, bound in the message)
REFUSED = [
    ("OneHotEncoder", {"max_categories": HUGE}, "max_categories", 10_000),
    ("TargetEncoder", {"cv": HUGE}, "cv", 20),
    ("KNNImputer", {"n_neighbors": HUGE}, "n_neighbors", 1000),
    ("Oversampling", {"k_neighbors": HUGE}, "k_neighbors", 1000),
    ("Oversampling", {"m_neighbors": HUGE}, "m_neighbors", 1000),
    ("Undersampling", {"k_neighbors": HUGE}, "k_neighbors", 1000),
    ("UnivariateSelection", {"k": HUGE}, "k", 2**20),
    ("ModelBasedSelection", {"n_estimators": HUGE}, "n_estimators", 5000),
    ("ModelBasedSelection", {"max_features": HUGE}, "max_features", 2**20),
    ("ModelBasedSelection", {"n_features_to_select": HUGE}, "n_features_to_select", 2**20),
    ("ModelBasedSelection", {"step": 1e300}, "step", 2**20),
    ("count_vectorizer", {"max_features": HUGE}, "max_features", 2**20),
    ("tfidf_vectorizer", {"ngram_range": [1, HUGE]}, "ngram_range.1", 10),
    ("tokenizer", {"ngram_range": [1, 11]}, "ngram_range.1", 10),
    ("LagFeatures", {"lags": [1, HUGE]}, "lags.1", 10_000),
    ("RollingAggregate", {"window": HUGE}, "window", 10_000),
    ("TrainTestSplitter", {"random_state": 2**32}, "random_state", 2**32 - 1),
    ("LabelEncoder", {"missing_code": -(10**30)}, "missing_code", None),
    ("random_forest_classifier", {"n_estimators": HUGE}, "n_estimators", 5000),
    ("extra_trees_regressor", {"n_estimators": HUGE}, "n_estimators", 5000),
    ("gradient_boosting_classifier", {"n_estimators": 5001}, "n_estimators", 5000),
    ("adaboost_regressor", {"n_estimators": HUGE}, "n_estimators", 5000),
    ("hist_gradient_boosting_classifier", {"max_iter": HUGE}, "max_iter", 10_000),
    ("hist_gradient_boosting_regressor", {"max_leaf_nodes": HUGE}, "max_leaf_nodes", 100_000),
    ("logistic_regression", {"max_iter": HUGE}, "max_iter", 100_000),
    ("sgd_classifier", {"max_iter": HUGE}, "max_iter", 100_000),
    ("lasso_regression", {"max_iter": HUGE}, "max_iter", 100_000),
    ("k_neighbors_classifier", {"n_neighbors": HUGE}, "n_neighbors", 1000),
    ("k_neighbors_regressor", {"n_neighbors": HUGE}, "n_neighbors", 1000),
    ("svc", {"degree": HUGE}, "degree", 10),
    ("svr", {"degree": HUGE}, "degree", 10),
    ("calibrated_classifier", {"cv": HUGE}, "cv", 20),
    ("decision_tree_classifier", {"max_depth": 10**20}, "max_depth", 1000),
    ("decision_tree_regressor", {"min_samples_leaf": 10**20}, "min_samples_leaf", 10**9),
    ("random_forest_regressor", {"random_state": -1}, "random_state", None),
]


@pytest.mark.parametrize(("type_id", "params", "field", "bound"), REFUSED)
def test_huge_values_are_refused_naming_the_field(
    type_id: str, params: dict[str, Any], field: str, bound: int | None
) -> None:
    parse = get_node(type_id).parse_params if type_id in node_types() else None
    parse = parse or get_model(type_id).parse_params
    with pytest.raises(NodeError, match=rf"'{re.escape(field)}'") as info:
        parse(params, "n")
    assert (info.value.details["node"], info.value.details["field"]) == ("n", field)
    if bound is not None:
        assert f"less than or equal to {bound}" in info.value.message


@pytest.mark.parametrize(
    ("type_id", "params"),
    [
        ("random_forest_classifier", {"n_estimators": 5000}),
        ("logistic_regression", {"max_iter": 100_000}),
        ("RollingAggregate", {"window": 10_000, "min_periods": 10_000}),
        ("LagFeatures", {"lags": [10_000]}),
        ("count_vectorizer", {"ngram_range": [10, 10]}),
        ("TrainTestSplitter", {"random_state": 2**32 - 1}),
    ],
)
def test_the_bounds_themselves_are_accepted(type_id: str, params: dict[str, Any]) -> None:
    parse = get_node(type_id).parse_params if type_id in node_types() else None
    (parse or get_model(type_id).parse_params)(params, "n")


def test_graph_validation_reports_a_huge_value_before_anything_runs(chain) -> None:
    graph = chain(
        ("split", "TrainTestSplitter", {"target_column": "churned"}),
        ("hash", "HashEncoder", {"columns": ["city"], "n_features": 8}),
        ("model", "random_forest_classifier", {"n_estimators": HUGE}),
    )
    report = validate_graph(graph, ["city", "churned"])
    issues = {(i.node_id, i.field) for i in report.errors if i.code == "invalid_params"}
    assert issues == {("model", "n_estimators")}
    with pytest.raises(InvalidArgument, match="less than or equal to 5000") as info:
        check_graph(graph, ["city", "churned"])
    assert (info.value.details["node"], info.value.details["field"]) == ("model", "n_estimators")


def test_k_neighbors_above_the_train_rows_is_refused_at_fit(churn: pd.DataFrame, chain) -> None:
    # Bounded at 1000, but the churn train split holds 240 rows: refused before fitting (scikit-
    # learn would only fail at prediction), naming the field.
    graph = chain(
        ("drop", "DropMissingColumns", {"columns": ["customer_id", "signup_date", "city"]}),
        ("split", "TrainTestSplitter", {"target_column": "churned"}),
        ("impute", "SimpleImputer", {"strategy": "median"}),
        ("encode", "OneHotEncoder", {"columns": ["plan_type"]}),
        ("model", "k_neighbors_classifier", {"n_neighbors": 241}),
    )
    with pytest.raises(NodeError, match="240 rows") as info:
        train_pipeline(graph, churn)
    assert info.value.details == {
        "node": "model",
        "node_type": "k_neighbors_classifier",
        "field": "n_neighbors",
    }
    graph["nodes"][-1]["params"]["n_neighbors"] = 240
    assert train_pipeline(graph, churn).metrics["test_accuracy"] > 0


# ----------------------------------------------------------------------------- out of memory


def _oom(*_: Any, **__: Any) -> Any:
    raise MemoryError


def _out_of_memory(monkeypatch: pytest.MonkeyPatch, node_type: str, **changes: Any) -> None:
    """Replace a registered node's calculator or applier by one that runs out of memory."""
    definition = get_node(node_type)
    monkeypatch.setitem(node_registry._registry(), node_type, replace(definition, **changes))


def _graph(chain) -> dict[str, Any]:
    return chain(
        ("drop", "DropMissingColumns", {"columns": ["customer_id", "signup_date"]}),
        ("split", "TrainTestSplitter", {"target_column": "churned"}),
        ("impute", "SimpleImputer", {"strategy": "most_frequent"}),
        ("encode", "OneHotEncoder", {"columns": ["city", "plan_type"]}),
        ("model", "logistic_regression", {}),
    )


def _assert_names(error: NodeError, node: str, node_type: str) -> None:
    assert f"node '{node}' ({node_type}) ran out of memory" in error.message
    assert "fewer rows or columns" in error.message
    assert error.details == {"node": node, "node_type": node_type, "reason": "out_of_memory"}
    # Raised outside the except block: the MemoryError's frames (and their arrays) are freed.
    assert error.__context__ is None and error.__cause__ is None


@pytest.mark.parametrize("run", ["train", "preview"])
def test_memory_error_while_fitting_a_node_names_the_node(
    churn: pd.DataFrame, chain, monkeypatch: pytest.MonkeyPatch, run: str
) -> None:
    _out_of_memory(monkeypatch, "OneHotEncoder", calculator=_oom)
    with pytest.raises(NodeError) as info:
        (train_pipeline if run == "train" else preview_pipeline)(_graph(chain), churn)
    _assert_names(info.value, "encode", "OneHotEncoder")


def test_memory_error_while_applying_a_node_names_the_node(
    churn: pd.DataFrame, chain, monkeypatch: pytest.MonkeyPatch
) -> None:
    _out_of_memory(monkeypatch, "SimpleImputer", applier=_oom)
    with pytest.raises(NodeError) as info:
        train_pipeline(_graph(chain), churn)
    _assert_names(info.value, "impute", "SimpleImputer")


class _HungryEstimator:
    def fit(self, X: Any, y: Any) -> None:
        raise MemoryError


def test_memory_error_while_fitting_the_model_names_the_model(
    churn: pd.DataFrame, chain, monkeypatch: pytest.MonkeyPatch
) -> None:
    definition = get_model("logistic_regression")
    hungry = replace(definition, builder=lambda params: _HungryEstimator())
    monkeypatch.setitem(model_registry._registry(), "logistic_regression", hungry)
    with pytest.raises(NodeError) as info:
        train_pipeline(_graph(chain), churn)
    _assert_names(info.value, "model", "logistic_regression")
    assert "hyperparameters" in info.value.message


def test_count_or_fraction_parameters_show_both_limits_to_forms() -> None:
    schema = get_node("ModelBasedSelection").params_model.model_json_schema()["properties"]
    for field in ("n_features_to_select", "step"):
        branches = schema[field]["anyOf"]
        assert {"type": "integer", "minimum": 1, "maximum": 2**20} in branches
        assert {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1} in branches
    parse = get_node("ModelBasedSelection").parse_params
    assert parse({"step": 0.25}, "n").step == 0.25
    assert parse({"step": 3.0}, "n").step == 3
    with pytest.raises(NodeError, match=r"'step'.*fraction"):
        parse({"step": 1.5}, "n")
