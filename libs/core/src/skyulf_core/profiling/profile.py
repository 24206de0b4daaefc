"""profile_frame: per-column statistics, kinds and alerts for a Polars frame.

All column statistics come from one ``select`` (Polars runs the expressions in parallel over a
single scan); only top values need a group-by per column, and they are skipped for columns whose
values are nearly all distinct, where a "most frequent value" says nothing.
"""

from __future__ import annotations

import math
import re
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
import polars as pl

from skyulf_core.profiling.alerts import build_alerts
from skyulf_core.profiling.correlations import (
    SAMPLE_ROWS,
    correlated_columns,
    correlation_candidates,
    correlations,
)
from skyulf_core.profiling.schema import (
    ColumnKindName,
    ColumnProfile,
    DatasetProfile,
    Histogram,
    ValueCount,
)
from skyulf_core.profiling.target import analyse_target

QUANTILES = (0.05, 0.25, 0.75, 0.95)
PROFILE_THREADS = 2
_FOLD = np.uint64(0x100000001B3)
PII_SAMPLE = 200
PII_SHARE = 0.8
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
_PHONE = re.compile(r"^\+?[\d\s().-]{7,20}$")
TOP_VALUES = 10
HISTOGRAM_BINS = 20
TOP_VALUES_MAX_UNIQUE = 10_000
DATE_SAMPLE = 500
DATE_PARSE_SHARE = 0.9
TEXT_MIN_AVG_LENGTH = 40
ID_MIN_ROWS = 10
_ID_NAME = re.compile(r"(^id$|_id$|^id_|uuid|guid|_key$|^key$)", re.IGNORECASE)


def _stat_exprs(i: int, name: str, dtype: pl.DataType) -> list[pl.Expr]:
    col = pl.col(name)
    exprs = [col.null_count().alias(f"{i}:nulls")]
    if dtype.is_float():
        # Distinct values are counted from the sorted values the quantiles need (_distinct):
        # a hash of every float here would cost more than the rest of the column's statistics.
        exprs.append(col.is_nan().sum().alias(f"{i}:nans"))
        finite: pl.Expr = pl.when(col.is_finite()).then(col)
    else:
        finite = col
        exprs.append(col.drop_nulls().n_unique().alias(f"{i}:unique"))
    if dtype.is_numeric():
        exprs += [
            finite.min().cast(pl.Float64).alias(f"{i}:min"),
            finite.max().cast(pl.Float64).alias(f"{i}:max"),
            finite.cast(pl.Float64).mean().alias(f"{i}:mean"),
            finite.cast(pl.Float64).std().alias(f"{i}:std"),
            finite.cast(pl.Float64).skew().alias(f"{i}:skew"),
            finite.cast(pl.Float64).kurtosis().alias(f"{i}:kurtosis"),
            (col == 0).sum().alias(f"{i}:zeros"),
        ]
        if dtype.is_float():
            exprs.append(col.is_infinite().sum().alias(f"{i}:infinite"))
    elif dtype.is_temporal():
        exprs += [col.min().alias(f"{i}:min"), col.max().alias(f"{i}:max")]
    elif dtype == pl.String:
        lengths = col.str.len_chars()
        exprs += [
            lengths.mean().alias(f"{i}:avg_len"),
            lengths.min().alias(f"{i}:len_min"),
            lengths.max().alias(f"{i}:len_max"),
        ]
    return exprs


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _bound(value: Any) -> float | str | None:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return _number(value)


def _looks_like_dates(series: pl.Series) -> bool:
    sample = series.drop_nulls().head(DATE_SAMPLE)
    if sample.len() == 0:
        return False
    try:
        parsed = sample.str.to_datetime(strict=False)
    except (pl.exceptions.PolarsError, ValueError):
        return False
    return parsed.null_count() <= (1 - DATE_PARSE_SHARE) * sample.len()


