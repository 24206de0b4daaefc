"""Ordinal-looking categories (sizes, grades, levels) -> ordinal codes in the inferred order."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, node, subject
from skyulf_core.profiling import ColumnProfile

ID = "ordinal_encode"
# Known orders, lowest first; a column is ordinal when all its values belong to one scale.
SCALES: tuple[tuple[str, ...], ...] = (
    ("xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl"),
    ("extra small", "small", "medium", "large", "extra large"),
    ("very low", "low", "medium", "high", "very high"),
    ("none", "low", "medium", "high"),
    ("very poor", "poor", "fair", "good", "very good", "excellent"),
    ("bad", "average", "good"),
    ("never", "rarely", "sometimes", "often", "always"),
    ("strongly disagree", "disagree", "neutral", "agree", "strongly agree"),
    ("beginner", "intermediate", "advanced", "expert"),
    ("junior", "mid", "senior", "lead"),
    ("primary", "secondary", "tertiary"),
    ("high school", "bachelor", "master", "phd"),
    ("cold", "cool", "warm", "hot"),
)
GRADES = ("f", "e", "d", "c", "b", "a")
_GRADE_NAMES = ("grade", "rating", "level", "class", "score", "rank")


def order(col: ColumnProfile) -> list[str] | None:
    """The column's values, lowest first, when they all sit on one known scale."""
    if len(col.top_values) != col.unique_count or col.unique_count < 3:
        return None
    values = [str(v.value) for v in col.top_values]
    keys = {v: v.strip().lower().replace("_", " ").replace("-", " ") for v in values}
    scales = list(SCALES)
    if any(word in col.name.lower() for word in _GRADE_NAMES):
        scales.append(GRADES)
    for scale in scales:
        if all(k in scale for k in keys.values()):
            return sorted(values, key=lambda v: scale.index(keys[v]))
    return None


def apply(adv: Advice) -> None:
    found = {c.name: o for c in adv.live(lambda c: c.kind == "categorical") if (o := order(c))}
    if not found:
        return
    cols = list(found)
    adv.handled.update(cols)
    shown = "; ".join(f"'{c}': {' < '.join(o)}" for c, o in list(found.items())[:3])
    params = {"columns": cols, "categories_order": found}
    adv.add(
        ID,
        "Encode ordered categories as ranks",
        f"{subject(cols, 'has', 'have')} values with a natural order ({shown}); ranks keep "
        "that order, which one-hot columns would throw away.",
        cols,
        "info",
        [node("OrdinalEncoder", params, ID), node("OneHotEncoder", {"columns": cols}, ID)],
        statistic=max(len(o) for o in found.values()),
    )
