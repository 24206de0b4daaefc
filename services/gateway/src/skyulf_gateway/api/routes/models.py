from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Query

from skyulf.deployment.v1 import deployment_pb2
from skyulf.pipeline.v1 import pipeline_pb2
from skyulf.registry.v1 import registry_pb2
from skyulf_errors import FailedPrecondition, InvalidArgument
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


@router.get("/versions", response_model=s.ModelVersionList, responses=s.errors(400))
async def search_versions(
    clients: ClientsDep,
    name_contains: Annotated[str, Query(max_length=128)] = "",
    tag: Annotated[
        list[str] | None, Query(description="key:value, repeatable; all must match")
    ] = None,
    metric: Annotated[str, Query(max_length=128)] = "",
    min_metric: float | None = None,
    max_metric: float | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> s.ModelVersionList:
    """Versions across models, newest first: by name, tags and a metric threshold."""
    request = registry_pb2.SearchModelVersionsRequest(
        name_contains=name_contains, metric=metric, page_size=limit
    )
    for item in tag or []:
        key, sep, value = item.partition(":")
        if not sep or not key:
            raise InvalidArgument(f"tag {item!r} must be key:value", details={"field": "tag"})
        request.tags[key] = value
    if min_metric is not None:
        request.min_metric = min_metric
    if max_metric is not None:
        request.max_metric = max_metric
    resp = await clients.registry.SearchModelVersions(request)
    return s.ModelVersionList(versions=[converters.model_version(v) for v in resp.versions])


@router.get("/{name}/versions", response_model=s.ModelVersionList, responses=s.errors(400, 404))
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
    """`version` is a number, `latest`, or an alias (`champion`)."""
    if version == "latest":
        request = registry_pb2.GetModelVersionRequest(name=name)
    elif version[:1].isdigit():
        request = registry_pb2.GetModelVersionRequest(name=name, version=_version_number(version))
    else:
        request = registry_pb2.GetModelVersionRequest(name=name, alias=version)
    resp = await clients.registry.GetModelVersion(request)
    return converters.model_version(resp.model_version)


@router.get(
    "/{name}/compare",
    response_model=s.ModelVersionComparison,
    responses=s.errors(400, 404),
)
async def compare_versions(
    name: str,
    clients: ClientsDep,
    a: Annotated[int, Query(ge=1, le=s.INT32_MAX)],
    b: Annotated[int, Query(ge=1, le=s.INT32_MAX)],
) -> s.ModelVersionComparison:
    """Two versions side by side: metrics, changed pipeline nodes, dataset, signature."""
    resp = await clients.registry.CompareModelVersions(
        registry_pb2.CompareModelVersionsRequest(name=name, version_a=a, version_b=b)
    )
    return s.ModelVersionComparison(
        a=converters.model_version(resp.a),
        b=converters.model_version(resp.b),
        metrics=[
            s.MetricDeltaPublic(
                metric=m.metric,
                a=None if math.isnan(m.a) else m.a,
                b=None if math.isnan(m.b) else m.b,
            )
            for m in resp.metrics
        ],
        nodes_changed=list(resp.nodes_changed),
        same_dataset=resp.same_dataset,
        same_signature=resp.same_signature,
    )


@router.patch(
    "/{name}/versions/{version}",
    response_model=s.ModelVersionPublic,
    responses=s.errors(400, 404),
)
async def update_version(
    name: str, version: str, body: s.ModelVersionUpdate, clients: ClientsDep
) -> s.ModelVersionPublic:
    """Sets the description and/or replaces the tags; an omitted field stays as it is."""
    request = registry_pb2.UpdateModelVersionRequest(
        name=name, version=_version_number(version), replace_tags=body.tags is not None
    )
    if body.description is not None:
        request.description = body.description
    if body.tags:
        request.tags.update(body.tags)
    resp = await clients.registry.UpdateModelVersion(request)
    return converters.model_version(resp.model_version)


@router.delete(
    "/{name}/versions/{version}",
    response_model=s.ModelVersionPublic,
    responses=s.errors(400, 404, 409),
)
async def delete_version(name: str, version: str, clients: ClientsDep) -> s.ModelVersionPublic:
    """Deletes the version and its bundle; refused while an alias points at it or an endpoint
    serves it (as its version or its canary)."""
    number = _version_number(version)
    found = await clients.registry.GetModelVersion(
        registry_pb2.GetModelVersionRequest(name=name, version=number)
    )
    canonical = found.model_version.name
    listed = await clients.deployment.ListDeployments(deployment_pb2.ListDeploymentsRequest())
    serving = sorted(
        d.name
        for d in listed.deployments
        if d.model_name == canonical and number in (d.model_version, d.canary_version)
    )
    if serving:
        raise FailedPrecondition(
            f"version {number} of model {canonical!r} is served by "
            f"{', '.join(repr(n) for n in serving)}: move or undeploy "
            f"{'it' if len(serving) == 1 else 'them'} first",
            details={"model": canonical, "version": number, "deployments": serving},
        )
    resp = await clients.registry.DeleteModelVersion(
        registry_pb2.DeleteModelVersionRequest(name=name, version=number)
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


@router.put(
    "/{name}/aliases/{alias}",
    response_model=s.ModelAliasPublic,
    responses=s.errors(400, 404, 409),
)
async def set_alias(
    name: str, alias: str, body: s.ModelAliasSet, clients: ClientsDep
) -> s.ModelAliasPublic:
    """Points the alias at a version (creating it, or moving it atomically)."""
    resp = await clients.registry.SetModelAlias(
        registry_pb2.SetModelAliasRequest(
            name=name,
            alias=alias,
            version=body.version,
            protected=body.protected,
            allow_protected=body.allow_protected,
        )
    )
    return converters.model_alias(resp.alias, resp.previous_version)


@router.delete(
    "/{name}/aliases/{alias}",
    response_model=s.ModelAliasPublic,
    responses=s.errors(400, 404, 409),
)
async def delete_alias(
    name: str, alias: str, clients: ClientsDep, allow_protected: bool = False
) -> s.ModelAliasPublic:
    resp = await clients.registry.DeleteModelAlias(
        registry_pb2.DeleteModelAliasRequest(
            name=name, alias=alias, allow_protected=allow_protected
        )
    )
    return converters.model_alias(resp.alias)


def _version_number(version: str) -> int:
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not (version.isascii() and version.isdigit()) or not 1 <= int(version) <= s.INT32_MAX:
        raise InvalidArgument(
            f"model version must be a positive number or 'latest', not {version!r}",
            details={"field": "version"},
        )
    return int(version)
