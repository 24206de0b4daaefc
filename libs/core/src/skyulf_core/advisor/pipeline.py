"""A whole pipeline from the recommendations: stateless clean-up, the split, what learns from
data after it, the model last. It validates as it stands, so it trains without edits."""

from __future__ import annotations

import itertools

import polars as pl
from pydantic import BaseModel

from skyulf_core.advisor.advise import advise
from skyulf_core.advisor.context import Task
from skyulf_core.advisor.schema import Recommendation
from skyulf_core.graph.spec import GraphEdge, GraphNode, PipelineGraph
from skyulf_core.graph.validation import check_graph
from skyulf_core.profiling import DatasetProfile

_STAGES = ("before_split", "split", "after_split", "model")
ROW_GAP = 110.0


class SuggestedPipeline(BaseModel):
    graph: PipelineGraph
    task: Task
    model: str
    metric: str
    # The recommendations the graph is made of, in graph order (their ids are the node ids).
    recommendations: list[Recommendation]


def suggest_pipeline(
    profile: DatasetProfile,
    target: str,
    *,
    sample: pl.DataFrame | None = None,
    task: Task | None = None,
    model: str | None = None,
) -> SuggestedPipeline:
    adv = advise(profile, target, sample=sample, task=task, model=model)
    assert adv.task is not None and adv.model is not None and adv.metric is not None
    placed = [r for r in adv.out if r.node is not None and r.stage in _STAGES]
    models = [r for r in placed if r.stage == "model"]
    # The model rule comes last and carries every setting earlier rules chose (class weights).
    accepted = [r for r in placed if r.stage != "model"]
    accepted.sort(key=lambda r: _STAGES.index(r.stage))
    accepted.append(models[-1])
    nodes: list[GraphNode] = []
    for i, rec in enumerate(accepted):
        assert rec.node is not None
        nodes.append(
            GraphNode(
                id=rec.id,
                type=rec.node.type,
                params=rec.node.params,
                label=rec.title,
                position={"x": 0.0, "y": i * ROW_GAP},
            )
        )
    edges = [GraphEdge(source=a.id, target=b.id) for a, b in itertools.pairwise(nodes)]
    graph = PipelineGraph(nodes=nodes, edges=edges)
    check_graph(graph, [c.name for c in profile.columns])
    return SuggestedPipeline(
        graph=graph, task=adv.task, model=adv.model, metric=adv.metric, recommendations=accepted
    )