def _kind(series: pl.Series, stats: dict[str, Any], non_null: int) -> ColumnKindName:
    dtype = series.dtype
    if dtype == pl.Boolean:
        return "boolean"
    if dtype.is_temporal():
        return "datetime"
    all_distinct = non_null >= ID_MIN_ROWS and stats["unique"] == non_null
    if dtype.is_integer():
        sequential = all_distinct and stats["max"] - stats["min"] + 1 == non_null
        if all_distinct and (sequential or _ID_NAME.search(series.name)):
            return "id"
        return "numeric"
    if dtype.is_numeric():
        return "numeric"
    if dtype == pl.String:
        if _looks_like_dates(series):
            return "datetime"
        avg_len = stats.get("avg_len") or 0.0
        if avg_len >= TEXT_MIN_AVG_LENGTH:
            return "text"
        if all_distinct:
            return "id"
    return "categorical"


def _top_values(series: pl.Series, unique: int, non_null: int, kind: str) -> list[ValueCount]:
    # Mostly-distinct columns (ids, continuous measurements) have no meaningful top values.
    mostly_distinct = unique > TOP_VALUES and unique > non_null / 2
    if unique == 0 or unique > TOP_VALUES_MAX_UNIQUE or mostly_distinct or kind == "id":
        return []
    if series.dtype.is_nested():
        return []
    counts = series.drop_nulls().value_counts(sort=True).head(TOP_VALUES)
    out: list[ValueCount] = []
    for value, count in counts.iter_rows():
        if (isinstance(value, float) and not math.isfinite(value)) or not isinstance(
            value, str | int | float | bool
        ):
            value = str(value)
        out.append(ValueCount(value=value, count=int(count)))
    return out


def _finite(series: pl.Series) -> tuple[np.ndarray, int]:
    """A numeric column's finite values as float64 (no nulls, NaNs or infinities), and how many
    distinct infinities (0, 1 or 2) it also holds."""
    values = series.cast(pl.Float64).to_numpy()
    finite = np.isfinite(values)
    if finite.all():
        return values.copy(), 0
    infinities = int(np.isposinf(values).any()) + int(np.isneginf(values).any())
    return values[finite], infinities


def _distinct(ordered: np.ndarray) -> int:
    """Distinct values of a sorted array."""
    return int(np.count_nonzero(np.diff(ordered))) + 1 if ordered.size else 0


def _quantiles(values: np.ndarray) -> dict[str, float]:
    """The median and QUANTILES of finite values, linearly interpolated (as Polars' "linear").

    One sort of the column serves all five; a Polars quantile expression each sorts it again.
    ``values`` is sorted in place.
    """
    if values.size == 0:
        return {}
    values.sort()
    last = values.size - 1
    out: dict[str, float] = {}
    for name, q in (("median", 0.5), *((f"q{round(q * 100):02d}", q) for q in QUANTILES)):
        rank = q * last
        low = math.floor(rank)
        high = min(low + 1, last)
        out[name] = float(values[low] + (values[high] - values[low]) * (rank - low))
    return out


def _histogram(values: np.ndarray, kind: str, unique: int) -> Histogram | None:
    """Equal-width bins over the finite values of a numeric column; a column with few distinct
    values gets no more bins than values, so each bar stands for something.

    ``values`` is sorted (by _quantiles): each bin's count is a binary search, not a pass over
    the column. Bins are half-open except the last, as numpy.histogram's.
    """
    if kind != "numeric" or unique == 0 or values.size == 0:
        return None
    low, high = float(values[0]), float(values[-1])
    if low == high:
        return Histogram(edges=[low, high], counts=[int(values.size)])
    edges = np.linspace(low, high, min(HISTOGRAM_BINS, unique) + 1)
    bounds = np.concatenate(([0], np.searchsorted(values, edges[1:-1], "left"), [values.size]))
    counts = np.diff(bounds)
    return Histogram(edges=[float(e) for e in edges], counts=[int(c) for c in counts])


