"""RegistryService over gRPC: decode, call the service in a thread, encode."""

from __future__ import annotations

import asyncio
import functools

from grpc import aio

from skyulf.registry.v1 import registry_pb2 as pb
from skyulf.registry.v1 import registry_pb2_grpc
from skyulf_registry.grpc import converters as conv
from skyulf_registry.service import RegistryService


class RegistryServicer(registry_pb2_grpc.RegistryServiceServicer):
    def __init__(self, service: RegistryService) -> None:
        self.service = service

    async def CreateModelVersion(
        self, request: pb.CreateModelVersionRequest, context: aio.ServicerContext
    ) -> pb.CreateModelVersionResponse:
        new = conv.new_version_from_proto(request)
        created = await asyncio.to_thread(self.service.create_model_version, new)
        return pb.CreateModelVersionResponse(model_version=conv.version_to_proto(created))

    async def GetModelVersion(
        self, request: pb.GetModelVersionRequest, context: aio.ServicerContext
    ) -> pb.GetModelVersionResponse:
        found = await asyncio.to_thread(
            self.service.get_model_version, request.name, request.version, request.alias
        )
        return pb.GetModelVersionResponse(model_version=conv.version_to_proto(found))

    async def ListModels(
        self, request: pb.ListModelsRequest, context: aio.ServicerContext
    ) -> pb.ListModelsResponse:
        page = await asyncio.to_thread(self.service.list_models, request.page_size, request.offset)
        return pb.ListModelsResponse(
            models=[conv.model_to_proto(m) for m in page.models], total=page.total
        )

    async def ListModelVersions(
        self, request: pb.ListModelVersionsRequest, context: aio.ServicerContext
    ) -> pb.ListModelVersionsResponse:
        versions = await asyncio.to_thread(self.service.list_model_versions, request.name)
        return pb.ListModelVersionsResponse(versions=[conv.version_to_proto(v) for v in versions])

    async def DeleteJobVersions(
        self, request: pb.DeleteJobVersionsRequest, context: aio.ServicerContext
    ) -> pb.DeleteJobVersionsResponse:
        deleted = await asyncio.to_thread(self.service.delete_job_versions, request.job_id)
        return pb.DeleteJobVersionsResponse(versions=[conv.version_to_proto(v) for v in deleted])

    async def UpdateModelVersion(
        self, request: pb.UpdateModelVersionRequest, context: aio.ServicerContext
    ) -> pb.UpdateModelVersionResponse:
        updated = await asyncio.to_thread(
            functools.partial(
                self.service.update_model_version,
                request.name,
                request.version,
                description=request.description if request.HasField("description") else None,
                tags=dict(request.tags) if request.replace_tags else None,
            )
        )
        return pb.UpdateModelVersionResponse(model_version=conv.version_to_proto(updated))

    async def DeleteModelVersion(
        self, request: pb.DeleteModelVersionRequest, context: aio.ServicerContext
    ) -> pb.DeleteModelVersionResponse:
        deleted = await asyncio.to_thread(
            self.service.delete_model_version, request.name, request.version
        )
        return pb.DeleteModelVersionResponse(model_version=conv.version_to_proto(deleted))

    async def SetModelAlias(
        self, request: pb.SetModelAliasRequest, context: aio.ServicerContext
    ) -> pb.SetModelAliasResponse:
        moved = await asyncio.to_thread(
            functools.partial(
                self.service.set_model_alias,
                request.name,
                request.alias,
                request.version,
                protected=request.protected,
                allow_protected=request.allow_protected,
            )
        )
        return pb.SetModelAliasResponse(
            alias=conv.alias_to_proto(moved.alias), previous_version=moved.previous_version
        )

    async def DeleteModelAlias(
        self, request: pb.DeleteModelAliasRequest, context: aio.ServicerContext
    ) -> pb.DeleteModelAliasResponse:
        gone = await asyncio.to_thread(
            functools.partial(
                self.service.delete_model_alias,
                request.name,
                request.alias,
                allow_protected=request.allow_protected,
            )
        )
        return pb.DeleteModelAliasResponse(alias=conv.alias_to_proto(gone))

    async def SearchModelVersions(
        self, request: pb.SearchModelVersionsRequest, context: aio.ServicerContext
    ) -> pb.SearchModelVersionsResponse:
        found = await asyncio.to_thread(
            functools.partial(
                self.service.search_model_versions,
                name_contains=request.name_contains,
                tags=dict(request.tags),
                metric=request.metric,
                min_metric=request.min_metric if request.HasField("min_metric") else None,
                max_metric=request.max_metric if request.HasField("max_metric") else None,
                page_size=request.page_size,
            )
        )
        return pb.SearchModelVersionsResponse(versions=[conv.version_to_proto(v) for v in found])

    async def CompareModelVersions(
        self, request: pb.CompareModelVersionsRequest, context: aio.ServicerContext
    ) -> pb.CompareModelVersionsResponse:
        found = await asyncio.to_thread(
            self.service.compare_model_versions,
            request.name,
            request.version_a,
            request.version_b,
        )
        return pb.CompareModelVersionsResponse(
            a=conv.version_to_proto(found.a),
            b=conv.version_to_proto(found.b),
            metrics=[pb.MetricDelta(metric=m, a=x, b=y) for m, x, y in found.metrics],
            nodes_changed=found.nodes_changed,
            same_dataset=found.same_dataset,
            same_signature=found.same_signature,
        )
