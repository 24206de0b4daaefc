"""Identifier columns (every value distinct, or sequential integers) -> drop."""

from __future__ import annotations

import re

from skyulf_core.advisor.context import Advice, names, subject
from skyulf_core.profiling import ColumnProfile

ID = "drop_id_columns"
NEAR_UNIQUE = 0.95
MIN_ROWS = 10
_ID_NAME = re.compile(r"(^id$|_id$|^id_|uuid|guid|_key$|^key$)", re.IGNORECASE)


def distinct_share(col: ColumnProfile, n_rows: int) -> float:
    return col.unique_count / max(n_rows - col.missing_count, 1)


def _identifier(col: ColumnProfile, n_rows: int) -> bool:
    """Profiled as an id, or nearly every value distinct (duplicated rows hide a perfect one):
    text codes, or whole numbers named like an id."""
    if col.kind == "id":
        return True
    if n_rows - col.missing_count < MIN_ROWS or distinct_share(col, n_rows) < NEAR_UNIQUE:
        return False
    whole = col.kind == "numeric" and "Int" in col.dtype
    return col.kind == "categorical" or (whole and bool(_ID_NAME.search(col.name)))


def apply(adv: Advice) -> None:
    n = adv.profile.n_rows
    cols = names(adv.live(lambda c: _identifier(c, n)))
    if not cols:
        return
    distinct = min(distinct_share(adv.columns[c], n) for c in cols)
    adv.drop(
        ID,
        "Drop identifier columns",
        f"{subject(cols, 'looks like an identifier', 'look like identifiers')} (a distinct "
        "value in every row): a model would memorise it instead of learning.",
        cols,
        "warning",
        statistic=distinct,
    )
