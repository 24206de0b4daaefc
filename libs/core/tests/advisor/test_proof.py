"""The proof in bench/bench_advisor.py as a test: on every dataset the suggested pipeline trains
as returned, scores no worse than the plain baseline on the same split, and catches the id and
leaky columns."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[4] / "bench" / "bench_advisor.py"
TOLERANCE = 0.02


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_advisor", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = _bench()


@pytest.mark.parametrize("case", bench.cases(), ids=lambda c: c.name)
def test_suggested_pipeline_is_no_worse_than_the_baseline(case: object) -> None:
    outcome = bench.run(case)
    assert outcome.suggested_score >= outcome.baseline_score - TOLERANCE, bench.table([outcome])
    if outcome.suggested_cv is not None and outcome.baseline_cv is not None:
        assert outcome.suggested_cv >= outcome.baseline_cv - TOLERANCE, bench.table([outcome])
    for rule, column in outcome.case.expect:
        assert outcome.caught(rule, column), f"{rule} missed '{column}'"


def test_the_messy_dataset_fires_the_rules_it_was_built_for() -> None:
    messy = next(c for c in bench.cases() if c.name.startswith("messy"))
    fired = set(bench.run(messy).fired)
    assert {
        "drop_id_columns", "target_leakage", "cast_numbers", "normalize_booleans",
        "invalid_values", "date_parts", "deduplicate_rows", "high_cardinality",
        "ordinal_encode", "missing_indicator", "skew", "outliers", "drop_constant",
    } <= fired  # fmt: skip
