"""Numbers stored as text (a stray 'n/a' made the whole column text) -> cast to float; what does
not parse becomes missing, and is imputed after the split."""

from __future__ import annotations

import re

import polars as pl

from skyulf_core.advisor.context import Advice, node, subject

ID = "cast_numbers"
# Codes such as "00123" named like identifiers stay text (the id rule drops them).
_ID_NAME = re.compile(r"(^id$|_id$|^id_|uuid|guid|_key$|^key$|code$)", re.IGNORECASE)
PARSE_SHARE = 0.9


def numeric_share(series: pl.Series) -> float:
    text = series.cast(pl.String).str.strip_chars().drop_nulls()
    text = text.filter(text != "")
    if text.len() == 0:
        return 0.0
    return text.cast(pl.Float64, strict=False).drop_nulls().len() / text.len()


def apply(adv: Advice) -> None:
    sample = adv.sample
    if sample is None:
        return
    found: list[tuple[str, float]] = []
    for col in adv.live(lambda c: c.kind in ("categorical", "id", "text") and c.dtype == "String"):
        if col.name in sample.columns and not _ID_NAME.search(col.name):
            share = numeric_share(sample.get_column(col.name))
            if share >= PARSE_SHARE:
                found.append((col.name, share))
    if not found:
        return
    cols = [name for name, _ in found]
    share = min(s for _, s in found)
    for name, _ in found:
        parsed = sample.get_column(name).cast(pl.String).str.strip_chars()
        values = parsed.cast(pl.Float64, strict=False)
        adv.retype(
            name,
            kind="numeric",
            missing_count=max(int(values.null_count()), 1),
            unique_count=int(values.drop_nulls().n_unique()),
            skew=values.drop_nulls().skew() if values.drop_nulls().len() > 2 else None,
            min=values.min(),
            top_values=[],
        )
    adv.add(
        ID,
        "Cast numbers stored as text",
        f"{subject(cols, 'holds', 'hold')} numbers stored as text ({share:.0%} or more of the "
        "values parse as numbers); cast to float, and the rest become missing values.",
        cols,
        "warning",
        [node("Casting", {"column_types": dict.fromkeys(cols, "float")}, ID)],
        statistic=share,
    )
