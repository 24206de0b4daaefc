"""Pipelines saved by the original Skyulf, read as graphs.

The original saved a pipeline as ``{"nodes": [{"node_id", "step_type", "params", "inputs"}]}``:
preprocessing steps carry the node ids and parameters Skyulf keeps (see the node catalog), and a
training step (``basic_training``, ``advanced_tuning``, …) carries ``model_type``,
``target_column`` and the model's ``hyperparameters``. Edges come from each step's ``inputs``
(or, without any, from the order of the steps); the data-source step, which the dataset now
stands for, is dropped. What has no counterpart is reported as a warning, never silently lost.
"""

from __future__ import annotations

import itertools
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from skyulf_core.graph.spec import GraphEdge, GraphNode, PipelineGraph
from skyulf_core.models import is_model
from skyulf_core.nodes import node_types
from skyulf_core.nodes.splitting import SPLITTER_ID
from skyulf_errors import InvalidArgument

# The original's data-source steps: the dataset a job names plays their part.
SOURCE_STEPS = frozenset({"data_loader", "dataset", "dataset_node", "data_source", "input"})
TRAINING_STEPS = frozenset(
    {"basic_training", "advanced_tuning", "model_training", "training", "train_model"}
)
# Parameters of a training step that are not the model's hyperparameters.
_TRAINING_KEYS = frozenset({"model_type", "target_column", "hyperparameters", "params"})


class OriginalNode(BaseModel):
    model_config = ConfigDict(extra="allow")

    node_id: str = Field(min_length=1)
    step_type: str = Field(min_length=1)
    params: dict[str, Any] = {}
    inputs: list[str] = []


class OriginalPipeline(BaseModel):
    model_config = ConfigDict(extra="allow")

    nodes: list[OriginalNode] = Field(min_length=1)


class ImportedPipeline(BaseModel):
    graph: PipelineGraph
    warnings: list[str] = []


def _parse(config: dict[str, Any]) -> OriginalPipeline:
    try:
        return OriginalPipeline.model_validate(config)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "config"
        raise InvalidArgument(
            f"saved pipeline: '{where}': {first['msg']}", details={"field": where}
        ) from exc


def _model_node(node: OriginalNode, warnings: list[str]) -> tuple[GraphNode, str | None]:
    params = node.params
    model_type = params.get("model_type") or getattr(node, "model_type", None)
    if not isinstance(model_type, str) or not is_model(model_type):
        raise InvalidArgument(
            f"saved pipeline: training step '{node.node_id}' has model_type {model_type!r}, "
            "which is not a model Skyulf knows",
            details={"node": node.node_id, "field": "model_type"},
        )
    hyper = params.get("hyperparameters") or params.get("params") or {}
    if not isinstance(hyper, dict):
        raise InvalidArgument(
            f"saved pipeline: training step '{node.node_id}': hyperparameters must be an object",
            details={"node": node.node_id, "field": "hyperparameters"},
        )
    dropped = sorted(k for k in params if k not in _TRAINING_KEYS)
    if node.step_type != "basic_training" or dropped:
        what = ", ".join(dropped) or "its tuning settings"
        warnings.append(
            f"training step '{node.node_id}' ({node.step_type}) is imported as a model trained "
            f"once with its hyperparameters; not imported: {what}"
        )
    target = params.get("target_column") or getattr(node, "target_column", None)
    return GraphNode(id=node.node_id, type=model_type, params=dict(hyper)), target


def import_original(config: dict[str, Any]) -> ImportedPipeline:
    """A graph from a pipeline the original Skyulf saved; warnings say what did not carry over."""
    original = _parse(config)
    known = set(node_types())
    warnings: list[str] = []
    nodes: list[GraphNode] = []
    targets: list[str] = []
    dropped: dict[str, list[str]] = {}
    for node in original.nodes:
        if node.step_type in SOURCE_STEPS:
            dropped[node.node_id] = node.inputs
            warnings.append(f"step '{node.node_id}' ({node.step_type}): the job's dataset is used")
        elif node.step_type in TRAINING_STEPS or is_model(node.step_type):
            if is_model(node.step_type):
                node.params.setdefault("model_type", node.step_type)
            model, target = _model_node(node, warnings)
            nodes.append(model)
            if target:
                targets.append(str(target))
        elif node.step_type in known:
            nodes.append(GraphNode(id=node.node_id, type=node.step_type, params=node.params))
        else:
            raise InvalidArgument(
                f"saved pipeline: step '{node.node_id}' has step_type '{node.step_type}', which "
                "is not a node Skyulf knows",
                details={"node": node.node_id, "field": "step_type"},
            )
    edges = _edges(original, dropped)
    graph = PipelineGraph(nodes=nodes, edges=edges)
    _place_target(graph, targets, warnings)
    return ImportedPipeline(graph=graph, warnings=warnings)


def _edges(original: OriginalPipeline, dropped: dict[str, list[str]]) -> list[GraphEdge]:
    kept = [n for n in original.nodes if n.node_id not in dropped]
    if not any(n.inputs for n in original.nodes):
        return [GraphEdge(source=a.node_id, target=b.node_id) for a, b in itertools.pairwise(kept)]
    edges: list[GraphEdge] = []
    for node in kept:
        for source in node.inputs:
            if source not in dropped:  # an edge from the data source: the node is a root now
                edges.append(GraphEdge(source=source, target=node.node_id))
    return edges


def _place_target(graph: PipelineGraph, targets: list[str], warnings: list[str]) -> None:
    """The training steps' target goes on the splitter, which the graph gains if it has none."""
    if not targets:
        return
    target = targets[0]
    if len(set(targets)) > 1:
        warnings.append(
            f"training steps name several targets {sorted(set(targets))}; '{target}' is used"
        )
    splitters = [n for n in graph.nodes if n.type == SPLITTER_ID]
    if splitters:
        for splitter in splitters:
            splitter.params.setdefault("target_column", target)
        return
    # No split in the saved pipeline: one goes right before the first model.
    first = next(n for n in graph.nodes if is_model(n.type))
    split = GraphNode(
        id=_free_id(graph, "split"), type=SPLITTER_ID, params={"target_column": target}
    )
    parents = [e for e in graph.edges if e.target == first.id]
    for edge in parents:
        edge.target = split.id
    graph.nodes.insert(graph.nodes.index(first), split)
    graph.edges.append(GraphEdge(source=split.id, target=first.id))
    models = [n for n in graph.nodes if is_model(n.type) and n.id != first.id]
    for model in models:
        for edge in graph.edges:
            if edge.target == model.id and edge.source in {e.source for e in parents}:
                edge.source = split.id
    warnings.append(
        f"the saved pipeline has no {SPLITTER_ID}: '{split.id}' was added before "
        f"'{first.id}' with target_column '{target}'"
    )


def _free_id(graph: PipelineGraph, stem: str) -> str:
    taken = {n.id for n in graph.nodes}
    candidate, n = stem, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}_{n}"
    return candidate
