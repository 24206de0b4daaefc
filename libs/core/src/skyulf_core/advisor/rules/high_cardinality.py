"""Categories with many distinct values -> target encoding (cross-fitted on the train split), or
hashing; never a silent drop."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, names, node, subject

ID = "high_cardinality"
MAX_ONE_HOT = 20  # OneHotEncoder's default max_categories
HASH_FEATURES = 16


def apply(adv: Advice) -> None:
    cols = adv.live(lambda c: c.kind == "categorical" and c.unique_count > MAX_ONE_HOT)
    if not cols:
        return
    found = names(cols)
    adv.handled.update(found)
    most = max(c.unique_count for c in cols)
    hashing = node("HashEncoder", {"columns": found, "n_features": HASH_FEATURES}, ID)
    if adv.target is None:
        nodes, how = [hashing], f"hashing them into {HASH_FEATURES} columns keeps the size fixed"
    else:
        nodes = [node("TargetEncoder", {"columns": found}, ID), hashing]
        how = (
            f"target encoding replaces each with its smoothed mean of '{adv.target}', "
            "cross-fitted in 5 folds on the train split so no row sees its own answer"
        )
    adv.add(
        ID,
        "Encode high-cardinality categories",
        f"{subject(found, 'has', 'have')} many distinct values (up to {most}); one-hot would "
        f"add that many columns, so {how}.",
        found,
        "warning",
        nodes,
        statistic=most,
    )
