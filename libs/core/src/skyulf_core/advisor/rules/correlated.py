"""Highly correlated pairs -> drop one of each: the one less associated with the target (or,
without a target, the one with more missing values, then the later one)."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, listing
from skyulf_core.profiling.schema import CorrelationMatrix

ID = "drop_correlated"
CORRELATED = 0.95


def _pairs(matrix: CorrelationMatrix | None) -> list[tuple[float, str, str]]:
    if matrix is None:
        return []
    out = []
    for i, a in enumerate(matrix.columns):
        for j in range(i + 1, len(matrix.columns)):
            value = matrix.values[i][j]
            if value is not None and abs(value) >= CORRELATED:
                out.append((abs(value), a, matrix.columns[j]))
    return out


def apply(adv: Advice) -> None:
    found = adv.profile.correlations
    if found is None:
        return
    pairs = sorted(_pairs(found.pearson) + _pairs(found.cramers_v), key=lambda p: -p[0])
    strength = {a.feature: a.value for a in (adv.analysis.associations if adv.analysis else [])}
    order = {name: i for i, name in enumerate(adv.columns)}
    live = {c.name for c in adv.live()}
    dropped: list[str] = []
    reasons: list[str] = []
    for value, a, b in pairs:
        if a not in live or b not in live or a in dropped or b in dropped:
            continue

        def weaker(name: str) -> tuple[float, float, int]:
            col = adv.columns[name]
            return (-strength.get(name, 0.0), col.missing_ratio, order[name])

        drop, keep = (a, b) if weaker(a) > weaker(b) else (b, a)
        why = (
            f"less associated with '{adv.target}'"
            if strength.get(drop, 0.0) != strength.get(keep, 0.0)
            else "more often missing"
            if adv.columns[drop].missing_ratio != adv.columns[keep].missing_ratio
            else "listed later"
        )
        dropped.append(drop)
        reasons.append(f"'{drop}' ~ '{keep}' ({value:.2f}; '{drop}' is {why})")
    if not dropped:
        return
    shown = "; ".join(reasons[:4]) + (f"; and {len(reasons) - 4} more" if len(reasons) > 4 else "")
    adv.drop(
        ID,
        "Drop one column of each highly correlated pair",
        f"Dropping {listing(dropped)}: each repeats another column almost exactly ({shown}). "
        "The copy adds no information and makes linear models unstable.",
        dropped,
        "info",
        statistic=max(v for v, _, _ in pairs),
    )
