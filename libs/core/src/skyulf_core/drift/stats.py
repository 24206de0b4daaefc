"""Reference statistics of a training split and per-column drift tests against current data.

Numbers: PSI over the reference's decile bins, the two-sample Kolmogorov-Smirnov test and the
Wasserstein distance (divided by the reference's standard deviation, so it reads in standard
deviations), both against the reference's 201 quantiles as its sample. Categories: PSI over the
reference's categories (plus one bin for any other value) and the chi-square test of the current
counts against the reference's frequencies. Each test's value is graded against thresholds; a
column's severity is its worst test's, the report's its worst column's.
"""

from __future__ import annotations

import itertools
import math
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel
from scipy import stats as sps

from skyulf_errors import InvalidArgument

Severity = Literal["none", "low", "medium", "high"]
LEVELS: tuple[Severity, ...] = ("none", "low", "medium", "high")
N_BINS = 10
N_QUANTILES = 201
MAX_CATEGORIES = 50
OTHER = "__other__"
# Keeps log(0) out of PSI: an empty bin counts as this share.
EPS = 1e-4


class ColumnReference(BaseModel):
    name: str
    kind: Literal["numeric", "categorical"]
    count: int
    missing_share: float
    # numeric
    edges: list[float] = []
    shares: list[float] = []
    quantiles: list[float] = []
    mean: float | None = None
    std: float | None = None
    # categorical: category -> share of the non-missing values (OTHER for the rest)
    frequencies: dict[str, float] = {}


class ReferenceStats(BaseModel):
    n_rows: int
    columns: list[ColumnReference]


class DriftThresholds(BaseModel):
    """Lower bounds of low / medium / high for each test (p-values: upper bounds)."""

    psi: tuple[float, float, float] = (0.1, 0.2, 0.25)
    ks: tuple[float, float, float] = (0.1, 0.2, 0.3)
    wasserstein: tuple[float, float, float] = (0.1, 0.25, 0.5)
    # chi-square is graded by its p-value, and only once the shift matters (PSI >= low).
    chi2_p: tuple[float, float, float] = (0.05, 0.01, 0.001)


class TestResult(BaseModel):
    test: Literal["psi", "ks", "wasserstein", "chi2"]
    value: float
    p_value: float | None = None
    severity: Severity


class ColumnDrift(BaseModel):
    name: str
    kind: Literal["numeric", "categorical"]
    n_current: int
    missing_share_reference: float
    missing_share_current: float
    tests: list[TestResult]
    severity: Severity
    # For a chart: the reference's and the current data's share per bin / category.
    bins: list[str]
    reference_shares: list[float]
    current_shares: list[float]


class DriftResult(BaseModel):
    n_reference: int
    n_current: int
    severity: Severity
    columns: list[ColumnDrift]
    missing_columns: list[str] = []
    thresholds: DriftThresholds = DriftThresholds()

    @property
    def drifted(self) -> list[str]:
        return [c.name for c in self.columns if c.severity in ("medium", "high")]


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _numeric(series: pd.Series) -> np.ndarray:
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64")
    return values[np.isfinite(values)]


def _column_reference(name: str, series: pd.Series) -> ColumnReference:
    count = len(series)
    missing = float(series.isna().mean()) if count else 0.0
    if _is_numeric(series):
        values = _numeric(series)
        if len(values) == 0:
            return ColumnReference(name=name, kind="numeric", count=count, missing_share=missing)
        # One selection pass for the bin edges and the quantiles together.
        inner = np.linspace(0, 1, N_BINS + 1)[1:-1]
        both = np.quantile(values, np.r_[inner, np.linspace(0, 1, N_QUANTILES)])
        edges, quantiles = np.unique(both[: len(inner)]), both[len(inner) :]
        shares = np.bincount(np.searchsorted(edges, values, side="right"), minlength=len(edges) + 1)
        return ColumnReference(
            name=name,
            kind="numeric",
            count=count,
            missing_share=missing,
            edges=edges.tolist(),
            shares=(shares / len(values)).tolist(),
            quantiles=quantiles.tolist(),
            mean=float(values.mean()),
            std=float(values.std()),
        )
    text = series.dropna().astype(str)
    counts = text.value_counts()
    top = counts.iloc[:MAX_CATEGORIES]
    total = max(len(text), 1)
    freqs = {str(k): float(v) / total for k, v in top.items()}
    rest = int(counts.iloc[MAX_CATEGORIES:].sum())
    if rest:
        freqs[OTHER] = rest / total
    return ColumnReference(
        name=name, kind="categorical", count=count, missing_share=missing, frequencies=freqs
    )


def reference_statistics(frame: pd.DataFrame, columns: list[str] | None = None) -> ReferenceStats:
    """The statistics drift is measured against, from a training split's raw input columns."""
    names = columns if columns is not None else [str(c) for c in frame.columns]
    return ReferenceStats(
        n_rows=len(frame), columns=[_column_reference(c, frame[c]) for c in names if c in frame]
    )


