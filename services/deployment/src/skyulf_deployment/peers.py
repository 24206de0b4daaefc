"""The registry and the prediction servers as the deployment service asks them (blocking calls,
made from worker threads)."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import grpc

from skyulf.deployment.v1 import deployment_pb2, deployment_pb2_grpc
from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf.registry.v1 import registry_pb2, registry_pb2_grpc
from skyulf_deployment.models import ResolvedVersion
from skyulf_errors import InvalidArgument, NotFound, Unavailable
from skyulf_platform.grpc.client import call_metadata, sync_channel, translated

TIMEOUT_SECONDS = 10.0
# Loading a bundle reads it from the artifact store and builds the model: allow for a large one.
LOAD_TIMEOUT_SECONDS = 120.0
STATS_TIMEOUT_SECONDS = 5.0
DNS_SCHEME = "dns:///"

log = logging.getLogger(__name__)


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
    """Asks a prediction server to load and verify a version before an endpoint moves to it, and
    every prediction server for its counters."""

    def __init__(self, channel: grpc.Channel, address: str = "") -> None:
        self.channel = channel
        self.stub = deployment_pb2_grpc.PredictorServiceStub(channel)
        self.address = address
        # Where every prediction server is found: on a cluster the address is a headless
        # Service (``dns:///name:port``) whose name resolves to each server; else the one server.
        self.peers = address.removeprefix(DNS_SCHEME) if address.startswith(DNS_SCHEME) else ""
        self._peer_stubs: dict[str, tuple[grpc.Channel, deployment_pb2_grpc.PredictorServiceStub]]
        self._peer_stubs = {}

    @classmethod
    def connect(cls, address: str) -> PredictorClient:
        return cls(sync_channel(address), address)

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

    def stats(self, name: str) -> tuple[list[deployment_pb2.GetEndpointStatsResponse], list[str]]:
        """Each prediction server's counters of endpoint ``name``, and the addresses that did not
        answer (a server that is going away is left out, not an error)."""
        request = deployment_pb2.GetEndpointStatsRequest(name=name)
        if not self.peers:
            targets = {self.address: self.stub}
        else:
            targets = {address: self._peer(address) for address in resolve_peers(self.peers)}
            for gone in set(self._peer_stubs) - set(targets):
                self._peer_stubs.pop(gone)[0].close()
        answers, unreachable = [], []
        for address, stub in targets.items():
            try:
                answers.append(
                    stub.GetEndpointStats(
                        request, timeout=STATS_TIMEOUT_SECONDS, metadata=call_metadata()
                    )
                )
            except grpc.RpcError as e:
                log.warning("prediction server %s gave no counters: %s", address, e.code())
                unreachable.append(address)
        return answers, unreachable

    def _peer(self, address: str) -> deployment_pb2_grpc.PredictorServiceStub:
        found = self._peer_stubs.get(address)
        if found is None:
            channel = sync_channel(address)
            found = self._peer_stubs[address] = (
                channel,
                deployment_pb2_grpc.PredictorServiceStub(channel),
            )
        return found[1]

    def close(self) -> None:
        self.channel.close()
        for channel, _ in self._peer_stubs.values():
            channel.close()


def resolve_peers(peers: str) -> list[str]:
    """``host:port[,host:port...]`` as the ``address:port`` of every address each host resolves
    to (the pods behind a headless Service), sorted."""
    found: set[str] = set()
    for peer in (p.strip() for p in peers.split(",")):
        host, sep, port = peer.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise InvalidArgument(
                f"prediction servers must be given as host:port, not {peer!r}",
                details={"field": "predictor_addr"},
            )
        try:
            infos = socket.getaddrinfo(host.strip("[]"), int(port), type=socket.SOCK_STREAM)
        except socket.gaierror as e:
            raise Unavailable(
                f"the prediction servers at {peer!r} cannot be resolved: {e}",
                details={"field": "predictor_addr"},
            ) from e
        for info in infos:
            address = str(info[4][0])
            found.add(f"[{address}]:{port}" if ":" in address else f"{address}:{port}")
    return sorted(found)


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
