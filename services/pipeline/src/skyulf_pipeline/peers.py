"""Clients of the services pipeline depends on: ingestion (datasets) and registry (versions).

Each call runs inside ``translated(<service>)``, so a peer's error comes back as the very
SkyulfError it raised (a dataset that does not exist stays NOT_FOUND naming the dataset).
"""

from __future__ import annotations

import json
from typing import Any

import grpc
from grpc import aio

from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf.registry.v1 import registry_pb2, registry_pb2_grpc
from skyulf_errors import InvalidArgument
from skyulf_pipeline.models import DatasetColumn, DatasetInfo, DatasetStatus, RegisteredVersion
from skyulf_platform.grpc.client import call_metadata, translated

INGESTION_SERVICE = "skyulf.ingestion.v1.IngestionService"
CALL_TIMEOUT = 30.0

_DATASET_STATUS = {
    ingestion_pb2.DATASET_STATUS_PENDING: DatasetStatus.PENDING,
    ingestion_pb2.DATASET_STATUS_READY: DatasetStatus.READY,
    ingestion_pb2.DATASET_STATUS_FAILED: DatasetStatus.FAILED,
}


def _check_dataset_id(dataset_id: str) -> str:
    if not dataset_id:
        raise InvalidArgument("dataset_id is required", details={"field": "dataset_id"})
    return dataset_id


def dataset_from_proto(d: ingestion_pb2.Dataset) -> DatasetInfo:
    return DatasetInfo(
        id=d.id,
        name=d.name,
        status=_DATASET_STATUS.get(d.status, DatasetStatus.UNKNOWN),
        columns=[DatasetColumn(name=c.name, dtype=c.dtype) for c in d.columns],
        data_uri=d.data_uri,
        data_sha256=d.data_checksum,
        version=d.version,
    )


class AsyncIngestionClient:
    """For the gRPC service (asyncio)."""

    def __init__(self, channel: aio.Channel) -> None:
        self.stub = ingestion_pb2_grpc.IngestionServiceStub(channel)

    async def get_dataset(self, dataset_id: str, *, version: int = 0) -> DatasetInfo:
        request = ingestion_pb2.GetDatasetRequest(
            dataset_id=_check_dataset_id(dataset_id), version=version
        )
        with translated("ingestion"):
            resp = await self.stub.GetDataset(request, timeout=CALL_TIMEOUT)
        return dataset_from_proto(resp.dataset)


class IngestionClient:
    """For the training task (blocking)."""

    def __init__(self, channel: grpc.Channel) -> None:
        self.stub = ingestion_pb2_grpc.IngestionServiceStub(channel)

    def get_dataset(self, dataset_id: str, *, version: int = 0) -> DatasetInfo:
        request = ingestion_pb2.GetDatasetRequest(
            dataset_id=_check_dataset_id(dataset_id), version=version
        )
        with translated("ingestion"):
            resp = self.stub.GetDataset(request, timeout=CALL_TIMEOUT, metadata=call_metadata())
        return dataset_from_proto(resp.dataset)


class RegistryClient:
    """For the training task (blocking)."""

    def __init__(self, channel: grpc.Channel) -> None:
        self.stub = registry_pb2_grpc.RegistryServiceStub(channel)

    def create_model_version(
        self,
        *,
        name: str,
        task: str,
        model_type: str,
        bundle_uri: str,
        bundle_checksum: str,
        metrics: dict[str, float],
        signature: Any,
        dataset_id: str,
        job_id: str,
        pipeline: dict[str, Any],
        dataset_version: int = 0,
        node_id: str = "",
        runtime: str = "",
        tags: dict[str, str] | None = None,
    ) -> RegisteredVersion:
        request = registry_pb2.CreateModelVersionRequest(
            name=name,
            task=task,
            model_type=model_type,
            bundle_uri=bundle_uri,
            bundle_checksum=bundle_checksum,
            metrics=metrics,
            signature_json=_json(signature),
            lineage=registry_pb2.Lineage(
                dataset_id=dataset_id,
                job_id=job_id,
                node_id=node_id,
                pipeline_json=json.dumps(pipeline),
                dataset_version=dataset_version,
            ),
            runtime=runtime,
            tags=tags or {},
        )
        with translated("registry"):
            resp = self.stub.CreateModelVersion(
                request, timeout=CALL_TIMEOUT, metadata=call_metadata()
            )
        version = resp.model_version
        return RegisteredVersion(
            name=version.name,
            version=version.version,
            bundle_checksum=version.bundle_checksum,
            metrics=dict(version.metrics),
        )

    def delete_job_versions(self, job_id: str) -> list[RegisteredVersion]:
        request = registry_pb2.DeleteJobVersionsRequest(job_id=job_id)
        with translated("registry"):
            resp = self.stub.DeleteJobVersions(
                request, timeout=CALL_TIMEOUT, metadata=call_metadata()
            )
        return [RegisteredVersion(name=v.name, version=v.version) for v in resp.versions]


def _json(value: Any) -> str:
    if hasattr(value, "model_dump_json"):
        return str(value.model_dump_json())
    return json.dumps(value, default=str)
