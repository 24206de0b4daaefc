"""Missingness that tells something about the target -> keep it as a 0/1 flag before imputing.

Association of "is missing" with the target: Cramér's V for a class label, the correlation
ratio for a numeric target, measured on the rows the advisor has.
"""

from __future__ import annotations

import math

import polars as pl

from skyulf_core.advisor.context import Advice, node, subject
from skyulf_core.profiling import ColumnProfile
from skyulf_core.profiling.correlations import cramers_v
from skyulf_core.profiling.target import correlation_ratio

ID = "missing_indicator"
ASSOCIATED = 0.1
MIN_MISSING = 5
FLAG = "_was_missing"


def association(sample: pl.DataFrame, column: str, target: str, task: str) -> float:
    flags = sample.select(
        pl.col(column).is_null().cast(pl.Int8).cast(pl.String).alias("_missing"), pl.col(target)
    )
    if flags.get_column("_missing").n_unique() < 2:
        return 0.0
    if task == "regression":
        value = correlation_ratio(flags, target, "_missing")
    else:
        value = cramers_v(flags, "_missing", target)
    return value if math.isfinite(value) else 0.0


def apply(adv: Advice) -> None:
    sample, target = adv.sample, adv.target
    if sample is None or target is None or adv.task is None or target not in sample.columns:
        return
    found: list[tuple[str, float]] = []
    for col in adv.live(lambda c: c.missing_count > 0):
        if col.name in sample.columns and sample.get_column(col.name).null_count() >= MIN_MISSING:
            value = association(sample, col.name, target, adv.task)
            if value >= ASSOCIATED:
                found.append((col.name, value))
    if not found:
        return
    cols = [name for name, _ in found]
    strongest = max(v for _, v in found)
    for name in cols:
        flag = ColumnProfile(
            name=f"{name}{FLAG}", dtype="Int8", kind="numeric", missing_count=0,
            missing_ratio=0.0, unique_count=2,
        )  # fmt: skip
        adv.add_column(flag)
    adv.add(
        ID,
        "Flag where values were missing",
        f"Whether {subject(cols, 'is', 'are')} missing is itself associated with '{target}' "
        f"(up to {strongest:.2f}); a 0/1 flag keeps that signal after imputation fills the gaps.",
        cols,
        "info",
        [node("MissingIndicator", {"columns": cols}, ID)],
        statistic=strongest,
    )