def _personal_data(series: pl.Series) -> Literal["email", "phone"] | None:
    if series.dtype != pl.String:
        return None
    sample = [v for v in series.drop_nulls().head(PII_SAMPLE).to_list() if v.strip()]
    if not sample:
        return None
    for kind, pattern in (("email", _EMAIL), ("phone", _PHONE)):
        hits = sum(1 for v in sample if pattern.match(v.strip()))
        digits = kind != "phone" or all(sum(ch.isdigit() for ch in v) >= 7 for v in sample[:20])
        if hits >= PII_SHARE * len(sample) and digits:
            return kind  # type: ignore[return-value]
    return None


def _outliers(df: pl.DataFrame, columns: list[ColumnProfile]) -> dict[str, int]:
    """Values beyond 1.5 IQR of the quartiles, for every numeric column, in one select."""
    exprs = []
    for c in columns:
        if c.kind == "numeric" and c.q25 is not None and c.q75 is not None:
            iqr = c.q75 - c.q25
            low, high = c.q25 - 1.5 * iqr, c.q75 + 1.5 * iqr
            value = pl.col(c.name).cast(pl.Float64)
            exprs.append(((value < low) | (value > high)).sum().alias(c.name))
    return df.select(exprs).row(0, named=True) if exprs else {}


def _column_profiles(df: pl.DataFrame, n_rows: int) -> list[ColumnProfile]:
    """The profile of every column of ``df`` (which holds all ``n_rows`` rows of them)."""
    schema = list(df.schema.items())
    exprs = [e for i, (name, dtype) in enumerate(schema) for e in _stat_exprs(i, name, dtype)]
    row = df.select(exprs).row(0, named=True) if exprs else {}
    columns: list[ColumnProfile] = []
    for i, (name, dtype) in enumerate(schema):
        stats = {key.split(":", 1)[1]: v for key, v in row.items() if key.startswith(f"{i}:")}
        missing = int(stats["nulls"]) + int(stats.get("nans") or 0)
        series = df.get_column(name)
        finite, infinities = _finite(series) if dtype.is_numeric() else (np.empty(0), 0)
        stats.update(_quantiles(finite))  # sorts finite
        if dtype.is_float():
            stats["unique"] = _distinct(finite) + infinities
        unique = int(stats["unique"])
        kind = _kind(series, stats, n_rows - missing)
        columns.append(
            ColumnProfile(
                name=name,
                dtype=str(dtype),
                kind=kind,
                missing_count=missing,
                missing_ratio=missing / n_rows if n_rows else 0.0,
                unique_count=unique,
                min=_bound(stats.get("min")),
                max=_bound(stats.get("max")),
                mean=_number(stats.get("mean")),
                std=_number(stats.get("std")),
                median=_number(stats.get("median")),
                skew=_number(stats.get("skew")),
                top_values=_top_values(series, unique, n_rows - missing, kind),
                histogram=_histogram(finite, kind, unique),
                q05=_number(stats.get("q05")),
                q25=_number(stats.get("q25")),
                q75=_number(stats.get("q75")),
                q95=_number(stats.get("q95")),
                kurtosis=_number(stats.get("kurtosis")),
                zeros_count=int(stats.get("zeros") or 0),
                infinite_count=int(stats.get("infinite") or 0),
                length_min=_int(stats.get("len_min")),
                length_mean=_number(stats.get("avg_len")),
                length_max=_int(stats.get("len_max")),
                personal_data=_personal_data(series),
            )
        )
        del finite
    for name, count in _outliers(df, columns).items():
        next(c for c in columns if c.name == name).outliers_iqr = int(count or 0)
    return columns


def _profile(
    n_rows: int,
    columns: list[ColumnProfile],
    duplicates: int,
    memory_bytes: int,
    sample: pl.DataFrame,
) -> DatasetProfile:
    found = correlations(sample, columns) if n_rows else None
    return DatasetProfile(
        n_rows=n_rows,
        n_columns=len(columns),
        duplicate_rows=duplicates,
        columns=columns,
        alerts=build_alerts(columns, n_rows, duplicates, found),
        memory_bytes=memory_bytes,
        correlations=found,
    )


