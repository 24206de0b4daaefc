"""An imbalanced class target -> class weights in the model (or, for a model without them,
oversampling of the train split only); the metric becomes PR-AUC for a binary target."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, node
from skyulf_core.models import get_model

ID = "imbalance"
MINORITY_RATIO = 0.25  # smallest class / largest class


def class_counts(adv: Advice) -> list[int]:
    if adv.analysis is not None and adv.analysis.class_balance:
        return [v.count for v in adv.analysis.class_balance]
    col = adv.profile.column(adv.target) if adv.target else None
    if col is None or len(col.top_values) != col.unique_count:
        return []
    return [v.count for v in col.top_values]


def apply(adv: Advice) -> None:
    if adv.task != "classification" or adv.target is None:
        return
    counts = class_counts(adv)
    if len(counts) < 2:
        return
    ratio = min(counts) / max(counts)
    if ratio >= MINORITY_RATIO:
        return
    binary = len(counts) == 2
    if binary:
        adv.metric = "pr_auc"
    oversample = node("Oversampling", {"target_column": adv.target, "method": "random_over"}, ID)
    weighted = (
        adv.model is not None and "class_weight" in get_model(adv.model).params_model.model_fields
    )
    if weighted:
        adv.model_params["class_weight"] = "balanced"
        assert adv.model is not None
        nodes = [node(adv.model, dict(adv.model_params), ID), oversample]
        how = f"weight the classes in '{adv.model}' (class_weight 'balanced')"
    else:
        nodes = [oversample]
        how = "oversample the minority on the train split only (the test split stays real)"
    share = min(counts) / sum(counts)
    adv.add(
        ID,
        "Balance the classes",
        f"'{adv.target}' is imbalanced: the smallest class is {share:.1%} of rows ({ratio:.2f} "
        f"of the largest). {how.capitalize()}"
        + ("; judge it by PR-AUC, which accuracy would flatter." if binary else "."),
        [adv.target],
        "warning",
        nodes,
        statistic=ratio,
    )
