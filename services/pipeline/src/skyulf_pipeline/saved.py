"""Saved pipelines: drafts checked for shape, every save a version, templates served as data.

A saved pipeline is work in progress: autosave stores whatever the canvas holds. So a save
refuses only what is not a graph at all (duplicate node ids, edges to missing nodes, unknown
node types, a layout that is not positions) and keeps graphs that would not train yet (no
target, no model, leakage): ``ValidatePipeline`` reports those.

Versions: creating records version 1. An update records a new version when it changes anything
(name, description, dataset, graph or layout); a save identical to the current version records
nothing and answers the current version, so a repeated autosave does not pile up versions.
Restoring version v always records a new version with v's graph and layout (and the current
name, description and dataset).
"""

from __future__ import annotations

import json
import math
import uuid
from typing import Any

from skyulf_core.graph import PipelineGraph, validate_graph
from skyulf_errors import InvalidArgument, NotFound
from skyulf_pipeline.models import (
    PipelineDraft,
    PipelineSource,
    PipelineTemplate,
    SavedPipeline,
    SavedPipelineVersion,
)
from skyulf_pipeline.saved_repository import SavedPipelineRepository
from skyulf_pipeline.templates import load_templates

NAME_MAX = 200
DESCRIPTION_MAX = 5000
MAX_NODES = 500
LAYOUT_MAX_BYTES = 1_000_000
MAX_PAGE = 500
DEFAULT_PAGE = 50
# What makes a graph unreadable rather than unfinished; other issues are left to validation.
_SHAPE_ISSUES = frozenset({"duplicate_id", "unknown_edge_node", "unknown_type"})


def _no_nul(text: str, field: str) -> str:
    # PostgreSQL text cannot hold NUL characters: refuse them here rather than fail to store.
    if "\x00" in text:
        raise InvalidArgument(f"{field} contains a NUL character", details={"field": field})
    return text


def check_dataset_id(dataset_id: str) -> str | None:
    """An attached dataset's id (a UUID), or None when empty."""
    if not dataset_id:
        return None
    try:
        return str(uuid.UUID(dataset_id))
    except ValueError:
        raise InvalidArgument(
            f"dataset_id {dataset_id!r} is not a dataset id", details={"field": "dataset_id"}
        ) from None


def check_name(name: str) -> str:
    name = _no_nul(name, "name").strip()
    if not name:
        raise InvalidArgument("a pipeline needs a name", details={"field": "name"})
    if len(name) > NAME_MAX:
        raise InvalidArgument(
            f"the pipeline name has {len(name)} characters; at most {NAME_MAX} are allowed",
            details={"field": "name"},
        )
    return name


def check_description(text: str) -> str:
    _no_nul(text, "description")
    if len(text) > DESCRIPTION_MAX:
        raise InvalidArgument(
            f"the description has {len(text)} characters; at most {DESCRIPTION_MAX} are allowed",
            details={"field": "description"},
        )
    return text


def check_graph_shape(graph: PipelineGraph) -> dict[str, Any]:
    """The graph as stored; a graph that is not one (ids, edges, node types) is refused."""
    if len(graph.nodes) > MAX_NODES:
        raise InvalidArgument(
            f"the pipeline has {len(graph.nodes)} nodes; at most {MAX_NODES} are allowed",
            details={"field": "graph.nodes"},
        )
    report = validate_graph(graph, partial=True)
    for issue in report.errors:
        if issue.code in _SHAPE_ISSUES:
            details: dict[str, Any] = {"field": f"graph.{issue.field or 'nodes'}"}
            if issue.node_id:
                details["node"] = issue.node_id
            raise InvalidArgument(f"pipeline graph: {issue.message}", details=details)
    return graph.model_dump(mode="json", exclude_none=True)


def check_layout(layout: Any) -> dict[str, Any]:
    """Canvas positions: ``{node id: {"x": number, "y": number, ...}}``; other keys are kept."""
    if not isinstance(layout, dict):
        raise InvalidArgument(
            f"layout must be a JSON object, not {type(layout).__name__}",
            details={"field": "layout"},
        )
    for node_id, place in layout.items():
        where = f"layout.{node_id}"
        if not isinstance(place, dict):
            raise InvalidArgument(
                f"{where} must be an object with x and y", details={"field": where}
            )
        for axis in ("x", "y"):
            value = place.get(axis)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                raise InvalidArgument(
                    f"{where}.{axis} must be a finite number", details={"field": f"{where}.{axis}"}
                )
    if len(json.dumps(layout)) > LAYOUT_MAX_BYTES:
        raise InvalidArgument(
            f"the layout is larger than {LAYOUT_MAX_BYTES} bytes", details={"field": "layout"}
        )
    return layout


