"""Advisor's records -> proto messages."""

from __future__ import annotations

import json

from skyulf.advisor.v1 import advisor_pb2
from skyulf.common.v1 import common_pb2
from skyulf_core.advisor import NodeSuggestion, Recommendation, SuggestedPipeline


def _node(n: NodeSuggestion) -> advisor_pb2.SuggestedNode:
    return advisor_pb2.SuggestedNode(type=n.type, params_json=json.dumps(n.params, default=str))


def recommendation_to_proto(r: Recommendation) -> advisor_pb2.Recommendation:
    return advisor_pb2.Recommendation(
        id=r.id,
        rule=r.rule,
        title=r.title,
        message=r.message,
        columns=list(r.columns),
        severity=r.severity,
        node=_node(r.node) if r.node is not None else None,
        statistic=r.statistic,
        alternatives=[_node(n) for n in r.alternatives],
        stage=r.stage,
    )


def pipeline_to_proto(dataset_id: str, p: SuggestedPipeline) -> advisor_pb2.SuggestPipelineResponse:
    graph = common_pb2.PipelineGraph(
        nodes=[
            common_pb2.GraphNode(
                id=n.id, type=n.type, params_json=json.dumps(n.params, default=str)
            )
            for n in p.graph.nodes
        ],
        edges=[common_pb2.GraphEdge(source=e.source, target=e.target) for e in p.graph.edges],
    )
    return advisor_pb2.SuggestPipelineResponse(
        dataset_id=dataset_id,
        graph=graph,
        task=p.task,
        model=p.model,
        metric=p.metric,
        recommendations=[recommendation_to_proto(r) for r in p.recommendations],
    )
