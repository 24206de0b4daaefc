"""The pipeline graph as the canvas sends it: nodes with parameters, and edges between them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from skyulf_core.errors import InvalidArgument


class GraphNode(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    type: str = Field(min_length=1)
    params: dict[str, Any] = {}
    # Canvas layout travels with the graph but means nothing to the executor.
    label: str | None = None
    position: dict[str, float] | None = None


class GraphEdge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str
    target: str


class PipelineGraph(BaseModel):
    """A pipeline: the dataset feeds the root node; the single model node ends the chain."""

    model_config = ConfigDict(extra="forbid")

    nodes: list[GraphNode]
    edges: list[GraphEdge] = []

    def node(self, node_id: str) -> GraphNode:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)


def chain_order(graph: PipelineGraph) -> list[GraphNode]:
    """Nodes from root to end of a graph already validated as a single chain."""
    by_id = {n.id: n for n in graph.nodes}
    nxt = {e.source: e.target for e in graph.edges}
    has_parent = {e.target for e in graph.edges}
    roots = [n for n in graph.nodes if n.id not in has_parent]
    if not roots:
        return []
    order = [roots[0]]
    while order[-1].id in nxt:
        order.append(by_id[nxt[order[-1].id]])
    return order


def parse_graph(graph: PipelineGraph | dict[str, Any]) -> PipelineGraph:
    """A :class:`PipelineGraph` from its JSON form; a malformed one names the field at fault."""
    if isinstance(graph, PipelineGraph):
        return graph
    try:
        return PipelineGraph.model_validate(graph)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "graph"
        raise InvalidArgument(
            f"pipeline graph: '{where}': {first['msg']}", details={"field": where}
        ) from exc
