"""Pearson and Spearman over numeric columns, Cramér's V over categorical ones.

Limited to the MAX_COLUMNS most informative columns of each kind (most distinct values among
the mostly present), so a wide frame stays fast: the matrices are one ``corrcoef`` each, and
Cramér's V one group-by per pair of low-cardinality columns.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from skyulf_core.profiling.schema import ColumnProfile, CorrelationMatrix, Correlations

MAX_COLUMNS = 50
CRAMERS_MAX_UNIQUE = 100
SAMPLE_ROWS = 200_000


def _informative(columns: list[ColumnProfile], kind: str) -> list[str]:
    chosen = [c for c in columns if c.kind == kind and c.unique_count > 1 and c.missing_ratio < 0.9]
    if kind == "categorical":
        chosen = [c for c in chosen if c.unique_count <= CRAMERS_MAX_UNIQUE]
    chosen.sort(key=lambda c: (-(1 - c.missing_ratio) * min(c.unique_count, 1000), c.name))
    return [c.name for c in chosen[:MAX_COLUMNS]]


def _matrix(names: list[str], values: np.ndarray) -> CorrelationMatrix:
    rows = [[None if not math.isfinite(v) else round(float(v), 6) for v in row] for row in values]
    return CorrelationMatrix(columns=names, values=rows)


def _numeric(df: pl.DataFrame, names: list[str]) -> tuple[CorrelationMatrix, CorrelationMatrix]:
    frame = df.select([pl.col(n).cast(pl.Float64).fill_nan(None) for n in names]).drop_nulls()
    frame = frame.filter(pl.all_horizontal([pl.col(n).is_finite() for n in names]))
    if frame.height < 3:
        empty = np.full((len(names), len(names)), np.nan)
        return _matrix(names, empty), _matrix(names, empty)
    with np.errstate(invalid="ignore", divide="ignore"):
        pearson = np.corrcoef(frame.to_numpy(), rowvar=False)
        ranks = frame.select([pl.col(n).rank("average") for n in names]).to_numpy()
        spearman = np.corrcoef(ranks, rowvar=False)
    return _matrix(names, np.atleast_2d(pearson)), _matrix(names, np.atleast_2d(spearman))


def cramers_v(df: pl.DataFrame, a: str, b: str) -> float:
    """Bias-uncorrected Cramér's V of two categorical columns (rows missing either dropped)."""
    pair = df.select(pl.col(a).cast(pl.String), pl.col(b).cast(pl.String)).drop_nulls()
    n = pair.height
    if n == 0:
        return float("nan")
    table = pair.group_by(a, b).len()
    ra = pair.get_column(a).value_counts().rename({"count": "na"})
    rb = pair.get_column(b).value_counts().rename({"count": "nb"})
    joined = table.join(ra, on=a).join(rb, on=b)
    observed = joined.get_column("len").to_numpy().astype(float)
    expected = joined.get_column("na").to_numpy() * joined.get_column("nb").to_numpy() / n
    # Cells never observed contribute their expected count each.
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    chi2 += float(n - expected.sum())
    k = min(ra.height, rb.height)
    return math.sqrt(chi2 / (n * (k - 1))) if k > 1 else float("nan")


def correlation_candidates(columns: list[ColumnProfile]) -> set[str]:
    """The columns correlations may still look at once more columns come: a column another
    outranks now stays outranked."""
    return set(_informative(columns, "numeric")) | set(_informative(columns, "categorical"))


def correlated_columns(columns: list[ColumnProfile]) -> list[str]:
    """The columns correlations looks at."""
    numeric = _informative(columns, "numeric")
    categorical = _informative(columns, "categorical")
    return (numeric if len(numeric) >= 2 else []) + (categorical if len(categorical) >= 2 else [])


def correlations(df: pl.DataFrame, columns: list[ColumnProfile]) -> Correlations | None:
    sample = df.sample(SAMPLE_ROWS, seed=0) if df.height > SAMPLE_ROWS else df
    numeric = _informative(columns, "numeric")
    categorical = _informative(columns, "categorical")
    out = Correlations()
    if len(numeric) >= 2:
        out.pearson, out.spearman = _numeric(sample, numeric)
    if len(categorical) >= 2:
        size = len(categorical)
        values = np.eye(size)
        for i in range(size):
            for j in range(i + 1, size):
                values[i, j] = values[j, i] = cramers_v(sample, categorical[i], categorical[j])
        out.cramers_v = _matrix(categorical, values)
    if out.pearson is None and out.cramers_v is None:
        return None
    return out
