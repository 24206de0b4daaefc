"""Deployment protos <-> the service's pydantic models."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from skyulf.deployment.v1 import deployment_pb2 as pb
from skyulf_deployment.models import Deployment, DeploymentStatus

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
    )
