from __future__ import annotations

import json

from fastapi import APIRouter, Body
from fastapi.responses import Response

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


@router.post(
    "/pipelines/export",
    response_class=Response,
    responses={**converters.SCRIPT_RESPONSE, **s.errors(400)},
)
async def export_pipeline(body: s.ExportRequest, clients: ClientsDep) -> Response:
    """The graph as a runnable Python script on skyulf_core (load a CSV, fit, evaluate, save)."""
    resp = await clients.pipeline.ExportPipeline(
        pipeline_pb2.ExportPipelineRequest(graph=converters.graph_to_proto(body.graph))
    )
    return converters.script(resp)


@router.post("/pipelines/import", response_model=s.ImportedPipelinePublic, responses=s.errors(400))
async def import_pipeline(
    clients: ClientsDep,
    config: s.JsonObject = Body(  # noqa: B008 - FastAPI's way to take a free-form body
        description="a pipeline saved by the original Skyulf: nodes with node_id, step_type, "
        "params (and inputs); training steps carry model_type and target_column"
    ),
) -> s.ImportedPipelinePublic:
    resp = await clients.pipeline.ImportPipeline(
        pipeline_pb2.ImportPipelineRequest(config_json=json.dumps(config))
    )
    return s.ImportedPipelinePublic(
        graph=converters.graph_from_proto(resp.graph), warnings=list(resp.warnings)
    )
