"""Impossible values (negative ages, percentages over 100, negative amounts) -> missing."""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from skyulf_core.advisor.context import Advice, node
from skyulf_core.profiling import ColumnProfile

ID = "invalid_values"
_AGE = {"age"}
_PERCENT = {"pct", "percent", "percentage", "percentile"}
_AMOUNT = {
    "price", "amount", "income", "salary", "cost", "spend", "revenue", "count", "quantity",
    "qty", "duration", "tenure", "weight", "height", "distance", "length", "area", "size",
}  # fmt: skip
# (mode, bounds): the node's mode and the valid range it keeps.
Check = tuple[str, float, float | None]


def _rare(col: ColumnProfile, low: float, high: float | None) -> bool:
    """Errors are rare: out-of-range values only in the tails (a centred 'age' is not wrong)."""
    inside_low = col.q05 is None or col.q05 >= low
    inside_high = high is None or col.q95 is None or col.q95 <= high
    return inside_low and inside_high


def _check(col: ColumnProfile) -> Check | None:
    # Words of the name: "Age", "customer_age", "discountPct" -> {"age"}, {"customer", "age"}...
    spaced = re.sub(r"([a-z])([A-Z])", r"\1_\2", col.name).lower()
    words = set(re.split(r"[^a-z0-9]+", spaced))
    words |= {w[:-1] for w in words if w.endswith("s")}  # plurals: "prices" -> "price"
    low, high = col.min, col.max
    if not isinstance(low, float) or not isinstance(high, float):
        return None
    found: Check | None = None
    if words & _AGE and (low < 0 or high > 120):
        found = ("age_bounds", 0.0, 120.0)
    elif words & _PERCENT and (low < 0 or high > 100):
        found = ("percentage_bounds", 0.0, 100.0)
    elif words & _AMOUNT and low < 0:
        found = ("negative_to_nan", 0.0, None)
    return found if found is not None and _rare(col, found[1], found[2]) else None


def _share(sample: pl.DataFrame | None, name: str, check: Check) -> float | None:
    if sample is None or name not in sample.columns:
        return None
    values = sample.get_column(name).cast(pl.Float64, strict=False).drop_nulls()
    if values.len() == 0:
        return None
    _, low, high = check
    bad = (values < low) | (values > high) if high is not None else values < low
    return float(bad.sum()) / values.len()


def _extreme(col: ColumnProfile, low: float) -> float | None:
    value = col.min if isinstance(col.min, float) and col.min < low else col.max
    return value if isinstance(value, float) else None


def apply(adv: Advice) -> None:
    for col in adv.live(lambda c: c.kind == "numeric"):
        check = _check(col)
        if check is None:
            continue
        mode, low, high = check
        share = _share(adv.sample, col.name, check)
        bounds = f"{low:g} to {high:g}" if high is not None else f"at least {low:g}"
        seen = f"{share:.1%} of sampled values" if share is not None else "some values"
        adv.retype(col.name, missing_count=max(col.missing_count, 1))
        params: dict[str, Any] = {"mode": mode, "columns": [col.name]}
        adv.add(
            ID,
            f"Replace impossible values in '{col.name}'",
            f"'{col.name}' should be {bounds} but ranges from {col.min:g} to {col.max:g} "
            f"({seen} out of range); they become missing values and are imputed.",
            [col.name],
            "warning",
            [node("InvalidValueReplacement", params, ID)],
            # The share out of range when rows were at hand, else the offending extreme.
            statistic=share if share is not None else _extreme(col, low),
            rec_id=f"{ID}_{col.name}",
        )
