"""The registry and the prediction servers as the deployment service asks them (blocking calls,
made from worker threads)."""

from __future__ import annotations

import grpc

from skyulf.deployment.v1 import deployment_pb2, deployment_pb2_grpc
from skyulf.registry.v1 import registry_pb2, registry_pb2_grpc
from skyulf_deployment.models import ResolvedVersion
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