def _grade(value: float, bounds: tuple[float, float, float]) -> Severity:
    level = sum(1 for b in bounds if value >= b)
    return LEVELS[level]


def _grade_p(p: float, bounds: tuple[float, float, float]) -> Severity:
    level = sum(1 for b in bounds if p < b)
    return LEVELS[level]


def psi(expected: np.ndarray, actual: np.ndarray) -> float:
    e = np.clip(expected, EPS, None)
    a = np.clip(actual, EPS, None)
    return float(np.sum((a - e) * np.log(a / e)))


def _worst(levels: list[Severity]) -> Severity:
    return max(levels, key=LEVELS.index) if levels else "none"


def _numeric_drift(
    ref: ColumnReference, series: pd.Series, t: DriftThresholds
) -> tuple[list[TestResult], list[str], list[float], list[float]]:
    values = _numeric(series)
    edges = np.asarray(ref.edges)
    expected = np.asarray(ref.shares)
    counts = np.bincount(np.searchsorted(edges, values, side="right"), minlength=len(edges) + 1)
    actual = counts / max(len(values), 1)
    p = psi(expected, actual)
    sample = np.asarray(ref.quantiles)
    ks = sps.ks_2samp(sample, values)
    scale = ref.std or 1.0
    w = float(sps.wasserstein_distance(sample, values)) / scale
    tests = [
        TestResult(test="psi", value=p, severity=_grade(p, t.psi)),
        TestResult(
            test="ks",
            value=float(ks.statistic),
            p_value=float(ks.pvalue),
            severity=_grade(float(ks.statistic), t.ks),
        ),
        TestResult(test="wasserstein", value=w, severity=_grade(w, t.wasserstein)),
    ]
    bounds = [-math.inf, *ref.edges, math.inf]
    labels = [f"{_short(lo)}..{_short(hi)}" for lo, hi in itertools.pairwise(bounds)]
    return tests, labels, expected.tolist(), actual.tolist()


def _short(x: float) -> str:
    return "-inf" if x == -math.inf else "inf" if x == math.inf else f"{x:.4g}"


def _categorical_drift(
    ref: ColumnReference, series: pd.Series, t: DriftThresholds
) -> tuple[list[TestResult], list[str], list[float], list[float]]:
    text = series.dropna().astype(str)
    known = [k for k in ref.frequencies if k != OTHER]
    labels = [*known, OTHER]
    counts = text.where(text.isin(known), OTHER).value_counts()
    observed = np.asarray([float(counts.get(k, 0)) for k in labels])
    expected = np.asarray([ref.frequencies.get(k, 0.0) for k in labels])
    n = observed.sum()
    actual = observed / n if n else observed
    p = psi(expected, actual)
    tests = [TestResult(test="psi", value=p, severity=_grade(p, t.psi))]
    if n:
        exp_counts = np.clip(expected, EPS, None)
        exp_counts = exp_counts / exp_counts.sum() * n
        chi = sps.chisquare(observed, exp_counts)
        chi_p = float(chi.pvalue)
        # A significant but tiny shift (large n) is not drift: graded only once PSI moves.
        chi_sev: Severity = _grade_p(chi_p, t.chi2_p) if p >= t.psi[0] else "none"
        tests.append(
            TestResult(test="chi2", value=float(chi.statistic), p_value=chi_p, severity=chi_sev)
        )
    return tests, labels, expected.tolist(), actual.tolist()


def compare(
    reference: ReferenceStats, current: pd.DataFrame, thresholds: DriftThresholds | None = None
) -> DriftResult:
    """Every reference column present in ``current``, tested; absent ones listed as missing."""
    t = thresholds or DriftThresholds()
    if len(current) == 0:
        raise InvalidArgument("the current data has no rows", details={"field": "current"})
    columns = []
    missing = []
    for ref in reference.columns:
        if ref.name not in current.columns:
            missing.append(ref.name)
            continue
        series = current[ref.name]
        if ref.kind == "numeric" and ref.edges:
            tests, labels, ref_shares, cur_shares = _numeric_drift(ref, series, t)
        elif ref.kind == "categorical":
            tests, labels, ref_shares, cur_shares = _categorical_drift(ref, series, t)
        else:
            continue
        columns.append(
            ColumnDrift(
                name=ref.name,
                kind=ref.kind,
                n_current=len(series),
                missing_share_reference=ref.missing_share,
                missing_share_current=float(series.isna().mean()),
                tests=tests,
                severity=_worst([x.severity for x in tests]),
                bins=labels,
                reference_shares=ref_shares,
                current_shares=cur_shares,
            )
        )
    return DriftResult(
        n_reference=reference.n_rows,
        n_current=len(current),
        severity=_worst([c.severity for c in columns]),
        columns=columns,
        missing_columns=missing,
        thresholds=t,
    )
