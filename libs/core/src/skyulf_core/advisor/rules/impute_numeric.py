"""Missing numbers -> the median when skewed, else the mean (learnt on the train split)."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, names, node, subject

ID = "impute_numeric"
SKEWED = 1.0


def apply(adv: Advice) -> None:
    numeric = adv.live(lambda c: c.kind == "numeric" and c.missing_count > 0)
    skewed = [c for c in numeric if c.skew is not None and abs(c.skew) > SKEWED]
    regular = [c for c in numeric if c not in skewed]
    for cols, strategy, why in (
        (regular, "mean", "the values are roughly symmetric, so the mean is a fair fill"),
        (skewed, "median", "the values are skewed, so the median is safer than the mean"),
    ):
        if not cols:
            continue
        found = names(cols)
        adv.add(
            ID,
            f"Fill missing numbers with the {strategy}",
            f"{subject(found, 'has', 'have')} missing values (up to "
            f"{max(c.missing_ratio for c in cols):.0%}); {why}.",
            found,
            "warning",
            [node("SimpleImputer", {"strategy": strategy, "columns": found}, ID)],
            statistic=max(c.missing_ratio for c in cols),
            rec_id=f"{ID}_{strategy}",
        )
