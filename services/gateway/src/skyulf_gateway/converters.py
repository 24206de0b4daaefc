"""Proto messages <-> the gateway's HTTP models. Pure data mapping, no decisions."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi.responses import Response
from google.protobuf.timestamp_pb2 import Timestamp

from skyulf.advisor.v1 import advisor_pb2
from skyulf.common.v1 import common_pb2
from skyulf.deployment.v1 import deployment_pb2
from skyulf.ingestion.v1 import ingestion_pb2
from skyulf.pipeline.v1 import pipeline_pb2
from skyulf.registry.v1 import registry_pb2
from skyulf_gateway import schemas as s


def _ts(msg: Any, field: str) -> datetime | None:
    if not msg.HasField(field):
        return None
    ts: Timestamp = getattr(msg, field)
    return ts.ToDatetime(tzinfo=UTC)


def _json(text: str) -> Any:
    return json.loads(text) if text else None


def _enum_name(enum: Any, value: int, prefix: str) -> str:
    return str(enum.Name(value)).removeprefix(prefix)


def graph_to_proto(graph: s.PipelineGraphIn) -> common_pb2.PipelineGraph:
    return common_pb2.PipelineGraph(
        nodes=[
            common_pb2.GraphNode(id=n.id, type=n.type, params_json=json.dumps(n.params))
            for n in graph.nodes
        ],
        edges=[common_pb2.GraphEdge(source=e.source, target=e.target) for e in graph.edges],
    )


SCRIPT_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"description": "A Python script.", "content": {"text/x-python": {}}}
}


def script(resp: pipeline_pb2.ExportPipelineResponse) -> Response:
    """An exported pipeline as a downloadable ``.py`` file."""
    return Response(
        content=resp.script,
        media_type="text/x-python",
        headers={"Content-Disposition": f'attachment; filename="{resp.filename}"'},
    )


def graph_from_proto(graph: common_pb2.PipelineGraph) -> s.PipelineGraphIn:
    return s.PipelineGraphIn(
        nodes=[
            s.GraphNodeIn(id=n.id, type=n.type, params=_json(n.params_json) or {})
            for n in graph.nodes
        ],
        edges=[s.GraphEdgeIn(source=e.source, target=e.target) for e in graph.edges],
    )


def dataset(d: ingestion_pb2.Dataset) -> s.DatasetPublic:
    return s.DatasetPublic(
        id=d.id,
        name=d.name,
        status=_enum_name(ingestion_pb2.DatasetStatus, d.status, "DATASET_STATUS_"),  # type: ignore[arg-type]
        source_filename=d.source_filename,
        size_bytes=d.size_bytes,
        n_rows=d.n_rows,
        n_columns=d.n_columns,
        columns=[s.ColumnPublic(name=c.name, dtype=c.dtype) for c in d.columns],
        error=d.error or None,
        created_at=_ts(d, "created_at"),
        updated_at=_ts(d, "updated_at"),
        source_kind=d.source_kind or "upload",  # type: ignore[arg-type]
        version=d.version or 1,
    )


def dataset_profile(r: ingestion_pb2.GetDatasetProfileResponse) -> s.DatasetProfilePublic:
    return s.DatasetProfilePublic.model_validate(
        {**json.loads(r.profile_json), "version": r.version}
    )


def target_analysis(r: ingestion_pb2.GetTargetAnalysisResponse) -> s.TargetAnalysisResult:
    return s.TargetAnalysisResult(
        dataset_id=r.dataset_id,
        version=r.version,
        analysis=s.TargetAnalysisPublic.model_validate_json(r.analysis_json),
        alerts=[s.DataAlertPublic.model_validate(a) for a in json.loads(r.alerts_json or "[]")],
    )


def dataset_versions(r: ingestion_pb2.ListDatasetVersionsResponse) -> s.DatasetVersionList:
    return s.DatasetVersionList(
        dataset_id=r.dataset_id,
        versions=[
            s.DatasetVersionPublic(
                version=v.version,
                source_filename=v.source_filename,
                size_bytes=v.size_bytes,
                n_rows=v.n_rows,
                n_columns=v.n_columns,
                columns=[s.ColumnPublic(name=c.name, dtype=c.dtype) for c in v.columns],
                checksum=v.data_checksum,
                created_at=_ts(v, "created_at"),
            )
            for v in r.versions
        ],
    )


def source_request(body: s.DatasetSourceCreate) -> ingestion_pb2.CreateDatasetFromSourceRequest:
    src = body.source
    if isinstance(src, s.SqlSourceCreate):
        return ingestion_pb2.CreateDatasetFromSourceRequest(
            name=body.name,
            sql=ingestion_pb2.SqlSource(url=src.url, table=src.table, query=src.query),
        )
    if isinstance(src, s.HttpSourceCreate):
        return ingestion_pb2.CreateDatasetFromSourceRequest(
            name=body.name,
            http=ingestion_pb2.HttpSource(**src.model_dump(exclude={"kind"})),
        )
    return ingestion_pb2.CreateDatasetFromSourceRequest(
        name=body.name,
        s3=ingestion_pb2.S3Source(uri=src.uri, sheet=src.sheet, header_row=src.header_row),
    )


def node_info(n: pipeline_pb2.NodeInfo) -> s.NodeInfoPublic:
    return s.NodeInfoPublic(
        id=n.id,
        group=n.group,
        description=n.description,
        learns=n.learns,
        train_only=n.train_only,
        params_schema=_json(n.params_schema_json) or {},
    )


def validation(r: pipeline_pb2.ValidatePipelineResponse) -> s.ValidationResult:
    return s.ValidationResult(
        valid=r.valid,
        errors=[
            s.GraphIssuePublic(
                node_id=i.node_id or None,
                field=i.field or None,
                column=i.column or None,
                message=i.message,
            )
            for i in r.errors
        ],
    )


def preview(r: pipeline_pb2.PreviewPipelineResponse) -> s.PreviewResult:
    return s.PreviewResult(
        nodes=[
            s.NodePreviewPublic(
                node_id=n.node_id,
                node_type=n.node_type,
                n_rows=n.n_rows,
                columns=[s.ColumnPublic(name=c.name, dtype=c.dtype) for c in n.columns],
                rows=_json(n.rows_json) or [],
                splits=[
                    s.SplitSizePublic(
                        name=p.name,  # type: ignore[arg-type]
                        n_rows=p.n_rows,
                        n_columns=p.n_columns,
                    )
                    for p in n.splits
                ],
                warnings=list(n.warnings),
            )
            for n in r.nodes
        ]
    )


def job(j: pipeline_pb2.Job) -> s.JobPublic:
    error = None
    if j.HasField("error") and j.error.code:
        error = s.ErrorBody(
            code=j.error.code, message=j.error.message, details=_json(j.error.details_json) or {}
        )
    return s.JobPublic(
        id=j.id,
        kind=j.kind or "train",
        dataset_id=j.dataset_id,
        dataset_version=j.dataset_version or None,
        status=_enum_name(pipeline_pb2.JobStatus, j.status, "JOB_STATUS_"),  # type: ignore[arg-type]
        progress=j.progress,
        message=j.message,
        metrics=dict(j.metrics),
        model_name=j.model_name,
        model_version=j.model_version or None,
        error=error,
        created_at=_ts(j, "created_at"),
        started_at=_ts(j, "started_at"),
        finished_at=_ts(j, "finished_at"),
        pipeline_id=j.pipeline_id or None,
        pipeline_version=j.pipeline_version or None,
        results=[
            s.ModelResultPublic(
                node_id=r.node_id,
                model_type=r.model_type,
                model_name=r.model_name,
                model_version=r.model_version or None,
                metrics=dict(r.metrics),
            )
            for r in j.results
        ],
        attempts=j.attempts,
        retry_of=j.retry_of or None,
    )


def job_event(e: pipeline_pb2.WatchJobResponse) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "job_id": e.job_id,
        "type": e.type,
        "status": _enum_name(pipeline_pb2.JobStatus, e.status, "JOB_STATUS_"),
        "progress": e.progress,
        "message": e.message,
        "time": _ts(e, "time").isoformat() if e.HasField("time") else None,  # type: ignore[union-attr]
        "node_id": e.node_id or None,
        "node_status": e.node_status or None,
        "trial": _json(e.trial_json) if e.trial_json else None,
    }


def model_version(v: registry_pb2.ModelVersion) -> s.ModelVersionPublic:
    return s.ModelVersionPublic(
        name=v.name,
        version=v.version,
        task=v.task,
        model_type=v.model_type,
        metrics=dict(v.metrics),
        signature=_json(v.signature_json),
        lineage=s.LineagePublic(
            dataset_id=v.lineage.dataset_id,
            dataset_version=v.lineage.dataset_version or None,
            job_id=v.lineage.job_id,
            pipeline=_json(v.lineage.pipeline_json),
        ),
        bundle_uri=v.bundle_uri,
        created_at=_ts(v, "created_at"),
        runtime=v.runtime or "sklearn",
        description=v.description,
        tags=dict(v.tags),
        aliases=list(v.aliases),
    )


def model_alias(a: registry_pb2.ModelAlias, previous: int | None = None) -> s.ModelAliasPublic:
    return s.ModelAliasPublic(
        name=a.name,
        alias=a.alias,
        version=a.version,
        protected=a.protected,
        updated_at=_ts(a, "updated_at"),
        previous_version=previous,
    )


def registered_model(m: registry_pb2.RegisteredModel) -> s.RegisteredModelPublic:
    return s.RegisteredModelPublic(
        name=m.name,
        latest_version=m.latest_version,
        task=m.task,
        created_at=_ts(m, "created_at"),
        updated_at=_ts(m, "updated_at"),
    )


def deployment(d: deployment_pb2.Deployment) -> s.DeploymentPublic:
    return s.DeploymentPublic(
        id=d.id,
        name=d.name,
        model_name=d.model_name,
        model_version=d.model_version,
        status=_enum_name(deployment_pb2.DeploymentStatus, d.status, "DEPLOYMENT_STATUS_"),  # type: ignore[arg-type]
        created_at=_ts(d, "created_at"),
        updated_at=_ts(d, "updated_at"),
        model_alias=d.model_alias or None,
        previous_version=d.previous_version or None,
        canary_version=d.canary_version or None,
        canary_percent=d.canary_percent,
        last_error=d.last_error or None,
        log_sample_rate=d.log_sample_rate,
        batch_max_size=d.batch_max_size,
        batch_max_wait_ms=d.batch_max_wait_ms,
    )


def deployment_stats(stats: deployment_pb2.GetDeploymentStatsResponse) -> s.DeploymentStats:
    d = stats.deployment
    counted = {v.version: v for v in stats.versions}
    serving = [v for v in (d.model_version, d.canary_version) if v]
    total = sum(v.requests for v in stats.versions)
    versions = []
    for version in dict.fromkeys([*serving, *sorted(counted)]):
        c = counted.get(version, deployment_pb2.VersionStats(version=version))
        role: Literal["primary", "canary", "other"] = (
            "primary"
            if version == d.model_version
            else "canary"
            if version == d.canary_version
            else "other"
        )
        versions.append(
            s.VersionStatsPublic(
                version=version,
                role=role,
                requests=c.requests,
                errors=c.errors,
                error_rate=c.errors / c.requests if c.requests else 0.0,
                rows=c.rows,
                share=c.requests / total if total else 0.0,
                latency_mean_ms=c.latency_mean_ms,
                latency_p50_ms=c.latency_p50_ms,
                latency_p95_ms=c.latency_p95_ms,
            )
        )
    return s.DeploymentStats(
        deployment_id=d.id,
        name=d.name,
        servers=list(stats.servers),
        unreachable=list(stats.unreachable),
        since=_ts(stats, "since"),
        versions=versions,
    )


def _suggested_node(n: advisor_pb2.SuggestedNode) -> s.SuggestedNodePublic:
    return s.SuggestedNodePublic(type=n.type, params=_json(n.params_json) or {})


def recommendation(r: advisor_pb2.Recommendation) -> s.RecommendationPublic:
    node = _suggested_node(r.node) if r.HasField("node") and r.node.type else None
    return s.RecommendationPublic(
        id=r.id,
        rule=r.rule,
        title=r.title,
        message=r.message,
        columns=list(r.columns),
        severity=r.severity,
        node=node,
        alternatives=[_suggested_node(n) for n in r.alternatives],
        statistic=r.statistic if r.HasField("statistic") else None,
        stage=r.stage or "after_split",  # type: ignore[arg-type]
    )


def suggested_pipeline(r: advisor_pb2.SuggestPipelineResponse) -> s.SuggestedPipelinePublic:
    return s.SuggestedPipelinePublic(
        dataset_id=r.dataset_id,
        graph=graph_from_proto(r.graph),
        task=r.task,  # type: ignore[arg-type]
        model=r.model,
        metric=r.metric,
        recommendations=[recommendation(x) for x in r.recommendations],
    )


def layout_to_json(layout: s.PipelineLayout) -> str:
    return json.dumps({node: place.model_dump() for node, place in layout.items()})


def saved_pipeline(p: pipeline_pb2.SavedPipeline) -> s.PipelinePublic:
    return s.PipelinePublic(
        id=p.id,
        name=p.name,
        description=p.description,
        dataset_id=p.dataset_id or None,
        version=p.version,
        graph=graph_from_proto(p.graph),
        layout=_json(p.layout_json) or {},
        created_at=_ts(p, "created_at"),
        updated_at=_ts(p, "updated_at"),
    )


def saved_pipeline_version(v: pipeline_pb2.SavedPipelineVersion) -> s.PipelineVersionPublic:
    return s.PipelineVersionPublic(
        version=v.version,
        name=v.name,
        graph=graph_from_proto(v.graph),
        layout=_json(v.layout_json) or {},
        created_at=_ts(v, "created_at"),
    )


def pipeline_template(t: pipeline_pb2.PipelineTemplate) -> s.PipelineTemplatePublic:
    return s.PipelineTemplatePublic(
        id=t.id,
        name=t.name,
        description=t.description,
        task=t.task,
        graph=graph_from_proto(t.graph),
        layout=_json(t.layout_json) or {},
    )


def dataset_rows(r: ingestion_pb2.GetDatasetRowsResponse) -> s.DatasetRows:
    return s.DatasetRows(
        dataset_id=r.dataset_id,
        offset=r.offset,
        limit=r.limit,
        total=r.total,
        columns=[s.ColumnPublic(name=c.name, dtype=c.dtype) for c in r.columns],
        rows=_json(r.rows_json) or [],
    )


def batch_job(j: deployment_pb2.BatchJob) -> s.BatchJobPublic:
    return s.BatchJobPublic(
        id=j.id,
        deployment_id=j.deployment_id or None,
        model_name=j.model_name,
        model_version=j.model_version,
        dataset_id=j.dataset_id,
        dataset_version=j.dataset_version or None,
        key_columns=list(j.key_columns),
        status=_enum_name(deployment_pb2.BatchJobStatus, j.status, "BATCH_JOB_STATUS_"),  # type: ignore[arg-type]
        error=j.error or None,
        n_rows=j.n_rows,
        output_dataset_id=j.output_dataset_id or None,
        output_name=j.output_name,
        created_at=_ts(j, "created_at"),
        started_at=_ts(j, "started_at"),
        finished_at=_ts(j, "finished_at"),
    )


def drift_report(r: deployment_pb2.DriftReport) -> s.DriftReportPublic:
    return s.DriftReportPublic(
        id=r.id,
        deployment_id=r.deployment_id,
        model_name=r.model_name,
        model_version=r.model_version,
        source=r.source,  # type: ignore[arg-type]
        dataset_id=r.dataset_id or None,
        dataset_version=r.dataset_version or None,
        days=r.days or None,
        status=_enum_name(deployment_pb2.DriftReportStatus, r.status, "DRIFT_REPORT_STATUS_"),  # type: ignore[arg-type]
        error=r.error or None,
        severity=r.severity or None,  # type: ignore[arg-type]
        n_rows=r.n_rows,
        result=s.DriftResultPublic.model_validate_json(r.result_json) if r.result_json else None,
        created_at=_ts(r, "created_at"),
        finished_at=_ts(r, "finished_at"),
    )
