"""preview_pipeline: what each node outputs, on a sample, for the canvas.

The graph may still be unfinished (no splitter, target or model yet). After the splitter, a
node's preview is its train-split output. The target, when known, is shown as the last column.
Each preview also gives the size of every split after the node, and warnings about what the node
did to the train rows (dropped them all, left a column all-missing, changed nothing).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from pydantic import BaseModel

from skyulf_core.cells import json_value
from skyulf_core.graph.runner import Frames, Step, build_plan, run_steps
from skyulf_core.graph.spec import PipelineGraph, parse_graph
from skyulf_core.graph.validation import check_graph
from skyulf_core.nodes.splitting import SPLITTER_ID, Split


class SplitSize(BaseModel):
    name: str  # "train", "test", "validation", or "all" before the splitter
    n_rows: int
    n_columns: int


class NodePreview(BaseModel):
    node_id: str
    node_type: str
    n_rows: int
    columns: list[str]
    dtypes: dict[str, str]
    rows: list[dict[str, Any]]
    splits: list[SplitSize] = []
    warnings: list[str] = []


def _preview(step: Step, frames: Frames, target: str | None, rows: int) -> NodePreview:
    X, y = frames.train.X, frames.train.y
    shown = X if y is None or target is None else X.assign(**{target: y})
    head = shown.head(rows)
    columns = [str(c) for c in shown.columns]
    records = [
        {col: json_value(v) for col, v in zip(columns, row, strict=True)}
        for row in head.itertuples(index=False, name=None)
    ]
    return NodePreview(
        node_id=step.node_id,
        node_type=step.definition.id,
        n_rows=len(shown),
        columns=columns,
        dtypes={str(c): str(t) for c, t in shown.dtypes.items()},
        rows=records,
    )


def _splits(frames: Frames) -> list[SplitSize]:
    def size(name: str, part: Split) -> SplitSize:
        extra = 0 if part.y is None else 1
        return SplitSize(name=name, n_rows=len(part.X), n_columns=part.X.shape[1] + extra)

    if not frames.split_done:
        return [size("all", frames.train)]
    parts = [size("train", frames.train)]
    parts += [size(n, p) for n, p in (("test", frames.test), ("validation", frames.val)) if p]
    return parts


def _all_missing(frame: pd.DataFrame) -> set[str]:
    if len(frame) == 0:
        return set()
    return {str(c) for c, empty in frame.isna().all().items() if empty}


def _warnings(step: Step, before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    """What looks wrong with a node's effect on the train rows (``before`` -> ``after``)."""
    name = f"node '{step.node_id}' ({step.definition.id})"
    if len(before) and not len(after):
        return [f"{name} dropped every row"]
    warnings = [
        f"column '{c}' is all missing after {name}"
        for c in sorted(_all_missing(after) - _all_missing(before))
    ]
    if step.definition.id != SPLITTER_ID and len(after) and after.equals(before):
        warnings.append(
            f"{name} changed nothing in the train rows: its columns are missing here or "
            "need no change"
        )
    return warnings


def preview_pipeline(
    graph: PipelineGraph | dict[str, Any], df: pd.DataFrame, *, rows: int = 20
) -> list[NodePreview]:
    """Run the chain up to (not including) the model and show each node's output."""
    graph = parse_graph(graph)
    check_graph(graph, [str(c) for c in df.columns], partial=True)
    plan = build_plan(graph)
    target = plan.target
    X, y = df, None
    if target is not None:
        # Rows without a target cannot be split or trained on; leave them out of the preview too.
        kept = df.loc[df[target].notna()]
        X, y = kept.drop(columns=[target]), kept[target]
    previews: list[NodePreview] = []
    train_before = [X]

    def after(step: Step, frames: Frames) -> None:
        preview = _preview(step, frames, target, rows)
        preview.splits = _splits(frames)
        preview.warnings = _warnings(step, train_before[0], frames.train.X)
        train_before[0] = frames.train.X
        previews.append(preview)

    run_steps(plan, X, y, after=after)
    return previews
