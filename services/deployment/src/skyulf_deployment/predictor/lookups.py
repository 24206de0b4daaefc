"""Which bundle a model name means: the deployment of that name, then its registry version."""

from __future__ import annotations

from grpc import aio

from skyulf.deployment.v1 import deployment_pb2, deployment_pb2_grpc
from skyulf.registry.v1 import registry_pb2, registry_pb2_grpc
from skyulf_core.errors import NotFound
from skyulf_deployment.predictor.model_repository import ModelRef
from skyulf_platform.grpc.client import translated

TIMEOUT_SECONDS = 5.0


class PeerLookup:
    def __init__(self, deployment: aio.Channel, registry: aio.Channel) -> None:
        self.deployments = deployment_pb2_grpc.DeploymentServiceStub(deployment)
        self.registry = registry_pb2_grpc.RegistryServiceStub(registry)

    async def resolve(self, name: str) -> ModelRef:
        with translated("deployment"):
            reply = await self.deployments.GetDeployment(
                deployment_pb2.GetDeploymentRequest(deployment_id=name), timeout=TIMEOUT_SECONDS
            )
        d = reply.deployment
        # Looked up by name, so the ACTIVE one; an id of a deleted deployment is not a model name.
        if d.name != name or d.status != deployment_pb2.DEPLOYMENT_STATUS_ACTIVE:
            raise NotFound(f"model {name!r} is not deployed", details={"model": name})
        with translated("registry"):
            mv = (
                await self.registry.GetModelVersion(
                    registry_pb2.GetModelVersionRequest(name=d.model_name, version=d.model_version),
                    timeout=TIMEOUT_SECONDS,
                )
            ).model_version
        return ModelRef(
            name=name,
            model_name=mv.name,
            version=mv.version,
            bundle_uri=mv.bundle_uri,
            bundle_checksum=mv.bundle_checksum,
        )
