"""Columns and their kinds as they flow through a graph, for static validation.

Each node's ``column_flow`` says which columns leave it; the kinds (number, bool, text, datetime)
are carried here, in one place, by what the node's group does to the columns it acts on:
encoders turn them into numbers, scalers, imputers, outlier and selection nodes keep their kind,
Casting sets the kind it casts to, and any other node leaves them of unknown kind. A column whose
kind is still known to be text or a date when it reaches a model is reported: the job would fail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skyulf_core.nodes import ColumnSet, NodeDefinition

NUMBER, BOOL, TEXT, DATETIME = "number", "bool", "text", "datetime"
MODEL_KINDS = frozenset({NUMBER, BOOL})

# Groups whose nodes never change the kind of a column they keep.
_KIND_KEEPING = frozenset(
    {"scaling", "outliers", "missing", "selection", "resampling", "splitting", "transform"}
)
_CAST_KINDS = {"string": TEXT, "category": TEXT, "bool": BOOL, "datetime": DATETIME}


def kind_of_dtype(dtype: str) -> str | None:
    """The kind of a dataset column from its dtype as Polars or pandas name it; None if unsure."""
    name = dtype.strip().lower()
    if name.startswith(("int", "uint", "float", "decimal")):
        return NUMBER
    if name in {"bool", "boolean"}:
        return BOOL
    if name.startswith(("datetime", "date", "time", "duration")):
        return DATETIME
    if name in {"str", "string", "utf8", "categorical", "category"} or name.startswith("enum"):
        return TEXT
    return None  # pandas "object" and the like may hold numbers stored as text


def dataset_flow(
    columns: list[str], target: str | None, dtypes: Mapping[str, str] | None
) -> ColumnSet:
    names = tuple(c for c in columns if c != target)
    kinds: dict[str, str] = {}
    for name in names:
        kind = kind_of_dtype((dtypes or {}).get(name, ""))
        if kind is not None:
            kinds[name] = kind
    return ColumnSet(names, kinds=kinds)


def _acted_on(params: Any) -> list[str] | None:
    """The columns a node's parameters name; None when it acts on every eligible column."""
    if hasattr(params, "column_types"):
        return list(params.column_types)
    columns = getattr(params, "columns", None)
    return list(columns) if columns else None


def node_flow(definition: NodeDefinition, params: Any, before: ColumnSet) -> ColumnSet:
    """The columns (with their kinds) leaving a one-input node."""
    after = definition.column_flow(before, params)
    acted = _acted_on(params)
    touched = set(before.names if acted is None else acted)
    kinds = {c: k for c, k in before.kinds.items() if c in after.names and c not in touched}
    if definition.group in _KIND_KEEPING:
        kinds |= {c: k for c, k in before.kinds.items() if c in after.names and c in touched}
    elif definition.group == "encoding":
        kinds |= {c: NUMBER for c in touched if c in after.names}
    elif definition.id == "Casting":
        for column, cast in params.column_types.items():
            if column in after.names:
                kinds[column] = _CAST_KINDS.get(cast, NUMBER)
    kinds |= {c: k for c, k in after.kinds.items() if c in after.names}
    return ColumnSet(after.names, after.open, after.removed, kinds)


def non_numeric(flow: ColumnSet) -> list[tuple[str, str]]:
    """Columns certainly reaching a model whose kind a model cannot take: (column, kind)."""
    return [
        (name, flow.kinds[name])
        for name in flow.names
        if name in flow.kinds and flow.kinds[name] not in MODEL_KINDS
    ]
