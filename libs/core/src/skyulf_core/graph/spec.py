"""The pipeline graph as the canvas sends it: nodes with parameters, and edges between them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from skyulf_errors import InvalidArgument


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
    """A pipeline: the dataset feeds the root node; every path ends at a model node.

    A node's output may feed several nodes (one trunk, several models); a ``merge`` node joins
    several inputs. Each model trains on what reaches it along its own path.
    """

    model_config = ConfigDict(extra="forbid")

    nodes: list[GraphNode]
    edges: list[GraphEdge] = []

    def node(self, node_id: str) -> GraphNode:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)


def parents_of(graph: PipelineGraph) -> dict[str, list[str]]:
    """Each node's inputs, in edge order (a merge joins them in that order)."""
    parents: dict[str, list[str]] = {n.id: [] for n in graph.nodes}
    for edge in graph.edges:
        parents.setdefault(edge.target, []).append(edge.source)
    return parents


def topological_order(graph: PipelineGraph) -> list[GraphNode]:
    """Nodes of a graph already validated as acyclic, each after all of its inputs.

    Ties keep the order the nodes are listed in, so the same graph always runs the same way.
    """
    parents = parents_of(graph)
    done: set[str] = set()
    order: list[GraphNode] = []
    pending = list(graph.nodes)
    while pending:
        ready = [n for n in pending if all(p in done for p in parents[n.id])]
        if not ready:  # a cycle: validation reports it; run nothing past it
            break
        for node in ready:
            done.add(node.id)
            order.append(node)
        pending = [n for n in pending if n.id not in done]
    return order


def chain_order(graph: PipelineGraph) -> list[GraphNode]:
    """Nodes from root to end; for a branching graph, :func:`topological_order`."""
    return topological_order(graph)


def ancestors(parents: dict[str, list[str]], node_id: str) -> set[str]:
    """Every node upstream of ``node_id`` (not itself)."""
    seen: set[str] = set()
    stack = list(parents.get(node_id, []))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(parents.get(current, []))
    return seen


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
