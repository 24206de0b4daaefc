"""preview_pipeline: what each node outputs, on a sample, for the canvas.

The graph may still be unfinished (no splitter, target or model yet). After the splitter, a
node's preview is its train-split output. The target, when known, is shown as the last column.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from skyulf_core.graph.runner import Frames, Step, build_plan, run_steps
from skyulf_core.graph.spec import PipelineGraph, parse_graph
from skyulf_core.graph.validation import check_graph


class NodePreview(BaseModel):
    node_id: str
    node_type: str
    n_rows: int
    columns: list[str]
    dtypes: dict[str, str]
    rows: list[dict[str, Any]]


def json_value(value: Any) -> Any:
    """A cell as JSON: NaN/NaT/None -> None, ±inf -> "inf"/"-inf", dates as ISO text."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, bool | int | str):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


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
    run_steps(
        plan, X, y, after=lambda step, frames: previews.append(_preview(step, frames, target, rows))
    )
    return previews