def parse_layout(text: str) -> dict[str, Any]:
    """The layout from its JSON text; empty text is an empty layout."""
    if not text.strip():
        return {}
    try:
        layout = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidArgument(
            f"layout is not valid JSON ({e.msg} at position {e.pos})", details={"field": "layout"}
        ) from e
    return check_layout(layout)


class SavedPipelineService:
    def __init__(self, pipelines: SavedPipelineRepository) -> None:
        self.pipelines = pipelines

    def create(
        self,
        *,
        name: str,
        description: str,
        dataset_id: str,
        graph: PipelineGraph,
        layout: dict[str, Any],
    ) -> SavedPipeline:
        draft = PipelineDraft(
            name=check_name(name),
            description=check_description(description),
            dataset_id=check_dataset_id(dataset_id),
            graph=check_graph_shape(graph),
            layout=check_layout(layout),
        )
        return self.pipelines.create(draft)

    def get(self, pipeline_id: str) -> SavedPipeline:
        return self.pipelines.get(pipeline_id)

    def page(self, page_size: int, offset: int) -> tuple[list[SavedPipeline], int]:
        limit = DEFAULT_PAGE if page_size <= 0 else min(page_size, MAX_PAGE)
        return self.pipelines.page(limit=limit, offset=max(offset, 0))

    def update(
        self,
        pipeline_id: str,
        *,
        graph: PipelineGraph,
        name: str | None = None,
        description: str | None = None,
        dataset_id: str | None = None,
        layout: dict[str, Any] | None = None,
    ) -> SavedPipeline:
        """Save a new version; ``None`` keeps a field as it is, an empty dataset_id detaches."""
        current = self.pipelines.get(pipeline_id)
        draft = PipelineDraft(
            name=check_name(name) if name is not None else current.name,
            description=(
                check_description(description) if description is not None else current.description
            ),
            dataset_id=(
                check_dataset_id(dataset_id) if dataset_id is not None else current.dataset_id
            ),
            graph=check_graph_shape(graph),
            layout=check_layout(layout) if layout is not None else current.layout,
        )
        unchanged = (
            draft.name == current.name
            and draft.description == current.description
            and draft.dataset_id == current.dataset_id
            and draft.graph == current.graph
            and draft.layout == current.layout
        )
        if unchanged:
            return current
        return self.pipelines.save(pipeline_id, draft)

    def versions(self, pipeline_id: str) -> list[SavedPipelineVersion]:
        return self.pipelines.versions(pipeline_id)

    def restore(self, pipeline_id: str, version: int) -> SavedPipeline:
        """A new version whose graph and layout are those of ``version``."""
        if version < 1:
            raise NotFound(
                f"pipeline {pipeline_id!r} has no version {version}",
                details={"pipeline_id": pipeline_id, "version": version},
            )
        old = self.pipelines.version(pipeline_id, version)
        current = self.pipelines.get(pipeline_id)
        draft = PipelineDraft(
            name=current.name,
            description=current.description,
            dataset_id=current.dataset_id,
            graph=old.graph,
            layout=old.layout,
        )
        return self.pipelines.save(pipeline_id, draft)

    def delete(self, pipeline_id: str) -> SavedPipeline:
        return self.pipelines.delete(pipeline_id)

    def source(self, pipeline_id: str, version: int) -> PipelineSource | None:
        """Which saved pipeline version a job comes from; None when the job names none.

        ``version`` 0 means the pipeline's current version. Unknown ids and versions are 404s.
        """
        if not pipeline_id:
            if version:
                raise InvalidArgument(
                    "pipeline_version needs a pipeline_id", details={"field": "pipeline_version"}
                )
            return None
        if version < 0:
            raise InvalidArgument(
                "pipeline_version must be positive", details={"field": "pipeline_version"}
            )
        if version == 0:
            version = self.pipelines.get(pipeline_id).version
        else:
            self.pipelines.version(pipeline_id, version)
        return PipelineSource(pipeline_id=pipeline_id, version=version)

    @staticmethod
    def templates() -> list[PipelineTemplate]:
        return load_templates()
