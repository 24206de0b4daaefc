"""Heavy outliers -> winsorize (clip to the 1st-99th percentiles learnt on the train split);
IQR removal is the alternative, with the share of rows it would remove."""

from __future__ import annotations

import polars as pl

from skyulf_core.advisor.context import Advice, names, node, subject
from skyulf_core.profiling import ColumnProfile

ID = "outliers"
OUTLIER_SHARE = 0.01
HEAVY_TAILS = 3.0  # excess kurtosis: a normal distribution has 0


def _heavy(col: ColumnProfile, n_rows: int) -> bool:
    present = n_rows - col.missing_count
    return (
        col.kind == "numeric"
        and col.unique_count > 10
        and present > 0
        and col.outliers_iqr / present >= OUTLIER_SHARE
        and (col.kurtosis or 0.0) > HEAVY_TAILS
    )


def removed_share(adv: Advice, cols: list[ColumnProfile]) -> float:
    """Rows beyond 1.5 IQR in any of ``cols``: measured on the rows at hand, else the largest
    single column's share (a lower bound)."""
    n = adv.profile.n_rows
    sample = adv.sample
    usable = [c for c in cols if c.q25 is not None and c.q75 is not None]
    if sample is None or not all(c.name in sample.columns for c in usable) or not usable:
        return max(c.outliers_iqr / max(n, 1) for c in cols)
    beyond = []
    for c in usable:
        assert c.q25 is not None and c.q75 is not None
        iqr = c.q75 - c.q25
        value = pl.col(c.name).cast(pl.Float64, strict=False)
        beyond.append((value < c.q25 - 1.5 * iqr) | (value > c.q75 + 1.5 * iqr))
    hit = sample.select(pl.any_horizontal(beyond).fill_null(False).sum()).item()
    return float(hit) / max(sample.height, 1)


def apply(adv: Advice) -> None:
    n = adv.profile.n_rows
    cols = adv.live(lambda c: _heavy(c, n))
    if not cols:
        return
    found = names(cols)
    worst = max(c.outliers_iqr / max(n - c.missing_count, 1) for c in cols)
    share = removed_share(adv, cols)
    adv.add(
        ID,
        "Tame heavy outliers",
        f"{subject(found, 'has', 'have')} heavy tails (up to {worst:.1%} of values beyond 1.5 "
        "IQR); clipping to the 1st and 99th percentiles keeps every row. Removing outlier rows "
        f"(IQR) instead would drop about {share:.1%} of the training rows.",
        found,
        "info",
        [
            node(
                "Winsorize",
                {"columns": found, "lower_percentile": 1.0, "upper_percentile": 99.0},
                ID,
            ),
            node("IQR", {"columns": found, "multiplier": 1.5}, ID),
        ],
        statistic=worst,
    )
