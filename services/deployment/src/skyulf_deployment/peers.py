"""The registry as the deployment service asks it (blocking calls, made from worker threads)."""

from __future__ import annotations

import grpc

from skyulf.registry.v1 import registry_pb2, registry_pb2_grpc
from skyulf_deployment.models import ResolvedVersion
from skyulf_platform.grpc.client import call_metadata, sync_channel, translated

TIMEOUT_SECONDS = 10.0


class RegistryClient:
    def __init__(self, channel: grpc.Channel) -> None:
        self.channel = channel
        self.stub = registry_pb2_grpc.RegistryServiceStub(channel)

    @classmethod
    def connect(cls, address: str) -> RegistryClient:
        return cls(sync_channel(address))

    def resolve(self, model_name: str, version: int) -> ResolvedVersion:
        with translated("registry"):
            reply = self.stub.GetModelVersion(
                registry_pb2.GetModelVersionRequest(name=model_name, version=version),
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
