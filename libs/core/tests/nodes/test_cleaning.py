"""Cleaning nodes: row filters, casting, value/alias replacement and text clean-up."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from skyulf_core.nodes import NodeContext, get_node
from skyulf_core.nodes._user_regex import TIMEOUT_SECONDS
from skyulf_errors import NodeError

CTX = NodeContext(node_id="c1", target="y")


def _run(node: str, X: pd.DataFrame, params: dict, y: pd.Series | None = None):
    d = get_node(node)
    record = d.fit(X, y, params, CTX)
    return d.apply(X, y, record, CTX)


def _arrays(node: str, X: pd.DataFrame, params: dict) -> dict[str, np.ndarray]:
    d = get_node(node)
    record = d.fit(X, None, params, CTX)
    assert d.array_applier is not None
    cols = {
        c: X[c].to_numpy() if X[c].dtype.kind in "fiub" else X[c].to_numpy(dtype=object)
        for c in X.columns
    }
    return d.array_applier(cols, record)


def test_drop_missing_rows_modes_and_target_alignment() -> None:
    X = pd.DataFrame({"a": [1.0, np.nan, np.nan, np.inf], "b": ["x", None, "z", "w"]})
    y = pd.Series([0, 1, 2, 3], name="y")
    out, out_y = _run("DropMissingRows", X, {}, y)
    assert out.index.tolist() == [0] and out_y is not None and out_y.tolist() == [0]
    out, _ = _run("DropMissingRows", X, {"how": "all"}, y)
    assert out.index.tolist() == [0, 2, 3]
    out, _ = _run("DropMissingRows", X, {"subset": ["b"]}, y)
    assert out.index.tolist() == [0, 2, 3]
    out, _ = _run("DropMissingRows", X, {"threshold": 0.5}, y)
    assert out.index.tolist() == [0, 2, 3]  # row 1 is 100% missing, the others at most 50%
    assert get_node("DropMissingRows").train_only


def test_deduplicate_keeps_and_counts_the_target_as_part_of_the_row() -> None:
    X = pd.DataFrame({"a": [1, 1, 1, 2], "b": ["p", "p", "p", "q"]})
    y = pd.Series([0, 0, 1, 0])
    out, out_y = _run("Deduplicate", X, {}, y)
    assert out.index.tolist() == [0, 2, 3] and out_y is not None and out_y.tolist() == [0, 1, 0]
    out, _ = _run("Deduplicate", X, {"subset": ["a"], "keep": "last"}, y)
    assert out.index.tolist() == [2, 3]
    out, _ = _run("Deduplicate", X, {"subset": ["a", "b"], "keep": "none"}, y)
    assert out.index.tolist() == [3]
    with pytest.raises(NodeError, match="'zz'"):
        _run("Deduplicate", X, {"subset": ["zz"]})


def test_casting_dtypes_do_not_depend_on_the_rows() -> None:
    X = pd.DataFrame(
        {
            "i": ["1", " 2 ", None, "3.5"],
            "u": [1.0, 2.0, 300.0, np.nan],
            "b": ["Yes", "off", "", "maybe"],
            "d": ["01/02/2021", "12/31/2020", None, "not a date"],
            "c": ["lo", "hi", "lo", None],
            "s": [1, 2, 3, 4],
        }
    )
    types = {"i": "int", "u": "uint8", "b": "bool", "d": "datetime", "c": "category", "s": "string"}
    d = get_node("Casting")
    record = d.fit(X, None, {"column_types": types}, CTX)
    full, _ = d.apply(X, None, record, CTX)
    assert full["i"].dtype == "Int64" and full["i"].tolist()[:2] == [1, 2]
    assert full["i"].isna().tolist() == [False, False, True, True]  # 3.5 is not an integer
    assert full["u"].dtype == "UInt8" and full["u"].isna().tolist() == [False, False, True, True]
    assert full["b"].dtype == "boolean" and full["b"].tolist()[:2] == [True, False]
    assert full["d"].tolist()[:2] == [pd.Timestamp("2021-01-02"), pd.Timestamp("2020-12-31")]
    assert list(full["c"].cat.categories) == ["hi", "lo"]
    assert full["s"].tolist() == ["1", "2", "3", "4"]
    for i in range(len(X)):
        one, _ = d.apply(X.iloc[[i]], None, record, CTX)
        pd.testing.assert_series_equal(one.dtypes, full.dtypes)
    unseen, _ = d.apply(X.assign(c=["new"] * 4), None, record, CTX)
    assert unseen["c"].isna().all()


def test_casting_without_coercion_names_column_and_value() -> None:
    X = pd.DataFrame({"n": ["1", "2", "x7"]})
    with pytest.raises(NodeError, match=r"column 'n' value 'x7' cannot be cast to float") as info:
        get_node("Casting").fit(
            X, None, {"column_types": {"n": "float"}, "coerce_on_error": False}, CTX
        )
    assert info.value.details["column"] == "n" and info.value.details["field"] == "column_types"
    with pytest.raises(NodeError, match="'missing_col'"):
        get_node("Casting").fit(X, None, {"column_types": {"missing_col": "int"}}, CTX)
    with pytest.raises(NodeError, match="column_types"):
        get_node("Casting").fit(X, None, {"column_types": {"n": "complex"}}, CTX)


def test_casting_array_path_matches_values() -> None:
    X = pd.DataFrame({"i": ["1", None], "b": ["y", "n"], "c": ["lo", "hi"]})
    got = _arrays("Casting", X, {"column_types": {"i": "int16", "b": "bool", "c": "category"}})
    assert got["i"].dtype == np.float64 and got["i"][0] == 1 and np.isnan(got["i"][1])
    assert got["b"].dtype == bool and got["b"].tolist() == [True, False]
    assert got["c"].tolist() == ["lo", "hi"]


def test_value_replacement_sentinels_and_dtypes() -> None:
    X = pd.DataFrame({"n": [1, -999, 3], "f": [0.5, -999.0, 2.0], "t": ["a", "N/A", "b"]})
    params = {"mapping": {"-999": None, "N/A": None}}
    out, _ = _run("ValueReplacement", X, params)
    assert np.isnan(out["n"].iloc[1]) and out["n"].dtype == np.float64
    assert np.isnan(out["f"].iloc[1]) and out["t"].isna().tolist() == [False, True, False]
    # the dtype follows the mapping, not the rows: a row without -999 is float too
    one, _ = _run("ValueReplacement", X.iloc[[0]], params)
    assert one["n"].dtype == np.float64
    out, _ = _run("ValueReplacement", X, {"columns": ["n"], "to_replace": [1, 3], "value": 0})
    assert out["n"].tolist() == [0, -999, 0] and out["n"].dtype == np.int64
    with pytest.raises(NodeError, match="mapping"):
        _run("ValueReplacement", X, {})


def test_invalid_value_replacement_modes() -> None:
    X = pd.DataFrame({"v": [-1.0, 0.0, 50.0, 101.0, 130.0, np.inf]})
    cases = {
        "negative_to_nan": [0, 1, 1, 1, 1, 0],
        "zero_to_nan": [1, 0, 1, 1, 1, 0],
        "percentage_bounds": [0, 1, 1, 0, 0, 0],
        "age_bounds": [0, 1, 1, 1, 0, 0],
    }
    for mode, kept in cases.items():
        out, _ = _run("InvalidValueReplacement", X, {"mode": mode})
        assert out["v"].notna().astype(int).tolist() == kept, mode
    out, _ = _run("InvalidValueReplacement", X, {"mode": "zero_to_nan", "replace_inf": False})
    assert out["v"].iloc[5] == np.inf
    params = {"mode": "custom_range", "min_value": 0, "max_value": 100}
    out, _ = _run("InvalidValueReplacement", X, params)
    assert out["v"].notna().astype(int).tolist() == [0, 1, 1, 0, 0, 0]
    with pytest.raises(NodeError, match="min_value") as info:
        _run("InvalidValueReplacement", X, {"mode": "custom_range"})
    assert info.value.details["field"] == "min_value"


def test_alias_replacement_modes() -> None:
    X = pd.DataFrame(
        {
            "flag": ["Yes", " n ", "TRUE", "maybe", None],
            "country": ["usa", "U.S.A.", "Deutschland", "GBR", "Atlantis"],
            "name": ["St. Louis!", "a--b", "ok", "x", "y"],
        }
    )
    out, _ = _run("AliasReplacement", X, {"mode": "normalize_boolean", "columns": ["flag"]})
    assert out["flag"].tolist()[:4] == ["true", "false", "true", "maybe"]
    assert out["flag"].isna().iloc[4] and out["flag"].dtype == X["flag"].dtype
    out, _ = _run(
        "AliasReplacement", X, {"mode": "canonicalize_country_codes", "columns": ["country"]}
    )
    assert out["country"].tolist() == ["US", "US", "DE", "GB", "Atlantis"]
    out, _ = _run("AliasReplacement", X, {"mode": "punctuation", "columns": ["name"]})
    assert out["name"].tolist()[:2] == ["St Louis", "ab"]
    pairs = {"custom_pairs": {"NEW YORK": "NYC"}, "columns": ["name"]}
    out, _ = _run("AliasReplacement", pd.DataFrame({"name": ["new  york", "Boston"]}), pairs)
    assert out["name"].tolist() == ["NYC", "Boston"]


def test_text_cleaning_operations_in_order() -> None:
    X = pd.DataFrame({"t": ["  Hello,   WORLD_1 ", "3/4/2021 and 13/1/21", "no digits", None]})
    ops = [
        {"op": "trim"},
        {"op": "case", "mode": "sentence"},
        {"op": "regex", "mode": "collapse_whitespace"},
    ]
    out, _ = _run("TextCleaning", X, {"operations": ops})
    assert out["t"].tolist()[:3] == ["Hello, world_1", "3/4/2021 and 13/1/21", "No digits"]
    assert out["t"].isna().iloc[3]
    out, _ = _run(
        "TextCleaning", X, {"operations": [{"op": "remove_special", "mode": "keep_alphanumeric"}]}
    )
    assert out["t"].iloc[0] == "HelloWORLD1"
    out, _ = _run(
        "TextCleaning", X, {"operations": [{"op": "remove_special", "mode": "letters_only"}]}
    )
    assert out["t"].iloc[0] == "HelloWORLD"
    dates = [{"op": "regex", "mode": "normalize_slash_dates"}]
    out, _ = _run("TextCleaning", X, {"operations": dates})
    assert out["t"].iloc[1] == "2021-03-04 and 13/1/21"  # month 13 is no date: kept
    out, _ = _run("TextCleaning", X, {"operations": [{**dates[0], "day_first": True}]})
    assert out["t"].iloc[1] == "2021-04-03 and 2021-01-13"
    out, _ = _run("TextCleaning", X, {"operations": [{"op": "regex", "mode": "extract_digits"}]})
    assert out["t"].iloc[1] == "3" and out["t"].isna().tolist() == [False, False, True, True]
    custom = [{"op": "regex", "mode": "custom", "pattern": r"o", "replacement": "0"}]
    out, _ = _run("TextCleaning", X, {"operations": custom})
    assert out["t"].iloc[2] == "n0 digits"


def test_text_cleaning_invalid_regex_names_the_field() -> None:
    X = pd.DataFrame({"t": ["a"]})
    bad = [{"op": "trim"}, {"op": "regex", "mode": "custom", "pattern": "(unclosed"}]
    with pytest.raises(NodeError, match=r"operations\.1\.pattern") as info:
        _run("TextCleaning", X, {"operations": bad})
    assert info.value.details["field"] == "operations.1.pattern"
    with pytest.raises(NodeError, match="operations"):
        _run("TextCleaning", X, {"operations": [{"op": "shout"}]})
    empty = [{"op": "regex", "mode": "custom", "pattern": ""}]
    with pytest.raises(NodeError, match=r"operations\.0\.pattern.*empty"):
        _run("TextCleaning", X, {"operations": empty})


@pytest.mark.parametrize("replacement", [r"\2", r"\g<name>", "\\", r"\g<1"])
def test_a_bad_replacement_is_refused_when_the_parameters_are_read(replacement: str) -> None:
    # Refused before any row is seen: no value here would ever match the pattern.
    ops = [{"op": "regex", "mode": "custom", "pattern": r"(\d+)", "replacement": replacement}]
    with pytest.raises(NodeError, match=r"operations\.0\.replacement") as info:
        get_node("TextCleaning").parse_params({"operations": ops}, "c1")
    assert info.value.details == {
        "node": "c1",
        "node_type": "TextCleaning",
        "field": "operations.0.replacement",
    }


def test_a_catastrophic_pattern_fails_the_node_within_its_time_limit() -> None:
    X = pd.DataFrame({"t": ["a" * 40 + "!", "ok"]})
    ops = [{"op": "trim"}, {"op": "regex", "mode": "custom", "pattern": r"(a|aa)+$"}]
    started = time.monotonic()
    with pytest.raises(NodeError, match=r"operations\.1\.pattern.*longer than") as info:
        _run("TextCleaning", X, {"operations": ops})
    assert time.monotonic() - started < 4 * TIMEOUT_SECONDS
    assert info.value.details["node"] == "c1" and info.value.details["field"] == (
        "operations.1.pattern"
    )
    with pytest.raises(NodeError, match="longer than"):
        _arrays("TextCleaning", X, {"operations": ops})


def test_group_references_in_a_replacement_work() -> None:
    X = pd.DataFrame({"t": ["id-12", "none"]})
    ops = [
        {
            "op": "regex",
            "mode": "custom",
            "pattern": r"(?P<p>\w+)-(\d+)",
            "replacement": r"\2/\g<p>",
        }
    ]
    out, _ = _run("TextCleaning", X, {"operations": ops})
    assert out["t"].tolist() == ["12/id", "none"]


@pytest.mark.parametrize(
    ("node", "params"),
    [
        ("TextCleaning", {"operations": [{"op": "case", "mode": "title"}, {"op": "trim"}]}),
        ("AliasReplacement", {"mode": "canonicalize_country_codes"}),
        ("ValueReplacement", {"mapping": {"-1": 0, "b": "B"}}),
        ("InvalidValueReplacement", {"mode": "negative_to_nan"}),
    ],
)
def test_array_path_equals_pandas_path_on_mixed_rows(node: str, params: dict) -> None:
    X = pd.DataFrame(
        {"t": [" fr ", None, "b", "they're"], "n": [-1.0, np.nan, 2.0, -np.inf], "k": [1, -1, 2, 3]}
    )
    if node == "InvalidValueReplacement":
        X = X.drop(columns=["t"])
    expected, _ = _run(node, X, params)
    got = pd.DataFrame(_arrays(node, X, params), index=X.index)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_exact=True)
