"""PreviewPipeline over real gRPC carries each node's split sizes and warnings."""

from __future__ import annotations

from typing import Any

from skyulf.pipeline.v1 import pipeline_pb2


async def test_preview_has_split_sizes_and_warnings(harness: Any) -> None:
    graph = {
        "nodes": [
            {"id": "split", "type": "TrainTestSplitter", "params": {"target_column": "churned"}},
            {
                "id": "blank",
                "type": "ValueReplacement",
                "params": {
                    "columns": ["plan_type"],
                    "to_replace": ["basic", "premium", "enterprise"],
                    "value": None,
                },
            },
        ],
        "edges": [{"source": "split", "target": "blank"}],
    }
    resp = await harness.stub.PreviewPipeline(
        pipeline_pb2.PreviewPipelineRequest(
            dataset_id=harness.trainable_id, graph=harness.graph_proto(graph), rows=2
        )
    )
    split, blank = resp.nodes
    assert [(p.name, p.n_rows) for p in split.splits] == [("train", 240), ("test", 60)]
    assert all(p.n_columns == 8 for p in split.splits)
    assert list(split.warnings) == []
    assert list(blank.warnings) == [
        "column 'plan_type' is all missing after node 'blank' (ValueReplacement)"
    ]
