"""A feature that predicts the target almost perfectly -> flag loudly and drop it."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, subject

ID = "target_leakage"
LEAKAGE = 0.98


def apply(adv: Advice) -> None:
    if adv.analysis is None:
        return
    live = {c.name for c in adv.live()}
    found = [a for a in adv.analysis.associations if a.value >= LEAKAGE and a.feature in live]
    if not found:
        return
    cols = [a.feature for a in found]
    stats = ", ".join(f"'{a.feature}' {a.method} {a.value:.3f}" for a in found[:6])
    adv.drop(
        ID,
        "Possible target leakage: drop it",
        f"{subject(cols, 'predicts', 'predict')} '{adv.target}' almost perfectly ({stats}). "
        "A feature this good is usually recorded after the outcome and will not exist when "
        "predicting; the model's score would be a mirage.",
        cols,
        "critical",
        statistic=found[0].value,
    )
