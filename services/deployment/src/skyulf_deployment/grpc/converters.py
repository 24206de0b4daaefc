"""Deployment protos <-> the service's pydantic models."""

from __future__ import annotations

import json
from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from skyulf.deployment.v1 import deployment_pb2 as pb
from skyulf_deployment.models import (
    BatchJob,
    Deployment,
    DeploymentStatus,
    DriftReport,
    JobStatus,
    ServingSettings,
)

_STATUS = {
    DeploymentStatus.ACTIVE: pb.DEPLOYMENT_STATUS_ACTIVE,
    DeploymentStatus.DELETED: pb.DEPLOYMENT_STATUS_DELETED,
}


def _ts(value: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def deployment_to_proto(d: Deployment) -> pb.Deployment:
    return pb.Deployment(
        id=d.id,
        name=d.name,
        model_name=d.model_name,
        model_version=d.model_version,
        status=_STATUS[d.status],
        created_at=_ts(d.created_at),
        updated_at=_ts(d.updated_at),
        model_alias=d.model_alias,
        previous_version=d.previous_version,
        canary_version=d.canary_version,
        canary_percent=d.canary_percent,
        last_error=d.last_error,
        log_sample_rate=d.log_sample_rate,
        batch_max_size=d.batch_max_size,
        batch_max_wait_ms=d.batch_max_wait_ms,
        project_id=d.project_id,
    )


def serving_settings(request: pb.UpdateDeploymentRequest) -> ServingSettings | None:
    fields = ("log_sample_rate", "batch_max_size", "batch_max_wait_ms")
    given = {f: getattr(request, f) for f in fields if request.HasField(f)}
    return ServingSettings(**given) if given else None


_JOB_STATUS = {
    JobStatus.QUEUED: pb.BATCH_JOB_STATUS_QUEUED,
    JobStatus.RUNNING: pb.BATCH_JOB_STATUS_RUNNING,
    JobStatus.SUCCEEDED: pb.BATCH_JOB_STATUS_SUCCEEDED,
    JobStatus.FAILED: pb.BATCH_JOB_STATUS_FAILED,
}
_DRIFT_STATUS = {
    JobStatus.QUEUED: pb.DRIFT_REPORT_STATUS_QUEUED,
    JobStatus.RUNNING: pb.DRIFT_REPORT_STATUS_RUNNING,
    JobStatus.SUCCEEDED: pb.DRIFT_REPORT_STATUS_SUCCEEDED,
    JobStatus.FAILED: pb.DRIFT_REPORT_STATUS_FAILED,
}


def _set_ts(message: object, field: str, value: datetime | None) -> None:
    if value is not None:
        getattr(message, field).FromDatetime(value)


def batch_job_to_proto(j: BatchJob) -> pb.BatchJob:
    out = pb.BatchJob(
        id=j.id,
        deployment_id=j.deployment_id,
        model_name=j.model_name,
        model_version=j.model_version,
        dataset_id=j.dataset_id,
        dataset_version=j.dataset_version,
        key_columns=j.key_columns,
        status=_JOB_STATUS[j.status],
        error=j.error,
        n_rows=j.n_rows,
        output_dataset_id=j.output_dataset_id,
        created_at=_ts(j.created_at),
        output_name=j.output_name,
    )
    _set_ts(out, "started_at", j.started_at)
    _set_ts(out, "finished_at", j.finished_at)
    return out


def drift_report_to_proto(r: DriftReport) -> pb.DriftReport:
    out = pb.DriftReport(
        id=r.id,
        deployment_id=r.deployment_id,
        model_name=r.model_name,
        model_version=r.model_version,
        source=r.source,
        dataset_id=r.dataset_id,
        dataset_version=r.dataset_version,
        days=r.days,
        status=_DRIFT_STATUS[r.status],
        error=r.error,
        severity=r.severity,
        result_json=json.dumps(r.result) if r.result is not None else "",
        created_at=_ts(r.created_at),
        n_rows=r.n_rows,
    )
    _set_ts(out, "finished_at", r.finished_at)
    return out
