"""inference.GRPCInferenceService over the data plane."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from grpc import aio

from inference import grpc_predict_v2_pb2 as pb
from inference import grpc_predict_v2_pb2_grpc
from skyulf_deployment.predictor.dataplane import (
    SERVER_NAME,
    SERVER_VERSION,
    DataPlane,
    TensorMetadata,
)
from skyulf_platform.projects import project_var

_Tensor = pb.ModelMetadataResponse.TensorMetadata


def _tensor(t: TensorMetadata) -> pb.ModelMetadataResponse.TensorMetadata:
    out = _Tensor(name=t.name, datatype=t.datatype, shape=t.shape)
    for key, value in t.parameters.items():
        out.parameters[key].string_param = value
    return out


# The project a call acts in, from its metadata (an API key's own project, or what a service
# token's call names).
ProjectOf = Callable[[Any], Awaitable[str]]


class InferenceServicer(grpc_predict_v2_pb2_grpc.GRPCInferenceServiceServicer):
    """Every method that names a model looks it up in the caller's project."""

    def __init__(self, dataplane: DataPlane, project_of: ProjectOf) -> None:
        self.dataplane = dataplane
        self.project_of = project_of

    async def _enter(self, context: aio.ServicerContext) -> None:
        # The server interceptor resets the project when the call ends.
        project_var.set(await self.project_of(context.invocation_metadata()))

    async def ServerLive(
        self, request: pb.ServerLiveRequest, context: aio.ServicerContext
    ) -> pb.ServerLiveResponse:
        return pb.ServerLiveResponse(live=await self.dataplane.live())

    async def ServerReady(
        self, request: pb.ServerReadyRequest, context: aio.ServicerContext
    ) -> pb.ServerReadyResponse:
        ready, _ = await self.dataplane.ready()
        return pb.ServerReadyResponse(ready=ready)

    async def ModelReady(
        self, request: pb.ModelReadyRequest, context: aio.ServicerContext
    ) -> pb.ModelReadyResponse:
        await self._enter(context)
        return pb.ModelReadyResponse(
            ready=await self.dataplane.model_ready(request.name, request.version)
        )

    async def ServerMetadata(
        self, request: pb.ServerMetadataRequest, context: aio.ServicerContext
    ) -> pb.ServerMetadataResponse:
        return pb.ServerMetadataResponse(name=SERVER_NAME, version=SERVER_VERSION)

    async def ModelMetadata(
        self, request: pb.ModelMetadataRequest, context: aio.ServicerContext
    ) -> pb.ModelMetadataResponse:
        await self._enter(context)
        meta = await self.dataplane.model_metadata(request.name, request.version)
        return pb.ModelMetadataResponse(
            name=meta.name,
            versions=meta.versions,
            platform=meta.platform,
            inputs=[_tensor(t) for t in meta.inputs],
            outputs=[_tensor(t) for t in meta.outputs],
        )

    async def ModelInfer(
        self, request: pb.ModelInferRequest, context: aio.ServicerContext
    ) -> pb.ModelInferResponse:
        await self._enter(context)
        return await self.dataplane.infer(request)
