"""Per-group statistics for FeatureGeneration's ``group_agg``: learned once, looked up per row.

Statistics equal pandas ``groupby(keys)[value].agg(method)`` (missing values ignored, std with
ddof 1, rows with a missing key in no group). Keys are stored as JSON scalars (numbers, booleans,
text; anything else as its text) and every looked-up key is normalised the same way, so a record
reloaded from JSON finds the same groups.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from skyulf_core.nodes.columns import json_scalar

Key = str | int | float | bool


def _key(value: Any) -> Key | None:
    if value is None:
        return None
    if isinstance(value, float | np.floating) and value != value:
        return None
    try:
        if bool(value != value):  # pd.NA, NaT
            return None
    except TypeError:
        return None
    return json_scalar(value)


class GroupStats(BaseModel):
    method: str
    keys: list[list[Key]]
    values: list[float | None]
    # Used for unseen groups and missing keys: 0 for count/sum, else the train-wide statistic.
    fallback: float | None

    def index(self) -> dict[tuple[Key, ...], float]:
        return {
            tuple(k): np.nan if v is None else v
            for k, v in zip(self.keys, self.values, strict=True)
        }


def _finite_or_none(value: Any) -> float | None:
    number = float(value)
    return None if np.isnan(number) else number


def learn_group_stats(keys: list[np.ndarray], values: np.ndarray, method: str) -> GroupStats:
    normalised = [[_key(v) for v in column.tolist()] for column in keys]
    names = [f"k{i}" for i in range(len(keys))]
    frame = pd.DataFrame({**dict(zip(names, normalised, strict=True)), "value": values})
    frame[names] = frame[names].astype(object)
    stats = frame.groupby(names, dropna=True, sort=True)["value"].agg(method)
    group_keys = [list(k) if isinstance(k, tuple) else [k] for k in stats.index.tolist()]
    if method in ("count", "sum"):
        fallback: float | None = 0.0
    else:
        fallback = _finite_or_none(pd.Series(values, dtype="float64").agg(method))
    return GroupStats(
        method=method,
        keys=[[json_scalar(v) for v in k] for k in group_keys],
        values=[_finite_or_none(v) for v in stats.to_numpy()],
        fallback=fallback,
    )


def lookup_group_stats(stats: GroupStats, keys: list[np.ndarray], n: int) -> np.ndarray:
    index = stats.index()
    fallback = np.nan if stats.fallback is None else stats.fallback
    out = np.empty(n, dtype="float64")
    rows = zip(*(column.tolist() for column in keys), strict=True)
    for i, row in enumerate(rows):
        key = tuple(_key(v) for v in row)
        out[i] = index.get(key, fallback)  # type: ignore[arg-type]
    return out
