"""Registry protos <-> the service's pydantic models."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from skyulf.registry.v1 import registry_pb2 as pb
from skyulf_errors import InvalidArgument
from skyulf_registry.models import (
    Lineage,
    ModelAlias,
    ModelVersion,
    NewModelVersion,
    RegisteredModel,
)


def _json_field(text: str, field: str) -> Any | None:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError as e:
        raise InvalidArgument(f"{field} is not valid JSON: {e}", details={"field": field}) from e


def _dump(value: Any | None) -> str:
    return "" if value is None else json.dumps(value, separators=(",", ":"))


def _ts(value: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def new_version_from_proto(request: pb.CreateModelVersionRequest) -> NewModelVersion:
    return NewModelVersion(
        name=request.name,
        task=request.task,
        model_type=request.model_type,
        bundle_uri=request.bundle_uri,
        bundle_checksum=request.bundle_checksum,
        metrics=dict(request.metrics),
        signature=_json_field(request.signature_json, "signature_json"),
        lineage=Lineage(
            dataset_id=request.lineage.dataset_id,
            dataset_version=max(request.lineage.dataset_version, 0),
            job_id=request.lineage.job_id,
            node_id=request.lineage.node_id,
            pipeline=_json_field(request.lineage.pipeline_json, "lineage.pipeline_json"),
        ),
        runtime=request.runtime or "sklearn",
        description=request.description,
        tags=dict(request.tags),
    )


def version_to_proto(version: ModelVersion) -> pb.ModelVersion:
    return pb.ModelVersion(
        name=version.name,
        version=version.version,
        task=version.task,
        model_type=version.model_type,
        bundle_uri=version.bundle_uri,
        bundle_checksum=version.bundle_checksum,
        metrics=version.metrics,
        signature_json=_dump(version.signature),
        lineage=pb.Lineage(
            dataset_id=version.lineage.dataset_id,
            dataset_version=version.lineage.dataset_version,
            job_id=version.lineage.job_id,
            node_id=version.lineage.node_id,
            pipeline_json=_dump(version.lineage.pipeline),
        ),
        created_at=_ts(version.created_at),
        runtime=version.runtime,
        description=version.description,
        tags=version.tags,
        aliases=version.aliases,
    )


def alias_to_proto(alias: ModelAlias) -> pb.ModelAlias:
    return pb.ModelAlias(
        name=alias.name,
        alias=alias.alias,
        version=alias.version,
        protected=alias.protected,
        updated_at=_ts(alias.updated_at),
    )


def model_to_proto(model: RegisteredModel) -> pb.RegisteredModel:
    return pb.RegisteredModel(
        name=model.name,
        latest_version=model.latest_version,
        task=model.task,
        created_at=_ts(model.created_at),
        updated_at=_ts(model.updated_at),
    )
