"""A column missing in most rows -> drop it; imputing would mostly invent data."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, names, subject

ID = "drop_mostly_missing"
MOSTLY_MISSING = 0.5


def apply(adv: Advice) -> None:
    cols = adv.live(lambda c: c.missing_ratio > MOSTLY_MISSING)
    if not cols:
        return
    worst = max(c.missing_ratio for c in cols)
    adv.drop(
        ID,
        "Drop mostly-missing columns",
        f"{subject(names(cols), 'is', 'are')} missing in more than {MOSTLY_MISSING:.0%} of rows "
        f"(up to {worst:.0%}); imputing would mostly invent data.",
        names(cols),
        "warning",
        statistic=worst,
    )
