from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from skyulf.pipeline.v1 import pipeline_pb2
from skyulf.registry.v1 import registry_pb2
from skyulf_gateway import converters
from skyulf_gateway import schemas as s
from skyulf_gateway.deps import ClientsDep
from skyulf_gateway.evaluation_schemas import EvaluationPublic
from skyulf_gateway.routing import StrictJsonRoute

router = APIRouter(prefix="/models", tags=["models"], route_class=StrictJsonRoute)


@router.get("", response_model=s.ModelList, responses=s.errors(400))
async def list_models(
    clients: ClientsDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=s.INT32_MAX)] = 0,
) -> s.ModelList:
    resp = await clients.registry.ListModels(
        registry_pb2.ListModelsRequest(page_size=limit, offset=offset)
    )
    return s.ModelList(
        models=[converters.registered_model(m) for m in resp.models], total=resp.total
    )


@router.get("/{name}/versions", response_model=s.ModelVersionList, responses=s.errors(404))
async def list_versions(name: str, clients: ClientsDep) -> s.ModelVersionList:
    resp = await clients.registry.ListModelVersions(
        registry_pb2.ListModelVersionsRequest(name=name)
    )
    return s.ModelVersionList(versions=[converters.model_version(v) for v in resp.versions])


@router.get(
    "/{name}/versions/{version}",
    response_model=s.ModelVersionPublic,
    responses=s.errors(400, 404),
)
async def get_version(name: str, version: str, clients: ClientsDep) -> s.ModelVersionPublic:
    """`version` is a number or `latest`."""
    number = 0 if version == "latest" else _version_number(version)
    resp = await clients.registry.GetModelVersion(
        registry_pb2.GetModelVersionRequest(name=name, version=number)
    )
    return converters.model_version(resp.model_version)


@router.get(
    "/{name}/versions/{version}/evaluation",
    response_model=EvaluationPublic,
    responses=s.errors(400, 404, 409),
)
async def version_evaluation(name: str, version: str, clients: ClientsDep) -> EvaluationPublic:
    """The evaluation data of the job that trained the version, for this version's model."""
    number = 0 if version == "latest" else _version_number(version)
    resp = await clients.registry.GetModelVersion(
        registry_pb2.GetModelVersionRequest(name=name, version=number)
    )
    found = resp.model_version
    evaluation = await clients.pipeline.GetJobEvaluation(
        pipeline_pb2.GetJobEvaluationRequest(
            job_id=found.lineage.job_id, model_name=found.name, model_version=found.version
        )
    )
    return EvaluationPublic.model_validate_json(evaluation.evaluation_json)


def _version_number(version: str) -> int:
    from skyulf_core.errors import InvalidArgument

    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not (version.isascii() and version.isdigit()) or not 1 <= int(version) <= s.INT32_MAX:
        raise InvalidArgument(
            f"model version must be a positive number or 'latest', not {version!r}",
            details={"field": "version"},
        )
    return int(version)
