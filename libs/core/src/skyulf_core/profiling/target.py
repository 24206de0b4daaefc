"""Target analysis: the target's class balance or distribution, each feature's association with
it, and likely leakage (a feature that predicts the target almost perfectly).

Association is one number per feature on [0, 1]: |Spearman| for a numeric feature and a numeric
target, the correlation ratio (eta) for a numeric feature and a categorical target or the other
way round, Cramér's V for two categorical columns.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import polars as pl

from skyulf_core.profiling.correlations import cramers_v
from skyulf_core.profiling.schema import (
    ColumnProfile,
    DataAlert,
    FeatureAssociation,
    TargetAnalysis,
    ValueCount,
)
from skyulf_errors import InvalidArgument

LEAKAGE = 0.98
MAX_CATEGORIES = 100
Method = Literal["spearman", "correlation_ratio", "cramers_v"]
SAMPLE_ROWS = 200_000


def correlation_ratio(df: pl.DataFrame, numeric: str, category: str) -> float:
    """Correlation ratio: the share of the numeric column's spread explained by the groups."""
    pair = df.select(pl.col(numeric).cast(pl.Float64).fill_nan(None), pl.col(category)).drop_nulls()
    pair = pair.filter(pl.col(numeric).is_finite())
    if pair.height < 3:
        return float("nan")
    mean = pair.get_column(numeric).mean()
    total = float(((pair.get_column(numeric) - mean) ** 2).sum())
    groups = pair.group_by(category).agg(pl.col(numeric).mean().alias("m"), pl.len().alias("n"))
    between = float((groups.get_column("n") * (groups.get_column("m") - mean) ** 2).sum())
    return math.sqrt(between / total) if total > 0 else float("nan")


def _spearman(df: pl.DataFrame, a: str, b: str) -> float:
    pair = df.select(
        pl.col(a).cast(pl.Float64).fill_nan(None), pl.col(b).cast(pl.Float64).fill_nan(None)
    ).drop_nulls()
    if pair.height < 3:
        return float("nan")
    ranks = pair.select(pl.col(a).rank(), pl.col(b).rank()).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        return abs(float(np.corrcoef(ranks, rowvar=False)[0, 1]))


def analyse_target(
    df: pl.DataFrame, columns: list[ColumnProfile], target: str
) -> tuple[TargetAnalysis, list[DataAlert]]:
    by_name = {c.name: c for c in columns}
    if target not in by_name:
        raise InvalidArgument(
            f"target column {target!r} is not in the dataset", details={"field": "target"}
        )
    sample = df.sample(SAMPLE_ROWS, seed=0) if df.height > SAMPLE_ROWS else df
    tcol = by_name[target]
    numeric_target = tcol.kind == "numeric" and tcol.unique_count > 10
    balance: list[ValueCount] = []
    if not numeric_target:
        counts = df.get_column(target).drop_nulls().value_counts(sort=True).head(50)
        balance = [
            ValueCount(value=v if isinstance(v, str | int | float | bool) else str(v), count=int(n))
            for v, n in counts.iter_rows()
        ]
    associations: list[FeatureAssociation] = []
    for col in columns:
        if col.name == target or col.kind in ("id", "text", "datetime") or col.unique_count < 2:
            continue
        if col.kind != "numeric" and col.unique_count > MAX_CATEGORIES:
            # Cramér's V of a near-unique column is high by construction, not by association.
            continue
        method: Method
        numeric_feature = col.kind == "numeric"
        if numeric_feature and numeric_target:
            value, method = _spearman(sample, col.name, target), "spearman"
        elif numeric_feature:
            value, method = correlation_ratio(sample, col.name, target), "correlation_ratio"
        elif numeric_target:
            value, method = correlation_ratio(sample, target, col.name), "correlation_ratio"
        else:
            value, method = cramers_v(sample, col.name, target), "cramers_v"
        if math.isfinite(value):
            associations.append(
                FeatureAssociation(feature=col.name, method=method, value=round(value, 6))
            )
    associations.sort(key=lambda a: -a.value)
    alerts = [
        DataAlert(
            kind="target_leakage",
            column=a.feature,
            severity="critical",
            message=f"'{a.feature}' predicts '{target}' almost perfectly ({a.method} {a.value:.3f}); "
            "it may leak the answer",
            statistic=a.value,
        )
        for a in associations
        if a.value >= LEAKAGE
    ]
    analysis = TargetAnalysis(
        target=target,
        task="regression" if numeric_target else "classification",
        class_balance=balance,
        mean=tcol.mean if numeric_target else None,
        std=tcol.std if numeric_target else None,
        histogram=tcol.histogram if numeric_target else None,
        associations=associations,
    )
    return analysis, alerts
