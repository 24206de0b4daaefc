"""The train/test split: everything that learns from data comes after it."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, node

ID = "split"


def apply(adv: Advice) -> None:
    if adv.target is None:
        return
    col = adv.profile.column(adv.target)
    assert col is not None
    counts = [v.count for v in col.top_values]
    # Stratifying needs every class twice; top values cover all classes when there are few.
    stratify = (
        adv.task == "classification"
        and len(counts) == col.unique_count
        and min(counts, default=0) >= 2
    )
    adv.add(
        ID,
        "Split train and test rows",
        f"Every node that learns from data must come after the split; target '{adv.target}'"
        + (" is a class label, so the split is stratified." if stratify else "."),
        [adv.target],
        "critical",
        [node("TrainTestSplitter", {"target_column": adv.target, "stratify": bool(stratify)}, ID)],
        stage="split",
    )
