from __future__ import annotations

from fastapi import APIRouter

from skyulf.pipeline.v1 import pipeline_pb2
from skyulf_gateway import converters
from skyulf_gateway import schemas as s
from skyulf_gateway.deps import ClientsDep
from skyulf_gateway.routing import StrictJsonRoute

router = APIRouter(tags=["pipelines"], route_class=StrictJsonRoute)


@router.get("/nodes", response_model=s.NodeCatalog, responses=s.errors())
async def list_nodes(clients: ClientsDep) -> s.NodeCatalog:
    resp = await clients.pipeline.ListNodes(pipeline_pb2.ListNodesRequest())
    return s.NodeCatalog(nodes=[converters.node_info(n) for n in resp.nodes])


@router.post(
    "/pipelines/validate", response_model=s.ValidationResult, responses=s.errors(400, 404, 409)
)
async def validate_pipeline(body: s.ValidateRequest, clients: ClientsDep) -> s.ValidationResult:
    resp = await clients.pipeline.ValidatePipeline(
        pipeline_pb2.ValidatePipelineRequest(
            graph=converters.graph_to_proto(body.graph), dataset_id=body.dataset_id or ""
        )
    )
    return converters.validation(resp)


@router.post(
    "/pipelines/preview", response_model=s.PreviewResult, responses=s.errors(400, 404, 409)
)
async def preview_pipeline(body: s.PreviewRequest, clients: ClientsDep) -> s.PreviewResult:
    resp = await clients.pipeline.PreviewPipeline(
        pipeline_pb2.PreviewPipelineRequest(
            dataset_id=body.dataset_id, graph=converters.graph_to_proto(body.graph), rows=body.rows
        )
    )
    return converters.preview(resp)
