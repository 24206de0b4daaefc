from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Body, Query, status
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


# Fixed paths under /pipelines come before /pipelines/{pipeline_id}, which would swallow them.
@router.get("/pipelines/templates", response_model=s.PipelineTemplateList, responses=s.errors())
async def list_templates(clients: ClientsDep) -> s.PipelineTemplateList:
    """Starter pipelines; their column names (the splitter's `target`, ...) are placeholders."""
    resp = await clients.pipeline.ListTemplates(pipeline_pb2.ListTemplatesRequest())
    return s.PipelineTemplateList(
        templates=[converters.pipeline_template(t) for t in resp.templates]
    )


@router.post(
    "/pipelines/validate", response_model=s.ValidationResult, responses=s.errors(400, 404, 409)
)
async def validate_pipeline(body: s.ValidateRequest, clients: ClientsDep) -> s.ValidationResult:
    resp = await clients.pipeline.ValidatePipeline(
        pipeline_pb2.ValidatePipelineRequest(
            graph=converters.graph_to_proto(body.graph),
            dataset_id=body.dataset_id or "",
            partial=body.partial,
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
    "/pipelines",
    status_code=status.HTTP_201_CREATED,
    response_model=s.PipelinePublic,
    responses=s.errors(400),
)
async def create_pipeline(body: s.PipelineCreate, clients: ClientsDep) -> s.PipelinePublic:
    """Save a new pipeline as version 1. An unfinished graph is saved as it is."""
    resp = await clients.pipeline.CreatePipeline(
        pipeline_pb2.CreatePipelineRequest(
            name=body.name,
            description=body.description,
            dataset_id=body.dataset_id or "",
            graph=converters.graph_to_proto(body.graph),
            layout_json=converters.layout_to_json(body.layout),
        )
    )
    return converters.saved_pipeline(resp.pipeline)


@router.get("/pipelines", response_model=s.PipelineList, responses=s.errors(400))
async def list_pipelines(
    clients: ClientsDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=s.INT32_MAX)] = 0,
) -> s.PipelineList:
    """Saved pipelines, the most recently saved first."""
    resp = await clients.pipeline.ListPipelines(
        pipeline_pb2.ListPipelinesRequest(page_size=limit, offset=offset)
    )
    return s.PipelineList(
        pipelines=[converters.saved_pipeline(p) for p in resp.pipelines], total=resp.total
    )


@router.get("/pipelines/{pipeline_id}", response_model=s.PipelinePublic, responses=s.errors(404))
async def get_pipeline(pipeline_id: str, clients: ClientsDep) -> s.PipelinePublic:
    resp = await clients.pipeline.GetPipeline(
        pipeline_pb2.GetPipelineRequest(pipeline_id=pipeline_id)
    )
    return converters.saved_pipeline(resp.pipeline)


@router.put(
    "/pipelines/{pipeline_id}", response_model=s.PipelinePublic, responses=s.errors(400, 404)
)
async def update_pipeline(
    pipeline_id: str, body: s.PipelineUpdate, clients: ClientsDep
) -> s.PipelinePublic:
    """Save the next version. A save that changes nothing records no version."""
    request = pipeline_pb2.UpdatePipelineRequest(
        pipeline_id=pipeline_id, graph=converters.graph_to_proto(body.graph)
    )
    if body.name is not None:
        request.name = body.name
    if body.description is not None:
        request.description = body.description
    if "dataset_id" in body.model_fields_set:
        request.dataset_id = body.dataset_id or ""
    if body.layout is not None:
        request.layout_json = converters.layout_to_json(body.layout)
    resp = await clients.pipeline.UpdatePipeline(request)
    return converters.saved_pipeline(resp.pipeline)


@router.get(
    "/pipelines/{pipeline_id}/versions",
    response_model=s.PipelineVersionList,
    responses=s.errors(404),
)
async def list_pipeline_versions(pipeline_id: str, clients: ClientsDep) -> s.PipelineVersionList:
    """Every saved version, newest first."""
    resp = await clients.pipeline.ListPipelineVersions(
        pipeline_pb2.ListPipelineVersionsRequest(pipeline_id=pipeline_id)
    )
    return s.PipelineVersionList(
        versions=[converters.saved_pipeline_version(v) for v in resp.versions]
    )


@router.post(
    "/pipelines/{pipeline_id}/versions/{version}/restore",
    response_model=s.PipelinePublic,
    responses=s.errors(400, 404),
)
async def restore_pipeline_version(
    pipeline_id: str, version: Annotated[int, s.INT32_PATH], clients: ClientsDep
) -> s.PipelinePublic:
    """Save a new version whose graph and layout are those of `version`."""
    resp = await clients.pipeline.RestorePipelineVersion(
        pipeline_pb2.RestorePipelineVersionRequest(pipeline_id=pipeline_id, version=version)
    )
    return converters.saved_pipeline(resp.pipeline)


@router.delete("/pipelines/{pipeline_id}", response_model=s.PipelinePublic, responses=s.errors(404))
async def delete_pipeline(pipeline_id: str, clients: ClientsDep) -> s.PipelinePublic:
    """Delete the pipeline and all its versions; answers it as it was."""
    resp = await clients.pipeline.DeletePipeline(
        pipeline_pb2.DeletePipelineRequest(pipeline_id=pipeline_id)
    )
    return converters.saved_pipeline(resp.pipeline)


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
