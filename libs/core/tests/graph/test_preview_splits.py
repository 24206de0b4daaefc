"""Preview per split: each node's preview gives every split's size and warns when the node
dropped every train row, left a column all-missing, or changed nothing."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from skyulf_core.graph import preview_pipeline, train_pipeline
from skyulf_core.graph.executor import StepEvent


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 100
    return pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "kind": rng.choice(["a", "b"], size=n),
            "gap": [np.nan if i % 3 else float(i) for i in range(n)],
            "y": [i % 2 for i in range(n)],
        }
    )


def _chain(*nodes: dict[str, Any]) -> dict[str, Any]:
    edges = [{"source": a["id"], "target": b["id"]} for a, b in pairwise(nodes)]
    return {"nodes": list(nodes), "edges": edges}


SPLIT = {
    "id": "split",
    "type": "TrainTestSplitter",
    "params": {"target_column": "y", "test_size": 0.2, "validation_size": 0.1},
}


def test_each_node_gives_the_size_of_every_split() -> None:
    graph = _chain(
        {"id": "cast", "type": "Casting", "params": {"column_types": {"x": "float32"}}},
        SPLIT,
        {"id": "scale", "type": "StandardScaler", "params": {"columns": ["x"]}},
    )
    cast, split, scale = preview_pipeline(graph, _frame(), rows=3)
    assert [(p.name, p.n_rows, p.n_columns) for p in cast.splits] == [("all", 100, 4)]
    sizes = {p.name: (p.n_rows, p.n_columns) for p in split.splits}
    assert sizes == {"train": (70, 4), "test": (20, 4), "validation": (10, 4)}
    assert [p.name for p in scale.splits] == ["train", "test", "validation"]
    assert scale.warnings == [] and split.warnings == []


def test_warnings_name_the_node_and_column() -> None:
    graph = _chain(
        SPLIT,
        {
            "id": "blank",
            "type": "ValueReplacement",
            "params": {"columns": ["kind"], "to_replace": ["a", "b"], "value": None},
        },
        {"id": "idle", "type": "StandardScaler", "params": {"columns": []}},
        {"id": "rows", "type": "DropMissingRows", "params": {"subset": ["kind"]}},
    )
    split, blank, idle, rows = preview_pipeline(graph, _frame(), rows=3)
    assert blank.warnings == ["column 'kind' is all missing after node 'blank' (ValueReplacement)"]
    assert (
        len(idle.warnings) == 1
        and "node 'idle' (StandardScaler) changed nothing" in (idle.warnings[0])
    )
    assert rows.warnings == ["node 'rows' (DropMissingRows) dropped every row"]
    assert {p.name: p.n_rows for p in rows.splits} == {"train": 0, "test": 20, "validation": 10}
    # A column missing from the start ('gap' is mostly, not all, missing) is not reported.
    assert not any("gap" in w for p in (split, blank, idle, rows) for w in p.warnings)


def test_on_step_hears_every_node_start_and_finish_in_order() -> None:
    graph = _chain(
        SPLIT,
        {"id": "scale", "type": "StandardScaler", "params": {"columns": ["x"]}},
        {"id": "onehot", "type": "OneHotEncoder", "params": {"columns": ["kind"]}},
        {"id": "drop", "type": "DropMissingColumns", "params": {"columns": ["gap"]}},
        {"id": "model", "type": "logistic_regression", "params": {}},
    )
    heard: list[StepEvent] = []
    train_pipeline(graph, _frame(), on_step=heard.append)
    order = ["split", "scale", "onehot", "drop", "model"]
    assert [(e.node_id, e.status) for e in heard] == [
        (n, s) for n in order for s in ("running", "done")
    ]
    assert heard[-1].node_type == "logistic_regression"