def _sample_rows(n_rows: int) -> pl.Series | None:
    """The rows correlations are measured on (those ``DataFrame.sample`` with seed 0 picks), in
    file order: gathering sorted rows is several times faster. None when every row is."""
    if n_rows <= SAMPLE_ROWS:
        return None
    rows = pl.DataFrame({"row": pl.int_range(0, n_rows, eager=True)})
    return rows.sample(SAMPLE_ROWS, seed=0).get_column("row").sort()


def profile_frame(df: pl.DataFrame, target: str | None = None) -> DatasetProfile:
    """Profile every column of ``df`` and raise data-quality alerts; with a target, analyse it
    (balance or distribution, each feature's association, likely leakage)."""
    n_rows = df.height
    columns = _column_profiles(df, n_rows)
    # Row hashes, not a full-row group-by: the same answer (a 64-bit collision is negligible)
    # at a fraction of the cost on wide frames.
    duplicates = n_rows - df.hash_rows().n_unique() if n_rows and df.width else 0
    rows = _sample_rows(n_rows)
    sample = df if rows is None else df[rows]
    profile = _profile(n_rows, columns, duplicates, int(df.estimated_size()), sample)
    if target is not None and n_rows:
        profile.target, leaks = analyse_target(df, columns, target)
        profile.alerts += leaks
    return profile


@dataclass
class _ColumnPass:
    """What one column of a Parquet file adds to its profile."""

    profiles: list[ColumnProfile]
    memory_bytes: int
    hashes: np.ndarray
    sample: pl.Series


def _profile_column(path: Path, name: str, n_rows: int, rows: pl.Series | None) -> _ColumnPass:
    part = pl.read_parquet(path, columns=[name])
    series = part.get_column(name)
    return _ColumnPass(
        profiles=_column_profiles(part, n_rows),
        memory_bytes=int(part.estimated_size()),
        hashes=part.hash_rows().to_numpy(),
        sample=series if rows is None else series.gather(rows),
    )


def profile_parquet(path: Path) -> DatasetProfile:
    """profile_frame of a Parquet file, read one column at a time: memory holds the columns
    being profiled, the rows' running hashes and the correlation sample, never the whole table.

    PROFILE_THREADS columns are profiled at once: reading, sorting, hashing and counting a
    column release the GIL. The correlation sample is taken on the same pass, and only the
    columns correlations could still choose keep theirs.
    """
    names = list(pl.read_parquet_schema(path))
    n_rows = pl.scan_parquet(path).select(pl.len()).collect().item()
    rows = _sample_rows(n_rows)
    columns: list[ColumnProfile] = []
    hashes: np.ndarray | None = None
    memory_bytes = 0
    samples: dict[str, pl.Series] = {}

    def add(done: _ColumnPass) -> None:
        nonlocal hashes, memory_bytes, samples
        columns.extend(done.profiles)
        memory_bytes += done.memory_bytes
        # A row's hash folds its columns' hashes in (FNV-style), in column order, so duplicates
        # need no more than a column at a time.
        hashes = done.hashes if hashes is None else (hashes * _FOLD) ^ done.hashes
        samples[done.sample.name] = done.sample
        kept = correlation_candidates(columns)
        samples = {name: sample for name, sample in samples.items() if name in kept}

    with ThreadPoolExecutor(PROFILE_THREADS, thread_name_prefix="profile") as pool:
        running: deque[Future[_ColumnPass]] = deque()
        for name in names:
            running.append(pool.submit(_profile_column, path, name, n_rows, rows))
            if len(running) >= PROFILE_THREADS:
                add(running.popleft().result())
        while running:
            add(running.popleft().result())
    duplicates = n_rows - pl.Series(hashes).n_unique() if hashes is not None and n_rows else 0
    del hashes
    sample = pl.DataFrame([samples[name] for name in correlated_columns(columns)])
    return _profile(n_rows, columns, duplicates, memory_bytes, sample)
