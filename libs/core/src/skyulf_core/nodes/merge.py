"""Merge: the fan-in node. Joins the columns of two or more branches over the same rows.

The inputs are the outputs of the nodes feeding the merge, in edge order; their rows are the same
rows (the executor checks). A column name present in more than one input is a clash: by default
an error naming the columns; ``on_clash: "suffix"`` renames it in every input that has it
(``suffixes[i]``, by default ``_1``, ``_2``, … in input order) and ``"keep_first"`` keeps the first
input's column and drops the others. Which columns clash is resolved once, at fit time, from the
inputs' column names (not their values), so the node learns nothing from the rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Literal

import pandas as pd
from pydantic import model_validator

from skyulf_core.nodes.base import (
    ColumnSet,
    FanIn,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    NodeParams,
    same_columns,
)
from skyulf_errors import NodeError

MERGE_ID = "merge"


class MergeParams(NodeParams):
    on_clash: Literal["error", "suffix", "keep_first"] = "error"
    # One suffix per input, in edge order; empty: "_1", "_2", ...
    suffixes: list[str] = []

    @model_validator(mode="after")
    def _distinct_suffixes(self) -> MergeParams:
        if len(set(self.suffixes)) != len(self.suffixes) or any(not s for s in self.suffixes):
            raise ValueError("suffixes must be distinct and non-empty")
        return self


class MergeRecord(FittedRecord):
    node_type: str = MERGE_ID
    # Per input, in edge order: its renamed columns (old -> new) and the columns it leaves out.
    renames: list[dict[str, str]] = []
    dropped: list[list[str]] = []

    def created_columns(self) -> list[str]:
        return [new for renames in self.renames for new in renames.values()]


def _suffix(params: MergeParams, index: int, node_id: str) -> str:
    if not params.suffixes:
        return f"_{index + 1}"
    if index >= len(params.suffixes):
        raise NodeError(
            f"node '{node_id}' (merge) has more inputs than suffixes ({len(params.suffixes)})",
            node_id=node_id,
            node_type=MERGE_ID,
            field="suffixes",
        )
    return params.suffixes[index]


def _resolve(
    names: Sequence[Sequence[str]], params: MergeParams, node_id: str
) -> tuple[list[dict[str, str]], list[list[str]]]:
    """Per input, the renames and drops that leave every output column name unique."""
    counts = Counter(name for columns in names for name in dict.fromkeys(columns))
    clashes = sorted(name for name, n in counts.items() if n > 1)
    renames: list[dict[str, str]] = [{} for _ in names]
    dropped: list[list[str]] = [[] for _ in names]
    if not clashes:
        return renames, dropped
    if params.on_clash == "error":
        raise NodeError(
            f"node '{node_id}' (merge): column(s) {clashes} come from more than one input; drop "
            "them on all but one branch, or set on_clash to 'suffix' or 'keep_first'",
            node_id=node_id,
            node_type=MERGE_ID,
            column=clashes[0],
            field="on_clash",
            details={"columns": clashes},
        )
    clash_set = set(clashes)
    seen: set[str] = set()
    for i, columns in enumerate(names):
        for name in columns:
            if name not in clash_set:
                continue
            if params.on_clash == "keep_first":
                if name in seen:
                    dropped[i].append(name)
                seen.add(name)
            else:
                renames[i][name] = f"{name}{_suffix(params, i, node_id)}"
    renamed = [new for r in renames for new in r.values()]
    taken = (set(counts) - clash_set) & set(renamed)
    if taken:
        raise NodeError(
            f"node '{node_id}' (merge): suffixed name(s) {sorted(taken)} are already columns; "
            "choose other suffixes",
            node_id=node_id,
            node_type=MERGE_ID,
            column=sorted(taken)[0],
            field="suffixes",
        )
    return renames, dropped


def _fit_inputs(
    parts: Sequence[pd.DataFrame], params: MergeParams, ctx: NodeContext
) -> MergeRecord:
    renames, dropped = _resolve([[str(c) for c in p.columns] for p in parts], params, ctx.node_id)
    read = sorted({old for r in renames for old in r} | {c for d in dropped for c in d})
    return MergeRecord(node_id=ctx.node_id, columns=read, renames=renames, dropped=dropped)


def _apply_inputs(
    parts: Sequence[pd.DataFrame], record: MergeRecord, ctx: NodeContext
) -> pd.DataFrame:
    if len(parts) != max(len(record.renames), 1):
        raise NodeError(
            f"node '{ctx.node_id}' (merge) was fitted on {len(record.renames)} inputs, "
            f"not {len(parts)}",
            node_id=ctx.node_id,
            node_type=MERGE_ID,
            field="edges",
        )
    frames = []
    for i, part in enumerate(parts):
        renames = record.renames[i] if record.renames else {}
        dropped = record.dropped[i] if record.dropped else []
        missing = [c for c in [*renames, *dropped] if c not in part.columns]
        if missing:
            raise NodeError(
                f"node '{ctx.node_id}' (merge): column '{missing[0]}' is not in input {i + 1}",
                node_id=ctx.node_id,
                node_type=MERGE_ID,
                column=missing[0],
                details={"columns": missing},
            )
        frame = part.drop(columns=dropped) if dropped else part
        frames.append(frame.rename(columns=renames) if renames else frame)
    if len(frames) == 1:
        return frames[0]
    joined = pd.concat(frames, axis=1)
    duplicated = sorted({str(c) for c in joined.columns[joined.columns.duplicated()]})
    if duplicated:
        raise NodeError(
            f"node '{ctx.node_id}' (merge): column(s) {duplicated} come from more than one input",
            node_id=ctx.node_id,
            node_type=MERGE_ID,
            column=duplicated[0],
            details={"columns": duplicated},
        )
    return joined


def _flow_inputs(inputs: Sequence[ColumnSet], params: MergeParams) -> ColumnSet:
    # Raises the clash error of fit time, naming the node, when names certainly clash.
    renames, dropped = _resolve([c.names for c in inputs], params, node_id="merge")
    names: list[str] = []
    kinds: dict[str, str] = {}
    for flow, rename, drop in zip(inputs, renames, dropped, strict=True):
        for name in flow.names:
            if name in drop:
                continue
            new = rename.get(name, name)
            names.append(new)
            if name in flow.kinds:
                kinds[new] = flow.kinds[name]
    removed = frozenset.intersection(*(c.removed for c in inputs)) - set(names)
    return ColumnSet(tuple(names), any(c.open for c in inputs), removed, kinds)


def _fit_one(
    X: pd.DataFrame, y: pd.Series | None, params: MergeParams, ctx: NodeContext
) -> MergeRecord:
    return _fit_inputs([X], params, ctx)


def _apply_one(
    X: pd.DataFrame, y: pd.Series | None, record: MergeRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    return _apply_inputs([X], record, ctx), y


MERGE: NodeDefinition[MergeParams, MergeRecord] = NodeDefinition(
    id=MERGE_ID,
    group="features",
    description="Joins the columns of two or more branches over the same rows.",
    params_model=MergeParams,
    record_model=MergeRecord,
    learns=False,
    train_only=False,
    calculator=_fit_one,
    applier=_apply_one,
    column_flow=same_columns,
    fan_in=FanIn(calculator=_fit_inputs, applier=_apply_inputs, column_flow=_flow_inputs),
)

NODES: list[NodeDefinition] = [MERGE]
