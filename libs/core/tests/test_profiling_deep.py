"""The deeper profile: quantiles, tails, zeros, infinities, outliers, text lengths, personal
data, memory size, correlations and the alerts they fire."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from skyulf_core.profiling import profile_frame
from skyulf_core.profiling.correlations import cramers_v
from skyulf_errors import InvalidArgument


@pytest.fixture
def frame() -> pl.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    x = rng.normal(50, 10, n)
    x[:4] = [500.0, -400.0, 450.0, 600.0]
    spend = rng.integers(0, 5, n).astype(float)
    spend[:300] = 0.0
    ratio = rng.normal(0, 1, n)
    ratio[5] = math.inf
    return pl.DataFrame(
        {
            "x": x,
            "x_twice": x * 2 + 1,
            "spend": spend,
            "ratio": ratio,
            "email": [f"user{i}@example.com" for i in range(n)],
            "phone": [f"+44 20 7946 {i:04d}" for i in range(n)],
            "when": [f"2026-01-{1 + i % 28:02d}" for i in range(n)],
            "city": [["Oslo", "Lima"][i % 2] for i in range(n)],
            "region": [["North", "South"][i % 2] for i in range(n)],
            "note": ["a fairly short note" if i % 2 else "tiny" for i in range(n)],
        }
    )


def test_numeric_columns_get_quantiles_tails_and_outliers(frame: pl.DataFrame) -> None:
    profile = profile_frame(frame)
    x = profile.column("x")
    assert x is not None and x.q25 is not None and x.q75 is not None
    assert x.q05 is not None and x.q95 is not None and x.q05 < x.q25 < x.q75 < x.q95
    assert x.kurtosis is not None and x.kurtosis > 3  # the four planted extremes
    assert x.outliers_iqr >= 4
    spend = profile.column("spend")
    assert spend is not None and spend.zeros_count >= 300
    ratio = profile.column("ratio")
    assert ratio is not None and ratio.infinite_count == 1
    assert profile.memory_bytes >= frame.estimated_size() > 0


def test_text_lengths_and_personal_data(frame: pl.DataFrame) -> None:
    profile = profile_frame(frame)
    note = profile.column("note")
    assert note is not None and (note.length_min, note.length_max) == (4, 19)
    assert note.length_mean == pytest.approx(11.5)
    assert profile.column("email").personal_data == "email"  # type: ignore[union-attr]
    assert profile.column("phone").personal_data == "phone"  # type: ignore[union-attr]
    assert profile.column("note").personal_data is None  # type: ignore[union-attr]


def test_correlations_and_the_alerts_they_fire(frame: pl.DataFrame) -> None:
    profile = profile_frame(frame)
    found = profile.correlations
    assert found is not None and found.pearson is not None and found.spearman is not None
    i, j = found.pearson.columns.index("x"), found.pearson.columns.index("x_twice")
    assert found.pearson.values[i][j] == pytest.approx(1.0)
    assert found.spearman.values[i][j] == pytest.approx(1.0)
    assert found.cramers_v is not None
    a, b = found.cramers_v.columns.index("city"), found.cramers_v.columns.index("region")
    assert found.cramers_v.values[a][b] == pytest.approx(1.0)
    kinds = {(alert.kind, alert.column) for alert in profile.alerts}
    assert {("high_correlation", "x"), ("zeros", "spend"), ("infinite", "ratio")} <= kinds
    assert {
        ("personal_data", "email"),
        ("personal_data", "phone"),
        ("date_as_text", "when"),
    } <= kinds
    assert ("uniform", "city") not in kinds  # two values are not "uniform" worth an alert
    corr = next(a for a in profile.alerts if a.kind == "high_correlation" and a.column == "x")
    assert corr.statistic == pytest.approx(1.0)


def test_cramers_v_of_independent_columns_is_small() -> None:
    rng = np.random.default_rng(1)
    df = pl.DataFrame({"a": rng.choice(["p", "q", "r"], 3000), "b": rng.choice(["u", "v"], 3000)})
    assert cramers_v(df, "a", "b") < 0.1


def test_an_imbalanced_category_is_flagged() -> None:
    df = pl.DataFrame({"label": ["no"] * 95 + ["yes"] * 5, "n": list(range(100))})
    alerts = profile_frame(df).alerts
    imbalance = next(a for a in alerts if a.kind == "imbalance")
    assert imbalance.column == "label" and imbalance.statistic == pytest.approx(0.95)


def test_target_analysis_with_balance_associations_and_leakage() -> None:
    rng = np.random.default_rng(3)
    n = 1000
    label = rng.choice(["churn", "stay"], n, p=[0.3, 0.7])
    df = pl.DataFrame(
        {
            "label": label,
            "refund_issued": (label == "churn").astype(int) * 1.0,  # the answer, recorded later
            "tenure": np.where(label == "churn", rng.normal(10, 5, n), rng.normal(30, 5, n)),
            "noise": rng.normal(0, 1, n),
            "plan": rng.choice(["a", "b", "c"], n),
        }
    )
    profile = profile_frame(df, target="label")
    analysis = profile.target
    assert analysis is not None and analysis.task == "classification"
    assert {v.value: v.count for v in analysis.class_balance} == {
        "churn": int((label == "churn").sum()),
        "stay": int((label == "stay").sum()),
    }
    ranked = [a.feature for a in analysis.associations]
    assert ranked[0] == "refund_issued" and ranked.index("tenure") < ranked.index("noise")
    leaks = [a for a in profile.alerts if a.kind == "target_leakage"]
    assert [a.column for a in leaks] == ["refund_issued"]
    assert leaks[0].severity == "critical" and leaks[0].statistic == pytest.approx(1.0)


def test_a_numeric_target_gets_its_distribution_and_spearman() -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(0, 1, 500)
    df = pl.DataFrame({"y": x * 3 + rng.normal(0, 0.5, 500), "x": x, "z": rng.normal(0, 1, 500)})
    analysis = profile_frame(df, target="y").target
    assert analysis is not None and analysis.task == "regression"
    assert analysis.histogram is not None and analysis.class_balance == []
    assert analysis.associations[0].feature == "x" and analysis.associations[0].method == "spearman"
    with pytest.raises(InvalidArgument, match="target column 'nope'"):
        profile_frame(df, target="nope")
