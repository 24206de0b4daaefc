"""The Polars profiler on churn_300 and on awkward frames."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from skyulf_core.profiling import profile as profile_module
from skyulf_core.profiling import profile_frame, profile_parquet


def test_profile_of_churn(churn_pl: pl.DataFrame) -> None:
    profile = profile_frame(churn_pl)
    assert (profile.n_rows, profile.n_columns, profile.duplicate_rows) == (300, 11, 0)
    cols = {c.name: c for c in profile.columns}
    assert cols["customer_id"].kind == "id"
    assert cols["age"].kind == "numeric" and cols["age"].missing_count == 18
    assert abs(cols["age"].missing_ratio - 0.06) < 1e-12
    assert cols["age"].mean == float(churn_pl["age"].mean())
    assert cols["city"].kind == "categorical" and cols["city"].unique_count == 5
    assert cols["signup_date"].kind == "datetime"
    assert cols["plan_type"].top_values[0].value == "basic"
    assert cols["plan_type"].top_values[0].count == 138
    assert all(len(c.top_values) <= 10 for c in profile.columns)
    income = cols["income"].histogram
    assert income is not None and len(income.edges) == len(income.counts) + 1 == 21
    assert sum(income.counts) == 300 - cols["income"].missing_count
    assert income.edges[0] == cols["income"].min and income.edges[-1] == cols["income"].max
    assert cols["city"].histogram is None and cols["customer_id"].histogram is None
    alerts = {(a.kind, a.column) for a in profile.alerts}
    assert ("id_column", "customer_id") in alerts
    assert ("high_missing", "lat") in alerts
    json.loads(profile.model_dump_json())


def test_alerts_on_awkward_columns() -> None:
    n = 200
    rng = np.random.default_rng(1)
    df = pl.DataFrame(
        {
            "constant": ["x"] * n,
            "mostly_missing": [1.0] * 20 + [None] * (n - 20),
            "skewed": rng.lognormal(0, 1.5, n),
            "wide": [f"v{i % 120}" for i in range(n)],
            "flag": [True, False] * (n // 2),
            "with_nan_inf": [float("nan"), float("inf")] + [1.0] * (n - 2),
        }
    ).vstack(
        pl.DataFrame(
            {
                "constant": ["x"],
                "mostly_missing": [None],
                "skewed": [1.0],
                "wide": ["v1"],
                "flag": [True],
                "with_nan_inf": [1.0],
            }
        ).cast({"mostly_missing": pl.Float64})
    )
    profile = profile_frame(df)
    alerts = {(a.kind, a.column): a.severity for a in profile.alerts}
    assert alerts[("constant", "constant")] == "warning"
    assert alerts[("high_missing", "mostly_missing")] == "critical"
    assert ("skewed", "skewed") in alerts
    assert ("high_cardinality", "wide") in alerts
    cols = {c.name: c for c in profile.columns}
    assert cols["flag"].kind == "boolean"
    assert cols["with_nan_inf"].missing_count == 1  # NaN is missing; inf is a value
    assert cols["with_nan_inf"].max == 1.0  # statistics skip infinities
    assert profile.duplicate_rows == 0


def test_histogram_of_few_values_and_of_infinities() -> None:
    df = pl.DataFrame(
        {
            "few": [1.0, 2.0, 2.0, 3.0] * 5,
            "flat": [7.0] * 20,
            "wild": [float("inf"), float("-inf"), float("nan"), None, 1.0] * 4,
        }
    )
    cols = {c.name: c for c in profile_frame(df).columns}
    few = cols["few"].histogram
    assert few is not None and few.counts == [5, 10, 5]
    assert cols["flat"].histogram == cols["flat"].histogram.__class__(edges=[7.0, 7.0], counts=[20])
    wild = cols["wild"].histogram
    assert wild is not None and sum(wild.counts) == 4


def test_duplicates_and_empty_frames() -> None:
    df = pl.DataFrame({"a": [1, 1, 2], "b": ["x", "x", "y"]})
    profile = profile_frame(df)
    assert profile.duplicate_rows == 1
    assert any(a.kind == "duplicate_rows" for a in profile.alerts)
    empty = profile_frame(df.head(0))
    assert empty.n_rows == 0 and empty.columns[0].missing_ratio == 0.0


def test_a_million_rows_profile_completely() -> None:
    """Its speed is bench/bench_ingest_profile.py's question; this checks the result at scale."""
    rng = np.random.default_rng(0)
    n = 1_000_000
    data: dict[str, object] = {f"num{i}": rng.normal(size=n) for i in range(12)}
    data |= {f"int{i}": rng.integers(0, 1000, size=n) for i in range(4)}
    data |= {f"cat{i}": rng.choice(["a", "b", "c", "d"], size=n) for i in range(4)}
    df = pl.DataFrame(data)
    profile = profile_frame(df)
    assert profile.n_columns == 20


@pytest.mark.parametrize("sample_rows", [50, 200_000])
def test_a_parquet_file_profiles_as_its_frame_does(
    churn_pl: pl.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample_rows: int
) -> None:
    # Duplicated rows, and (with 50) correlations measured on a sample of the rows.
    monkeypatch.setattr(profile_module, "SAMPLE_ROWS", sample_rows)
    frame = pl.concat([churn_pl, churn_pl.head(7)])
    path = tmp_path / "churn.parquet"
    frame.write_parquet(path, row_group_size=64)
    from_file = profile_parquet(path)
    assert from_file.duplicate_rows == 7 and from_file.correlations is not None
    assert from_file == profile_frame(pl.read_parquet(path))


def test_a_sampled_parquet_profile_keeps_the_columns_correlations_choose(
    churn_pl: pl.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Columns are profiled two at a time and the correlation sample taken on the same pass,
    # keeping only the columns correlations may still choose (at most 2 per kind here).
    from skyulf_core.profiling import correlations as correlations_module

    monkeypatch.setattr(profile_module, "SAMPLE_ROWS", 100)
    monkeypatch.setattr(correlations_module, "SAMPLE_ROWS", 100)
    monkeypatch.setattr(correlations_module, "MAX_COLUMNS", 2)
    path = tmp_path / "churn.parquet"
    churn_pl.write_parquet(path, row_group_size=64)
    from_file = profile_parquet(path)
    assert from_file.correlations is not None and from_file.correlations.pearson is not None
    assert len(from_file.correlations.pearson.columns) == 2
    assert from_file == profile_frame(pl.read_parquet(path))


def test_an_empty_parquet_file_profiles_as_its_frame_does(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": pl.Series([], dtype=pl.Int64), "b": pl.Series([], dtype=pl.String)})
    frame.write_parquet(tmp_path / "empty.parquet")
    assert profile_parquet(tmp_path / "empty.parquet") == profile_frame(frame)
    assert profile_parquet(tmp_path / "empty.parquet").n_columns == 2
