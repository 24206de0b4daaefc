"""Proto <-> the service's typed values. The servicer decodes and encodes with these only."""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import ValidationError

from skyulf.common.v1 import common_pb2
from skyulf.pipeline.v1 import pipeline_pb2
from skyulf_core.graph import PipelineGraph
from skyulf_errors import InvalidArgument
from skyulf_pipeline.models import (
    Job,
    JobEvent,
    JobStatus,
    NodeEntry,
    PipelineTemplate,
    PreviewEntry,
    SavedPipeline,
    SavedPipelineVersion,
    ValidationResult,
)

STATUS_TO_PROTO = {
    JobStatus.QUEUED: pipeline_pb2.JOB_STATUS_QUEUED,
    JobStatus.RUNNING: pipeline_pb2.JOB_STATUS_RUNNING,
    JobStatus.SUCCEEDED: pipeline_pb2.JOB_STATUS_SUCCEEDED,
    JobStatus.FAILED: pipeline_pb2.JOB_STATUS_FAILED,
    JobStatus.CANCELLED: pipeline_pb2.JOB_STATUS_CANCELLED,
}


def _params(node: common_pb2.GraphNode) -> dict[str, Any]:
    if not node.params_json.strip():
        return {}
    try:
        params = json.loads(node.params_json)
    except json.JSONDecodeError as e:
        raise InvalidArgument(
            f"node '{node.id}': params is not valid JSON ({e.msg} at position {e.pos})",
            details={"node": node.id, "field": "params"},
        ) from e
    if not isinstance(params, dict):
        raise InvalidArgument(
            f"node '{node.id}': params must be a JSON object, not {type(params).__name__}",
            details={"node": node.id, "field": "params"},
        )
    return params


def graph_from_proto(graph: common_pb2.PipelineGraph) -> PipelineGraph:
    raw = {
        "nodes": [{"id": n.id, "type": n.type, "params": _params(n)} for n in graph.nodes],
        "edges": [{"source": e.source, "target": e.target} for e in graph.edges],
    }
    try:
        return PipelineGraph.model_validate(raw)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "graph"
        raise InvalidArgument(
            f"pipeline graph: {where}: {first['msg']}", details={"field": f"graph.{where}"}
        ) from e


def graph_to_proto(graph: dict[str, Any]) -> common_pb2.PipelineGraph:
    return common_pb2.PipelineGraph(
        nodes=[
            common_pb2.GraphNode(
                id=n["id"], type=n["type"], params_json=json.dumps(n.get("params") or {})
            )
            for n in graph.get("nodes", [])
        ],
        edges=[
            common_pb2.GraphEdge(source=e["source"], target=e["target"])
            for e in graph.get("edges", [])
        ],
    )


def _ts(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def job_to_proto(job: Job) -> pipeline_pb2.Job:
    msg = pipeline_pb2.Job(
        id=job.id,
        kind=job.kind,
        dataset_id=job.dataset_id,
        status=STATUS_TO_PROTO[job.status],
        progress=job.progress,
        message=job.message,
        metrics=job.metrics,
        model_name=job.model_name,
        model_version=job.model_version or 0,
        graph=graph_to_proto(job.graph),
        created_at=_ts(job.created_at),
        started_at=_ts(job.started_at),
        finished_at=_ts(job.finished_at),
        pipeline_id=job.pipeline_id or "",
        pipeline_version=job.pipeline_version or 0,
        results=[
            pipeline_pb2.ModelResult(
                node_id=r.node_id,
                model_type=r.model_type,
                model_name=r.model_name,
                model_version=r.model_version or 0,
                metrics=r.metrics,
            )
            for r in job.results
        ],
        attempts=job.attempts,
        retry_of=job.retry_of or "",
        dataset_version=job.dataset_version or 0,
    )
    if job.error is not None:
        msg.error.CopyFrom(
            pipeline_pb2.JobError(
                code=job.error.code,
                message=job.error.message,
                details_json=json.dumps(job.error.details, default=str),
            )
        )
    return msg


def event_to_proto(event: JobEvent) -> pipeline_pb2.WatchJobResponse:
    return pipeline_pb2.WatchJobResponse(
        seq=event.seq,
        job_id=event.job_id,
        type=event.type,
        status=STATUS_TO_PROTO[event.status],
        progress=event.progress,
        message=event.message,
        time=_ts(event.time),
        node_id=event.node_id or "",
        node_status=event.node_status or "",
        trial_json=json.dumps(event.trial) if event.trial is not None else "",
    )


def node_to_proto(node: NodeEntry) -> pipeline_pb2.NodeInfo:
    return pipeline_pb2.NodeInfo(
        id=node.id,
        group=node.group,
        description=node.description,
        learns=node.learns,
        train_only=node.train_only,
        params_schema_json=json.dumps(node.params_schema),
    )


def validation_to_proto(result: ValidationResult) -> pipeline_pb2.ValidatePipelineResponse:
    return pipeline_pb2.ValidatePipelineResponse(
        valid=result.valid,
        errors=[
            pipeline_pb2.GraphIssue(
                node_id=i.node_id or "",
                field=i.field or "",
                column=i.column or "",
                message=i.message,
            )
            for i in result.errors
        ],
    )


def _jsonable(value: Any) -> Any:
    # Rows go out as JSON: NaN and infinities have no JSON form, so they become null.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def preview_to_proto(entry: PreviewEntry) -> pipeline_pb2.NodePreview:
    rows = [{k: _jsonable(v) for k, v in row.items()} for row in entry.rows]
    return pipeline_pb2.NodePreview(
        node_id=entry.node_id,
        node_type=entry.node_type,
        n_rows=entry.n_rows,
        columns=[common_pb2.Column(name=c.name, dtype=c.dtype) for c in entry.columns],
        rows_json=json.dumps(rows, default=str, allow_nan=False),
        splits=[
            pipeline_pb2.SplitSize(name=p.name, n_rows=p.n_rows, n_columns=p.n_columns)
            for p in entry.splits
        ],
        warnings=entry.warnings,
    )


def saved_pipeline_to_proto(pipeline: SavedPipeline) -> pipeline_pb2.SavedPipeline:
    return pipeline_pb2.SavedPipeline(
        id=pipeline.id,
        name=pipeline.name,
        description=pipeline.description,
        dataset_id=pipeline.dataset_id or "",
        version=pipeline.version,
        graph=graph_to_proto(pipeline.graph),
        layout_json=json.dumps(pipeline.layout),
        created_at=_ts(pipeline.created_at),
        updated_at=_ts(pipeline.updated_at),
    )


def saved_version_to_proto(version: SavedPipelineVersion) -> pipeline_pb2.SavedPipelineVersion:
    return pipeline_pb2.SavedPipelineVersion(
        version=version.version,
        name=version.name,
        graph=graph_to_proto(version.graph),
        layout_json=json.dumps(version.layout),
        created_at=_ts(version.created_at),
    )


def template_to_proto(template: PipelineTemplate) -> pipeline_pb2.PipelineTemplate:
    return pipeline_pb2.PipelineTemplate(
        id=template.id,
        name=template.name,
        description=template.description,
        task=template.task,
        graph=graph_to_proto(template.graph),
        layout_json=json.dumps(template.layout),
    )
