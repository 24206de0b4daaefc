"""Dates (including dates stored as text) -> calendar parts a model can use."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, names, node, subject
from skyulf_core.profiling import ColumnProfile

ID = "date_parts"
PARTS = ["year", "month"]  # trend and season; day numbers are mostly noise to a model


def apply(adv: Advice) -> None:
    cols = adv.live(lambda c: c.kind == "datetime")
    if not cols:
        return
    as_text = [c.name for c in cols if c.dtype == "String"]
    for col in cols:
        adv.dropped.add(col.name)
        for part in PARTS:
            # Text that does not parse gives a missing part: impute those after the split.
            gaps = col.missing_count + (1 if col.dtype == "String" else 0)
            adv.add_column(
                ColumnProfile(
                    name=f"{col.name}_{part}",
                    dtype="Float64",
                    kind="numeric",
                    missing_count=gaps,
                    missing_ratio=gaps / max(adv.profile.n_rows, 1),
                    unique_count=12,
                )
            )
    text = f" ({subject(as_text, 'is', 'are')} stored as text)" if as_text else ""
    adv.add(
        ID,
        "Turn dates into calendar parts",
        f"{subject(names(cols), 'is a date', 'are dates')}{text}; a model cannot use a date "
        f"as it is, but its {', '.join(PARTS)} can carry seasonality and trend.",
        names(cols),
        "warning",
        [
            node(
                "DateFeatures",
                {"columns": names(cols), "features": PARTS, "drop_original": True},
                ID,
            )
        ],
        statistic=len(cols),
    )
