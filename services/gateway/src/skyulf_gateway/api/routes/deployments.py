from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

import skyulf_platform.inference.records as records
from skyulf.deployment.v1 import deployment_pb2
from skyulf_errors import NotFound
from skyulf_gateway import converters
from skyulf_gateway import schemas as s
from skyulf_gateway.deps import ClientsDep
from skyulf_gateway.routing import StrictJsonRoute
from skyulf_gateway.security import needs
from skyulf_platform.projects import current_project

router = APIRouter(prefix="/deployments", tags=["deployments"], route_class=StrictJsonRoute)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=s.DeploymentPublic,
    responses=s.errors(400, 404, 409),
)
async def create_deployment(body: s.DeploymentCreate, clients: ClientsDep) -> s.DeploymentPublic:
    resp = await clients.deployment.CreateDeployment(
        deployment_pb2.CreateDeploymentRequest(
            model_name=body.model_name,
            model_version=body.model_version or 0,
            name=body.name or "",
            model_alias=body.model_alias or "",
        )
    )
    return converters.deployment(resp.deployment)


@router.get("", response_model=s.DeploymentList, responses=s.errors())
async def list_deployments(clients: ClientsDep) -> s.DeploymentList:
    resp = await clients.deployment.ListDeployments(deployment_pb2.ListDeploymentsRequest())
    return s.DeploymentList(deployments=[converters.deployment(d) for d in resp.deployments])


@router.get("/{deployment_id}", response_model=s.DeploymentPublic, responses=s.errors(404))
async def get_deployment(deployment_id: str, clients: ClientsDep) -> s.DeploymentPublic:
    resp = await clients.deployment.GetDeployment(
        deployment_pb2.GetDeploymentRequest(deployment_id=deployment_id)
    )
    return converters.deployment(resp.deployment)


@router.delete("/{deployment_id}", response_model=s.DeploymentPublic, responses=s.errors(404))
async def delete_deployment(deployment_id: str, clients: ClientsDep) -> s.DeploymentPublic:
    resp = await clients.deployment.DeleteDeployment(
        deployment_pb2.DeleteDeploymentRequest(deployment_id=deployment_id)
    )
    return converters.deployment(resp.deployment)


@router.patch(
    "/{deployment_id}", response_model=s.DeploymentPublic, responses=s.errors(400, 404, 409)
)
async def update_deployment(
    deployment_id: str, body: s.DeploymentUpdate, clients: ClientsDep
) -> s.DeploymentPublic:
    """Moves the endpoint to a version or alias and/or sets its canary, without downtime: the
    new version is loaded and verified first; if it fails (409), the endpoint keeps serving and
    `last_error` says why."""
    resp = await clients.deployment.UpdateDeployment(
        deployment_pb2.UpdateDeploymentRequest(
            deployment_id=deployment_id,
            model_version=body.model_version or 0,
            model_alias=body.model_alias or "",
            canary_version=body.canary_version or 0,
            canary_percent=body.canary_percent,
            log_sample_rate=body.log_sample_rate,
            batch_max_size=body.batch_max_size,
            batch_max_wait_ms=body.batch_max_wait_ms,
            settings_only=body.settings_only,
        )
    )
    return converters.deployment(resp.deployment)


@router.post(
    "/{deployment_id}/rollback",
    response_model=s.DeploymentPublic,
    responses=s.errors(404, 409),
)
async def rollback_deployment(deployment_id: str, clients: ClientsDep) -> s.DeploymentPublic:
    """Back to the version served before the last move."""
    resp = await clients.deployment.RollbackDeployment(
        deployment_pb2.RollbackDeploymentRequest(deployment_id=deployment_id)
    )
    return converters.deployment(resp.deployment)


@router.get("/{deployment_id}/stats", response_model=s.DeploymentStats, responses=s.errors(404))
async def deployment_stats(deployment_id: str, clients: ClientsDep) -> s.DeploymentStats:
    """Requests, errors, rows and latency per version of the endpoint (a canary's two versions
    side by side), summed over every prediction server."""
    stats = await clients.deployment.GetDeploymentStats(
        deployment_pb2.GetDeploymentStatsRequest(deployment_id=deployment_id)
    )
    return converters.deployment_stats(stats)


