"""DeploymentService over gRPC: decode, call the service in a thread, encode.

Predict forwards the Open Inference Protocol request to a prediction server, naming the model
by the deployment (the prediction server serves deployments by name). The deployment a Predict
names is looked up in the database at most once per ``ACTIVE_TTL_SECONDS`` (a change made through
this process applies at once; one made through another replica within the TTL).
"""

from __future__ import annotations

import asyncio
import functools
import time

from grpc import aio

from inference import grpc_predict_v2_pb2_grpc
from skyulf.deployment.v1 import deployment_pb2 as pb
from skyulf.deployment.v1 import deployment_pb2_grpc
from skyulf_deployment.grpc.converters import deployment_to_proto
from skyulf_deployment.service import DeploymentService
from skyulf_platform.grpc.client import translated

PREDICT_TIMEOUT_SECONDS = 60.0
ACTIVE_TTL_SECONDS = 2.0


class DeploymentServicer(deployment_pb2_grpc.DeploymentServiceServicer):
    def __init__(self, service: DeploymentService, predictor: aio.Channel) -> None:
        self.service = service
        self.predictor = grpc_predict_v2_pb2_grpc.GRPCInferenceServiceStub(predictor)
        # deployment id or name -> (the ACTIVE deployment as a proto, when it was read)
        self._active: dict[str, tuple[pb.Deployment, float]] = {}

    async def _active_deployment(self, ref: str) -> pb.Deployment:
        cached = self._active.get(ref)
        now = time.monotonic()
        if cached is not None and now - cached[1] < ACTIVE_TTL_SECONDS:
            return cached[0]
        self._active.pop(ref, None)
        found = deployment_to_proto(await asyncio.to_thread(self.service.get_active, ref))
        self._active[ref] = (found, now)
        return found

    async def CreateDeployment(
        self, request: pb.CreateDeploymentRequest, context: aio.ServicerContext
    ) -> pb.CreateDeploymentResponse:
        created = await asyncio.to_thread(
            self.service.create_deployment,
            request.model_name,
            request.model_version,
            request.name,
            request.model_alias,
        )
        self._active.clear()
        return pb.CreateDeploymentResponse(deployment=deployment_to_proto(created))

    async def GetDeployment(
        self, request: pb.GetDeploymentRequest, context: aio.ServicerContext
    ) -> pb.GetDeploymentResponse:
        found = await asyncio.to_thread(self.service.get_deployment, request.deployment_id)
        return pb.GetDeploymentResponse(deployment=deployment_to_proto(found))

    async def ListDeployments(
        self, request: pb.ListDeploymentsRequest, context: aio.ServicerContext
    ) -> pb.ListDeploymentsResponse:
        found = await asyncio.to_thread(self.service.list_deployments, request.include_deleted)
        return pb.ListDeploymentsResponse(deployments=[deployment_to_proto(d) for d in found])

    async def DeleteDeployment(
        self, request: pb.DeleteDeploymentRequest, context: aio.ServicerContext
    ) -> pb.DeleteDeploymentResponse:
        deleted = await asyncio.to_thread(self.service.delete_deployment, request.deployment_id)
        self._active.clear()
        return pb.DeleteDeploymentResponse(deployment=deployment_to_proto(deleted))

    async def UpdateDeployment(
        self, request: pb.UpdateDeploymentRequest, context: aio.ServicerContext
    ) -> pb.UpdateDeploymentResponse:
        try:
            moved = await asyncio.to_thread(
                functools.partial(
                    self.service.update_deployment,
                    request.deployment_id,
                    model_version=request.model_version,
                    model_alias=request.model_alias,
                    canary_version=request.canary_version,
                    canary_percent=request.canary_percent,
                )
            )
        finally:
            self._active.clear()
        return pb.UpdateDeploymentResponse(deployment=deployment_to_proto(moved))

    async def RollbackDeployment(
        self, request: pb.RollbackDeploymentRequest, context: aio.ServicerContext
    ) -> pb.RollbackDeploymentResponse:
        try:
            moved = await asyncio.to_thread(self.service.rollback_deployment, request.deployment_id)
        finally:
            self._active.clear()
        return pb.RollbackDeploymentResponse(deployment=deployment_to_proto(moved))

    async def Predict(
        self, request: pb.PredictRequest, context: aio.ServicerContext
    ) -> pb.PredictResponse:
        deployment = await self._active_deployment(request.deployment_id)
        infer = request.request
        # The prediction server picks the version (the alias's, or the canary's share).
        infer.model_name = deployment.name
        infer.model_version = ""
        with translated("prediction server"):
            response = await self.predictor.ModelInfer(infer, timeout=PREDICT_TIMEOUT_SECONDS)
        return pb.PredictResponse(deployment=deployment, response=response)
