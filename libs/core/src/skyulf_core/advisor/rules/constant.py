"""Constant and near-constant columns (one value in nearly every row) -> drop."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, subject
from skyulf_core.profiling import ColumnProfile

ID = "drop_constant"
NEAR_CONSTANT = 0.99


def top_share(col: ColumnProfile, n_rows: int) -> float:
    present = n_rows - col.missing_count
    if col.unique_count <= 1 or present <= 0:
        return 1.0
    return col.top_values[0].count / present if col.top_values else 0.0


def apply(adv: Advice) -> None:
    n = adv.profile.n_rows
    found = [(c.name, top_share(c, n)) for c in adv.live() if top_share(c, n) >= NEAR_CONSTANT]
    if not found:
        return
    cols = [name for name, _ in found]
    share = min(s for _, s in found)
    adv.drop(
        ID,
        "Drop constant and near-constant columns",
        f"{subject(cols, 'holds', 'hold')} one value in at least {share:.1%} of rows: too "
        "little variation to inform a model, and a rare value seen once in training is noise.",
        cols,
        "warning",
        statistic=share,
    )
