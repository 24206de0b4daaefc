"""Skewed numbers -> Box-Cox (or log) when all positive, Yeo-Johnson with zeros or negatives."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, names, node, subject
from skyulf_core.profiling import ColumnProfile

ID = "skew"
SKEWED = 1.0


def _positive(col: ColumnProfile) -> bool:
    return isinstance(col.min, float) and col.min > 0


def apply(adv: Advice) -> None:
    cols = adv.live(
        lambda c: (
            c.kind == "numeric"
            and c.unique_count > 10
            and c.skew is not None
            and abs(c.skew) > SKEWED
        )
    )
    positive = [c for c in cols if _positive(c)]
    other = [c for c in cols if not _positive(c)]
    for group, method, alt, why in (
        (positive, "box_cox", "log", "all values are positive, so Box-Cox (or a log) applies"),
        (other, "yeo_johnson", None, "there are zeros or negatives, so Yeo-Johnson"),
    ):
        if not group:
            continue
        found = names(group)
        worst = max(abs(c.skew or 0.0) for c in group)
        nodes = [
            node(
                "GeneralTransformation",
                {"transformations": [{"column": c, "method": m} for c in found]},
                ID,
            )
            for m in ([method, alt] if alt else [method])
        ]
        adv.add(
            ID,
            "Reduce skew",
            f"{subject(found, 'is', 'are')} skewed (|skewness| up to {worst:.1f}); {why} makes "
            "the distribution closer to normal, which linear models and distances prefer.",
            found,
            "info",
            nodes,
            statistic=worst,
            rec_id=f"{ID}_{method}",
        )
