"""Category look-ups shared by the encoders, on pandas columns and on plain arrays.

Both paths agree by construction: a value is *missing* when it is None, NaN, NaT or pd.NA, and a
category matches by Python equality (what ``pd.Index.get_indexer`` on an object index and a dict
look-up both use), so the applier and the array fast path encode every value alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from skyulf_core.nodes._value_arrays import is_missing
from skyulf_core.nodes.base import NodeContext
from skyulf_core.nodes.columns import is_categorical, json_scalar, resolve_columns
from skyulf_errors import NodeError

Category = str | int | float | bool
UNKNOWN = -1
MISSING = -2


def sorted_categories(values: list[object]) -> list[Category]:
    """Distinct values in scikit-learn's order (sorted); mixed types sort by type name, then text."""
    try:
        ordered = sorted(values)  # type: ignore[type-var]
    except TypeError:
        ordered = sorted(values, key=lambda v: (type(v).__name__, str(v)))
    return [json_scalar(v) for v in ordered]


def observed_categories(series: pd.Series) -> list[Category]:
    """The sorted distinct non-missing values of a column."""
    return sorted_categories(list(series.dropna().unique()))


def resolve_categorical(
    X: pd.DataFrame, columns: list[str] | None, ctx: NodeContext, node_type: str
) -> list[str]:
    """Explicit columns of any dtype, or (``None``) every text/categorical non-target column."""
    resolved = resolve_columns(X, columns, ctx, node_type)
    if columns is None:
        resolved = [c for c in resolved if is_categorical(X[c])]
    return resolved


def series_codes(series: pd.Series, categories: list[Category]) -> np.ndarray:
    """Position of each value in ``categories``; UNKNOWN for unseen values, MISSING for missing."""
    codes = pd.Index(categories, dtype=object).get_indexer(series).astype(np.int64)
    return np.where(series.isna().to_numpy(), MISSING, codes)


def array_codes(values: np.ndarray, categories: list[Category]) -> np.ndarray:
    """:func:`series_codes` on a plain 1-D array (the inference fast path)."""
    lookup = {c: i for i, c in enumerate(categories)}
    out = np.empty(len(values), dtype=np.int64)
    for i, value in enumerate(values.tolist()):
        out[i] = MISSING if is_missing(value) else lookup.get(value, UNKNOWN)
    return out


def decode_codes(values: Sequence[Any], classes: Sequence[Any]) -> list[Any]:
    """Each code's entry in ``classes``; a value that is not one of its codes passes unchanged."""
    return [
        classes[int(v)]
        if isinstance(v, int | float | np.integer | np.floating)
        and not isinstance(v, bool)
        and v == v
        and float(v).is_integer()
        and 0 <= v < len(classes)
        else v
        for v in values
    ]


def check_new_names(
    X: pd.DataFrame,
    dropped: list[str],
    new_names: list[tuple[str, str]],
    ctx: NodeContext,
    node_type: str,
) -> None:
    """Refuse output columns (``(source column, name)``) that clash with kept or other outputs."""
    kept = set(X.columns) - set(dropped)
    seen: set[str] = set()
    for source, name in new_names:
        if name in kept or name in seen:
            raise NodeError(
                f"node '{ctx.node_id}' ({node_type}): output column '{name}' from column "
                f"'{source}' already exists; rename the existing column",
                node_id=ctx.node_id,
                node_type=node_type,
                column=source,
            )
        seen.add(name)


def replace_columns(
    cols: dict[str, np.ndarray], dropped: list[str], added: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Columns without ``dropped``, then ``added`` at the end: the appliers' column order."""
    gone = set(dropped)
    out = {c: v for c, v in cols.items() if c not in gone}
    out.update(added)
    return out


def as_floats(values: np.ndarray, column: str, node_id: str, node_type: str) -> np.ndarray:
    """An input array as float64 (None -> NaN); text that is not a number names the column."""
    try:
        return np.asarray(
            [np.nan if is_missing(v) else v for v in values.tolist()]
            if values.dtype == object
            else values,
            dtype="float64",
        )
    except (TypeError, ValueError) as exc:
        raise NodeError(
            f"node '{node_id}' ({node_type}): column '{column}' has non-numeric values",
            node_id=node_id,
            node_type=node_type,
            column=column,
        ) from exc
