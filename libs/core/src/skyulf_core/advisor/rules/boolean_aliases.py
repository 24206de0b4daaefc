"""Yes/no answers spelled several ways ('Y', 'yes', 'TRUE', '1') -> one spelling each."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, node, subject
from skyulf_core.profiling import ColumnProfile

ID = "normalize_booleans"
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "on"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "off"})


def spellings(col: ColumnProfile) -> int:
    """How many spellings of true/false the column holds (0 if any value is not one)."""
    values = [str(v.value).strip().lower() for v in col.top_values]
    complete = len(col.top_values) == col.unique_count
    if not values or not complete or any(v not in TRUE_WORDS | FALSE_WORDS for v in values):
        return 0
    if not any(v in TRUE_WORDS for v in values) or not any(v in FALSE_WORDS for v in values):
        return 0
    return len(col.top_values)


def apply(adv: Advice) -> None:
    found = [(c.name, spellings(c)) for c in adv.live(lambda c: c.kind == "categorical")]
    found = [(name, n) for name, n in found if n > 2]
    if not found:
        return
    cols = [name for name, _ in found]
    for name in cols:
        adv.retype(name, unique_count=2)
    most = max(n for _, n in found)
    adv.add(
        ID,
        "Spell yes/no answers one way",
        f"{subject(cols, 'spells', 'spell')} true and false in up to {most} ways; replace them "
        "with 'true' and 'false' so one answer is one category.",
        cols,
        "warning",
        [node("AliasReplacement", {"mode": "normalize_boolean", "columns": cols}, ID)],
        statistic=most,
    )
