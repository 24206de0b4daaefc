"""Exact duplicate rows -> deduplicate, so one row is not both trained on and tested on."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, node

ID = "deduplicate_rows"


def apply(adv: Advice) -> None:
    dupes, n = adv.profile.duplicate_rows, adv.profile.n_rows
    if not dupes or not n:
        return
    adv.add(
        ID,
        "Remove duplicate rows",
        f"{dupes} rows ({dupes / n:.1%}) repeat another row exactly; a copy on each side of the "
        "split inflates the test score.",
        [],
        "warning",
        [node("Deduplicate", {"keep": "first"}, ID)],
        statistic=dupes / n,
    )