@router.post(
    "/{deployment_id}/drift",
    status_code=status.HTTP_201_CREATED,
    response_model=s.DriftReportPublic,
    responses=s.errors(400, 404),
)
async def create_drift_report(
    deployment_id: str, body: s.DriftReportCreate, clients: ClientsDep
) -> s.DriftReportPublic:
    """Compares current data (a dataset, or the inputs the endpoint logged in the last `days`
    days) with the served version's training statistics, on the workers."""
    resp = await clients.deployment.CreateDriftReport(
        deployment_pb2.CreateDriftReportRequest(
            deployment_id=deployment_id,
            dataset_id=body.dataset_id or "",
            dataset_version=body.dataset_version or 0,
            days=body.days or 0,
        )
    )
    return converters.drift_report(resp.report)


@router.get(
    "/{deployment_id}/drift", response_model=s.DriftReportList, responses=s.errors(400, 404)
)
async def list_drift_reports(
    deployment_id: str, clients: ClientsDep, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> s.DriftReportList:
    """The deployment's drift reports, newest first."""
    resp = await clients.deployment.ListDriftReports(
        deployment_pb2.ListDriftReportsRequest(deployment_id=deployment_id, limit=limit)
    )
    return s.DriftReportList(reports=[converters.drift_report(r) for r in resp.reports])


@router.get(
    "/{deployment_id}/drift/{report_id}",
    response_model=s.DriftReportPublic,
    responses=s.errors(404),
)
async def get_drift_report(
    deployment_id: str, report_id: str, clients: ClientsDep
) -> s.DriftReportPublic:
    resp = await clients.deployment.GetDriftReport(
        deployment_pb2.GetDriftReportRequest(report_id=report_id)
    )
    return converters.drift_report(resp.report)


# (project, deployment id or name) -> (the ACTIVE deployment, when it was read): one project's
# entry never answers another's call. /predict asks the
# deployment service at most once per ACTIVE_TTL_SECONDS per deployment, then calls the prediction
# server directly: a change of version or canary is the prediction server's to follow.
ACTIVE_TTL_SECONDS = 2.0
MAX_CACHED = 1024
_active: dict[tuple[str, str], tuple[deployment_pb2.Deployment, float]] = {}


async def _active_deployment(deployment_id: str, clients: ClientsDep) -> deployment_pb2.Deployment:
    now = time.monotonic()
    key = (current_project(), deployment_id)
    cached = _active.get(key)
    if cached is not None and now - cached[1] < ACTIVE_TTL_SECONDS:
        return cached[0]
    found = (
        await clients.deployment.GetDeployment(
            deployment_pb2.GetDeploymentRequest(deployment_id=deployment_id)
        )
    ).deployment
    if found.status != deployment_pb2.DEPLOYMENT_STATUS_ACTIVE:
        _active.pop(key, None)
        raise NotFound(
            f"deployment {deployment_id!r} ({found.name}) is deleted",
            details={"deployment_id": deployment_id},
        )
    if len(_active) >= MAX_CACHED:
        _active.clear()
    _active[key] = (found, now)
    return found


@router.post(
    "/{deployment_id}/predict", response_model=s.PredictResponse, responses=s.errors(400, 404)
)
@needs("predict")
async def predict(
    deployment_id: str, body: s.PredictRequest, clients: ClientsDep, request: Request
) -> s.PredictResponse:
    limiter = request.app.state.predict_limiter
    if limiter is not None:
        limiter.hit(request.state.principal.user_id)
    deployment = await _active_deployment(deployment_id, clients)
    request = records.rows_to_infer_request(body.rows, model_name=deployment.name)
    response = await clients.predictor.ModelInfer(request)
    decoded = records.infer_response_to_prediction(response)
    return s.PredictResponse(
        deployment_id=deployment.id,
        model_name=deployment.model_name,
        # The version that answered: the alias's, or the canary's for its share of calls.
        model_version=int(response.model_version or deployment.model_version),
        predictions=decoded.predictions,
        probabilities=decoded.probabilities,
    )
