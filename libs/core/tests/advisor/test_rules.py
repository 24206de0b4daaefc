"""Every registered rule, on small frames: when it fires (with its statistic and a node valid
against the catalog) and when it stays quiet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import pytest

from skyulf_core.advisor import RULES, Recommendation, recommend
from skyulf_core.advisor.context import stage_of
from skyulf_core.profiling import profile_frame

N = 200
rng = np.random.default_rng(7)
Y = [int(v) for v in rng.integers(0, 2, N)]  # unrelated to the row patterns below


def _frame(**cols: Any) -> pl.DataFrame:
    return pl.DataFrame({**cols, "y": cols.pop("y", Y)}, strict=False)


def _normal(scale: float = 1.0) -> list[float]:
    return list(rng.normal(0, scale, N))


@dataclass
class Case:
    rule: str
    fires: Callable[[], pl.DataFrame]
    quiet: Callable[[], pl.DataFrame]
    columns: list[str]
    model: str | None = None


def _with_missing(values: list[Any], every: int) -> list[Any]:
    return [None if i % every == 0 else v for i, v in enumerate(values)]


CASES = [
    Case(
        "drop_id_columns",
        lambda: _frame(code=[f"A{i:04d}" for i in range(N)], x=_normal()),
        lambda: _frame(code=[f"A{i % 5}" for i in range(N)], x=_normal()),
        ["code"],
    ),
    Case(
        "target_leakage",
        lambda: _frame(refund=[v * 95.0 for v in Y], x=_normal()),
        lambda: _frame(refund=_normal(), x=_normal()),
        ["refund"],
    ),
    Case(
        "drop_mostly_missing",
        lambda: _frame(notes=_with_missing(_normal(), 1)[:140] + _normal()[:60], x=_normal()),
        lambda: _frame(notes=_with_missing(_normal(), 10), x=_normal()),
        ["notes"],
    ),
    Case(
        "drop_constant",
        lambda: _frame(src=["web"] * (N - 1) + ["phone"], x=_normal()),
        lambda: _frame(src=["web", "web", "web", "phone"] * (N // 4), x=_normal()),
        ["src"],
    ),
    Case(
        "drop_correlated",
        lambda: _frame(a=(a := _normal()), b=[2 * v + 1e-3 * rng.normal() for v in a]),
        lambda: _frame(a=_normal(), b=_normal()),
        ["b"],
    ),
    Case(
        "deduplicate_rows",
        lambda: _frame(x=[float(i % 50) for i in range(N)], y=[0] * N),
        lambda: _frame(x=_normal()),
        [],
    ),
    Case(
        "cast_numbers",
        lambda: _frame(price=[f"{v:.2f}" for v in rng.gamma(3, 10, N - 5)] + ["n/a"] * 5),
        lambda: _frame(price=[["cheap", "dear"][i % 2] for i in range(N)]),
        ["price"],
    ),
    Case(
        "normalize_booleans",
        lambda: _frame(promo=[["yes", "Y", "TRUE", "no", "N", "false"][i % 6] for i in range(N)]),
        lambda: _frame(promo=[["yes", "no"][i % 2] for i in range(N)]),
        ["promo"],
    ),
    Case(
        "invalid_values",
        lambda: _frame(age=[-1.0, *list(rng.normal(40, 10, N - 1).round())]),
        lambda: _frame(age=_normal()),  # centred ages: negatives are not errors
        ["age"],
    ),
    Case(
        "date_parts",
        lambda: _frame(signup=[f"2022-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(N)]),
        lambda: _frame(signup=_normal()),
        ["signup"],
    ),
    Case(
        "text_tfidf",
        lambda: _frame(
            review=[f"the delivery took {i} days and the box was damaged" for i in range(N)]
        ),
        lambda: _frame(review=[["ok", "bad"][i % 2] for i in range(N)]),
        ["review"],
    ),
    Case(
        "missing_indicator",
        lambda: _frame(income=[None if y and i % 3 else float(i) for i, y in enumerate(Y)]),
        lambda: _frame(income=_with_missing([float(i) for i in range(N)], 7)),
        ["income"],
    ),
    Case(
        "impute_numeric",
        lambda: _frame(x=_with_missing(_normal(), 10)),
        lambda: _frame(x=_normal()),
        ["x"],
    ),
    Case(
        "impute_categorical",
        lambda: _frame(city=_with_missing([["a", "b", "c"][i % 3] for i in range(N)], 10)),
        lambda: _frame(city=[["a", "b", "c"][i % 3] for i in range(N)]),
        ["city"],
    ),
    Case(
        "outliers",
        lambda: _frame(balance=list(rng.standard_t(2, N) * 100)),
        lambda: _frame(balance=list(rng.uniform(0, 100, N))),
        ["balance"],
    ),
    Case(
        "skew",
        lambda: _frame(income=list(np.exp(rng.normal(10, 1, N)))),
        lambda: _frame(income=list(rng.normal(50, 5, N))),
        ["income"],
    ),
    Case(
        "ordinal_encode",
        lambda: _frame(size=[["Low", "Medium", "High"][i % 3] for i in range(N)]),
        lambda: _frame(size=[["red", "green", "blue"][i % 3] for i in range(N)]),
        ["size"],
    ),
    Case(
        "high_cardinality",
        lambda: _frame(city=[f"c{i % 40}" for i in range(N)]),
        lambda: _frame(city=[f"c{i % 5}" for i in range(N)]),
        ["city"],
    ),
    Case(
        "one_hot_encode",
        lambda: _frame(plan=[["basic", "pro"][i % 2] for i in range(N)]),
        lambda: _frame(x=_normal()),
        ["plan"],
    ),
    Case(
        "scale_numeric",
        lambda: _frame(a=_normal(1000.0), b=_normal(0.01)),
        lambda: _frame(a=_normal(1.0), b=_normal(2.0)),
        ["a", "b"],
    ),
    Case(
        "imbalance",
        lambda: _frame(x=_normal(), y=[1 if i % 10 == 0 else 0 for i in range(N)]),
        lambda: _frame(x=_normal()),
        ["y"],
    ),
    Case(
        "model",
        lambda: _frame(x=_normal()),
        lambda: _frame(x=_normal()).drop("y"),
        ["y"],
    ),
]


def _found(frame: pl.DataFrame, rule: str) -> list[Recommendation]:
    target = "y" if "y" in frame.columns else None
    return [r for r in recommend(profile_frame(frame), target, sample=frame) if r.rule == rule]


def test_every_registered_rule_has_a_case() -> None:
    assert {c.rule for c in CASES} == set(RULES) - {"split"}
    assert len(RULES) >= 20


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
def test_rule_fires(case: Case) -> None:
    found = _found(case.fires(), case.rule)
    assert found, f"{case.rule} did not fire"
    rec = found[0]
    assert set(case.columns) <= set(rec.columns), rec
    assert rec.statistic is not None and rec.message
    assert rec.node is not None
    for suggestion in [rec.node, *rec.alternatives]:
        stage_of(suggestion)  # parses against the catalog


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
def test_rule_stays_quiet(case: Case) -> None:
    assert _found(case.quiet(), case.rule) == []


def test_split_fires_with_a_target_only() -> None:
    frame = _frame(x=_normal())
    assert _found(frame, "split")[0].stage == "split"
    assert _found(frame.drop("y"), "split") == []


def test_high_cardinality_is_target_encoded_with_hashing_as_the_alternative() -> None:
    rec = _found(_frame(city=[f"c{i % 40}" for i in range(N)]), "high_cardinality")[0]
    assert rec.node is not None and rec.node.type == "TargetEncoder"
    assert [a.type for a in rec.alternatives] == ["HashEncoder"]
    assert rec.stage == "after_split"


def test_skew_chooses_yeo_johnson_with_zeros_or_negatives() -> None:
    values = [0.0] * 20 + list(np.exp(rng.normal(3, 1, N - 20)))
    rec = _found(_frame(spend=values), "skew")[0]
    assert rec.node is not None
    assert rec.node.params["transformations"][0]["method"] == "yeo_johnson"


def test_ordinal_order_is_inferred() -> None:
    rec = _found(
        _frame(size=[["Low", "Medium", "High"][i % 3] for i in range(N)]), "ordinal_encode"
    )[0]
    assert rec.node is not None
    assert rec.node.params["categories_order"] == {"size": ["Low", "Medium", "High"]}


def test_imbalanced_binary_target_gets_class_weights_and_pr_auc() -> None:
    frame = _frame(x=_normal(), y=[1 if i % 10 == 0 else 0 for i in range(N)])
    recs = {r.rule: r for r in recommend(profile_frame(frame), "y", sample=frame)}
    model = recs["model"].node
    assert model is not None and model.params["class_weight"] == "balanced"
    assert "pr_auc" in recs["model"].title
    # Small data: cross-validated.
    assert model.params["cv_enabled"] is True
    assert recs["imbalance"].alternatives[0].type == "Oversampling"


def test_scale_stays_quiet_for_tree_models() -> None:
    frame = _frame(a=_normal(1000.0), b=_normal(0.01))
    recs = recommend(profile_frame(frame), "y", sample=frame, model="random_forest_classifier")
    assert "scale_numeric" not in {r.rule for r in recs}


def test_outliers_state_the_share_iqr_would_remove() -> None:
    rec = _found(_frame(balance=list(rng.standard_t(2, N) * 100)), "outliers")[0]
    assert "would drop about" in rec.message
    assert [a.type for a in rec.alternatives] == ["IQR"]
