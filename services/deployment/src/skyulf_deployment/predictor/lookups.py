"""Which bundles an endpoint name means: the deployment of that name, then its registry
version(s): the alias it follows or its version, and its canary's version."""

from __future__ import annotations

from grpc import aio

from skyulf.deployment.v1 import deployment_pb2, deployment_pb2_grpc
from skyulf.registry.v1 import registry_pb2, registry_pb2_grpc
from skyulf_deployment.predictor.model_repository import EndpointSettings, ModelRef, Route
from skyulf_errors import NotFound
from skyulf_platform.grpc.client import translated
from skyulf_platform.projects import DEFAULT_PROJECT

TIMEOUT_SECONDS = 5.0


class PeerLookup:
    def __init__(self, deployment: aio.Channel, registry: aio.Channel) -> None:
        self.deployments = deployment_pb2_grpc.DeploymentServiceStub(deployment)
        self.registry = registry_pb2_grpc.RegistryServiceStub(registry)

    async def resolve(self, name: str) -> Route:
        with translated("deployment"):
            reply = await self.deployments.GetDeployment(
                deployment_pb2.GetDeploymentRequest(deployment_id=name), timeout=TIMEOUT_SECONDS
            )
        d = reply.deployment
        # Looked up by name, so the ACTIVE one; an id of a deleted deployment is not a model name.
        if d.name != name or d.status != deployment_pb2.DEPLOYMENT_STATUS_ACTIVE:
            raise NotFound(f"model {name!r} is not deployed", details={"model": name})
        primary = await self._ref(name, d.model_name, d.model_version, d.model_alias)
        canary = None
        if d.canary_version and d.canary_percent:
            canary = await self._ref(name, d.model_name, d.canary_version)
        settings = EndpointSettings(
            log_sample_rate=d.log_sample_rate,
            batch_max_size=d.batch_max_size,
            batch_max_wait_ms=d.batch_max_wait_ms,
        )
        return Route(primary, canary, d.canary_percent if canary else 0, settings)

    async def version(self, model_name: str, version: int) -> ModelRef:
        return await self._ref("", model_name, version)

    async def active_names(self) -> list[tuple[str, str]]:
        with translated("deployment"):
            reply = await self.deployments.ListDeployments(
                deployment_pb2.ListDeploymentsRequest(all_projects=True), timeout=TIMEOUT_SECONDS
            )
        return [(d.project_id or DEFAULT_PROJECT, d.name) for d in reply.deployments]

    async def _ref(self, name: str, model_name: str, version: int, alias: str = "") -> ModelRef:
        request = registry_pb2.GetModelVersionRequest(
            name=model_name, version=0 if alias else version, alias=alias
        )
        with translated("registry"):
            mv = (
                await self.registry.GetModelVersion(request, timeout=TIMEOUT_SECONDS)
            ).model_version
        return ModelRef(
            name=name,
            model_name=mv.name,
            version=mv.version,
            bundle_uri=mv.bundle_uri,
            bundle_checksum=mv.bundle_checksum,
        )
