"""Numbers on scales far apart, with a scale-sensitive model -> standardise them."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, names, node, subject

ID = "scale_numeric"
SPREAD_RATIO = 10.0
# Models whose fit depends on the features' scales (penalties, distances, gradient steps).
SCALE_SENSITIVE = frozenset(
    {
        "logistic_regression", "calibrated_classifier", "svc", "svr", "sgd_classifier",
        "k_neighbors_classifier", "k_neighbors_regressor", "ridge_regression",
        "lasso_regression", "elasticnet_regression", "stacking_classifier",
        "stacking_regressor", "voting_classifier", "voting_regressor",
    }
)  # fmt: skip


def apply(adv: Advice) -> None:
    if adv.model is not None and adv.model not in SCALE_SENSITIVE:
        return
    cols = adv.live(lambda c: c.kind == "numeric" and c.unique_count >= 2)
    spreads = [c.std for c in cols if c.std is not None and c.std > 0]
    if len(cols) < 2 or len(spreads) < 2:
        return
    # Apart from each other, or from the unit scale a penalty's strength is meant for.
    low, high = min(spreads), max(spreads)
    ratio = max(high, 1.0) / min(low, 1.0)
    if ratio < SPREAD_RATIO:
        return
    found = names(cols)
    who = f"'{adv.model}'" if adv.model else "distance-based and linear models"
    adv.add(
        ID,
        "Standardise numeric columns",
        f"{subject(found, 'is', 'are')} numeric with standard deviations from {low:.3g} to "
        f"{high:.3g} ({ratio:.0f} times apart, counting the unit scale); {who} weighs features "
        "by their scale, so standardise them (RobustScaler if outliers remain).",
        found,
        "warning",
        [
            node("StandardScaler", {"columns": found}, ID),
            node("RobustScaler", {"columns": found}, ID),
        ],
        statistic=ratio,
    )
