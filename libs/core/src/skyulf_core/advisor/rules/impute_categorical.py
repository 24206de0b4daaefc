"""Missing categories -> the most frequent one (learnt on the train split)."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, names, node, subject

ID = "impute_categorical"


def apply(adv: Advice) -> None:
    cols = adv.live(lambda c: c.kind in ("categorical", "boolean") and c.missing_count > 0)
    if not cols:
        return
    found = names(cols)
    worst = max(c.missing_ratio for c in cols)
    adv.add(
        ID,
        "Fill missing categories with the most frequent",
        f"{subject(found, 'has', 'have')} missing values (up to {worst:.0%}); the most "
        "frequent category is the least surprising fill.",
        found,
        "warning",
        [node("SimpleImputer", {"strategy": "most_frequent", "columns": found}, ID)],
        statistic=worst,
    )
