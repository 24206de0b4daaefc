"""The registry and the prediction servers as the deployment service asks them (blocking calls,
made from worker threads)."""

from __future__ import annotations

from collections.abc import Iterator

import grpc

from skyulf.deployment.v1 import deployment_pb2, deployment_pb2_grpc
from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf.registry.v1 import registry_pb2, registry_pb2_grpc
from skyulf_deployment.models import ResolvedVersion
from skyulf_errors import NotFound
from skyulf_platform.grpc.client import call_metadata, sync_channel, translated

TIMEOUT_SECONDS = 10.0
# Loading a bundle reads it from the artifact store and builds the model: allow for a large one.
LOAD_TIMEOUT_SECONDS = 120.0


class RegistryClient:
    def __init__(self, channel: grpc.Channel) -> None:
        self.channel = channel
        self.stub = registry_pb2_grpc.RegistryServiceStub(channel)

    @classmethod
    def connect(cls, address: str) -> RegistryClient:
        return cls(sync_channel(address))

    def resolve(self, model_name: str, version: int, alias: str = "") -> ResolvedVersion:
        with translated("registry"):
            reply = self.stub.GetModelVersion(
                registry_pb2.GetModelVersionRequest(name=model_name, version=version, alias=alias),
                timeout=TIMEOUT_SECONDS,
                metadata=call_metadata(),
            )
        mv = reply.model_version
        return ResolvedVersion(
            model_name=mv.name,
            version=mv.version,
            bundle_uri=mv.bundle_uri,
            bundle_checksum=mv.bundle_checksum,
        )

    def close(self) -> None:
        self.channel.close()


class PredictorClient:
    """Asks a prediction server to load and verify a version before an endpoint moves to it."""

    def __init__(self, channel: grpc.Channel) -> None:
        self.channel = channel
        self.stub = deployment_pb2_grpc.PredictorServiceStub(channel)

    @classmethod
    def connect(cls, address: str) -> PredictorClient:
        return cls(sync_channel(address))

    def load(self, model_name: str, version: int) -> str:
        with translated("prediction server"):
            reply = self.stub.LoadModelVersion(
                deployment_pb2.LoadModelVersionRequest(
                    model_name=model_name, model_version=version
                ),
                timeout=LOAD_TIMEOUT_SECONDS,
                metadata=call_metadata(),
            )
        return reply.runtime

    def close(self) -> None:
        self.channel.close()


UPLOAD_CHUNK = 1 << 20


class IngestionClient:
    """Datasets as batch scoring and drift read and write them (Parquet over gRPC)."""

    def __init__(self, channel: grpc.Channel) -> None:
        self.channel = channel
        self.stub = ingestion_pb2_grpc.IngestionServiceStub(channel)

    @classmethod
    def connect(cls, address: str) -> IngestionClient:
        return cls(sync_channel(address))

    def dataset(self, dataset_id: str) -> ingestion_pb2.Dataset:
        with translated("ingestion"):
            return self.stub.GetDataset(
                ingestion_pb2.GetDatasetRequest(dataset_id=dataset_id),
                timeout=TIMEOUT_SECONDS,
                metadata=call_metadata(),
            ).dataset

    def version_columns(self, dataset_id: str, version: int) -> list[str]:
        """The columns of a dataset version (0: current); NotFound naming what is missing."""
        if not version:
            return [c.name for c in self.dataset(dataset_id).columns]
        with translated("ingestion"):
            reply = self.stub.ListDatasetVersions(
                ingestion_pb2.ListDatasetVersionsRequest(dataset_id=dataset_id),
                timeout=TIMEOUT_SECONDS,
                metadata=call_metadata(),
            )
        for v in reply.versions:
            if v.version == version:
                return [c.name for c in v.columns]
        raise NotFound(
            f"dataset {dataset_id} has no version {version}",
            details={"dataset_id": dataset_id, "field": "dataset_version"},
        )

    def read_parquet(self, dataset_id: str, version: int) -> bytes:
        request = ingestion_pb2.ExportDatasetRequest(
            dataset_id=dataset_id, version=version, format=ingestion_pb2.EXPORT_FORMAT_PARQUET
        )
        with translated("ingestion"):
            chunks = self.stub.ExportDataset(
                request, timeout=LOAD_TIMEOUT_SECONDS, metadata=call_metadata()
            )
            return b"".join(c.chunk for c in chunks)

    def upload_parquet(self, name: str, data: bytes) -> ingestion_pb2.Dataset:
        """Registers ``data`` as a new dataset (ingestion makes it READY on its workers)."""

        def messages() -> Iterator[ingestion_pb2.UploadDatasetRequest]:
            yield ingestion_pb2.UploadDatasetRequest(
                metadata=ingestion_pb2.UploadMetadata(filename=f"{name}.parquet", name=name)
            )
            for start in range(0, len(data), UPLOAD_CHUNK):
                yield ingestion_pb2.UploadDatasetRequest(chunk=data[start : start + UPLOAD_CHUNK])

        with translated("ingestion"):
            return self.stub.UploadDataset(
                messages(), timeout=LOAD_TIMEOUT_SECONDS, metadata=call_metadata()
            ).dataset

    def close(self) -> None:
        self.channel.close()
