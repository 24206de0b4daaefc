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
from skyulf_deployment import fleet_stats
from skyulf_deployment.batch import BatchScoring
from skyulf_deployment.drift import DriftReports
from skyulf_deployment.grpc.converters import (
    batch_job_to_proto,
    deployment_to_proto,
    drift_report_to_proto,
    serving_settings,
)
from skyulf_deployment.service import DeploymentService
from skyulf_errors import FailedPrecondition
from skyulf_platform.grpc.client import translated
from skyulf_platform.projects import current_project

PREDICT_TIMEOUT_SECONDS = 60.0
ACTIVE_TTL_SECONDS = 2.0


class DeploymentServicer(deployment_pb2_grpc.DeploymentServiceServicer):
    def __init__(
        self,
        service: DeploymentService,
        predictor: aio.Channel,
        batch: BatchScoring | None = None,
        drift: DriftReports | None = None,
    ) -> None:
        self.service = service
        self.batch = batch
        self.drift = drift
        self.predictor = grpc_predict_v2_pb2_grpc.GRPCInferenceServiceStub(predictor)
        # (project, deployment id or name) -> (the ACTIVE deployment as a proto, when it was
        # read): one project's entry never answers another's call.
        self._active: dict[tuple[str, str], tuple[pb.Deployment, float]] = {}

    async def _active_deployment(self, ref: str) -> pb.Deployment:
        key = (current_project(), ref)
        cached = self._active.get(key)
        now = time.monotonic()
        if cached is not None and now - cached[1] < ACTIVE_TTL_SECONDS:
            return cached[0]
        self._active.pop(key, None)
        found = deployment_to_proto(await asyncio.to_thread(self.service.get_active, ref))
        self._active[key] = (found, now)
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

    async def GetDeploymentStats(
        self, request: pb.GetDeploymentStatsRequest, context: aio.ServicerContext
    ) -> pb.GetDeploymentStatsResponse:
        found, answers, unreachable = await asyncio.to_thread(
            self.service.deployment_stats, request.deployment_id
        )
        versions, since = fleet_stats.merge(answers)
        return pb.GetDeploymentStatsResponse(
            deployment=deployment_to_proto(found),
            versions=versions,
            since=since,
            servers=[a.server for a in answers],
            unreachable=unreachable,
        )

    async def ListDeployments(
        self, request: pb.ListDeploymentsRequest, context: aio.ServicerContext
    ) -> pb.ListDeploymentsResponse:
        found = await asyncio.to_thread(
            self.service.list_deployments, request.include_deleted, request.all_projects
        )
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
                    settings=serving_settings(request),
                    settings_only=request.settings_only,
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

    def _batch(self) -> BatchScoring:
        if self.batch is None:
            raise FailedPrecondition("batch scoring is not set up in this process")
        return self.batch

    def _drift(self) -> DriftReports:
        if self.drift is None:
            raise FailedPrecondition("drift reports are not set up in this process")
        return self.drift

    async def CreateBatchJob(
        self, request: pb.CreateBatchJobRequest, context: aio.ServicerContext
    ) -> pb.CreateBatchJobResponse:
        job = await asyncio.to_thread(
            functools.partial(
                self._batch().create,
                deployment_ref=request.deployment_id,
                model_name=request.model_name,
                model_version=request.model_version,
                dataset_id=request.dataset_id,
                dataset_version=request.dataset_version,
                key_columns=list(request.key_columns),
                output_name=request.output_name,
            )
        )
        return pb.CreateBatchJobResponse(job=batch_job_to_proto(job))

    async def GetBatchJob(
        self, request: pb.GetBatchJobRequest, context: aio.ServicerContext
    ) -> pb.GetBatchJobResponse:
        job = await asyncio.to_thread(self._batch().get, request.job_id)
        return pb.GetBatchJobResponse(job=batch_job_to_proto(job))

    async def ListBatchJobs(
        self, request: pb.ListBatchJobsRequest, context: aio.ServicerContext
    ) -> pb.ListBatchJobsResponse:
        found = await asyncio.to_thread(
            self._batch().list, request.deployment_id, request.model_name, request.limit
        )
        return pb.ListBatchJobsResponse(jobs=[batch_job_to_proto(j) for j in found])

    async def CreateDriftReport(
        self, request: pb.CreateDriftReportRequest, context: aio.ServicerContext
    ) -> pb.CreateDriftReportResponse:
        report = await asyncio.to_thread(
            functools.partial(
                self._drift().create,
                request.deployment_id,
                dataset_id=request.dataset_id,
                dataset_version=request.dataset_version,
                days=request.days,
            )
        )
        return pb.CreateDriftReportResponse(report=drift_report_to_proto(report))

    async def ListDriftReports(
        self, request: pb.ListDriftReportsRequest, context: aio.ServicerContext
    ) -> pb.ListDriftReportsResponse:
        found = await asyncio.to_thread(self._drift().list, request.deployment_id, request.limit)
        return pb.ListDriftReportsResponse(reports=[drift_report_to_proto(r) for r in found])

    async def GetDriftReport(
        self, request: pb.GetDriftReportRequest, context: aio.ServicerContext
    ) -> pb.GetDriftReportResponse:
        report = await asyncio.to_thread(self._drift().get, request.report_id)
        return pb.GetDriftReportResponse(report=drift_report_to_proto(report))
