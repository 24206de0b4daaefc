"""Categories with few distinct values -> one-hot columns (learnt on the train split)."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, names, node, subject

ID = "one_hot_encode"
MAX_ONE_HOT = 20


def apply(adv: Advice) -> None:
    cols = adv.live(lambda c: c.kind == "categorical" and 2 <= c.unique_count <= MAX_ONE_HOT)
    if not cols:
        return
    found = names(cols)
    adv.handled.update(found)
    adv.add(
        ID,
        "One-hot encode categories",
        f"{subject(found, 'is a category', 'are categories')} with few distinct values (up to "
        f"{max(c.unique_count for c in cols)}); models need 0/1 columns.",
        found,
        "warning",
        [node("OneHotEncoder", {"columns": found}, ID)],
        statistic=max(c.unique_count for c in cols),
    )
