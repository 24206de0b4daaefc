from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import StreamingResponse

from skyulf.deployment.v1 import deployment_pb2
from skyulf_errors import FailedPrecondition
from skyulf_gateway import converters
from skyulf_gateway import schemas as s
from skyulf_gateway.api.routes.datasets import export_dataset
from skyulf_gateway.deps import ClientsDep
from skyulf_gateway.routing import StrictJsonRoute

router = APIRouter(prefix="/batch-jobs", tags=["batch-jobs"], route_class=StrictJsonRoute)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=s.BatchJobPublic,
    responses=s.errors(400, 404, 409),
)
async def create_batch_job(body: s.BatchJobCreate, clients: ClientsDep) -> s.BatchJobPublic:
    """Scores a stored dataset on the workers; the result is a new dataset (key columns, the
    prediction and, for classifiers, `proba_<class>` columns)."""
    resp = await clients.deployment.CreateBatchJob(
        deployment_pb2.CreateBatchJobRequest(
            deployment_id=body.deployment_id or "",
            model_name=body.model_name or "",
            model_version=body.model_version or 0,
            dataset_id=body.dataset_id,
            dataset_version=body.dataset_version or 0,
            key_columns=body.key_columns,
            output_name=body.output_name or "",
        )
    )
    return converters.batch_job(resp.job)


@router.get("", response_model=s.BatchJobList, responses=s.errors(400, 404))
async def list_batch_jobs(
    clients: ClientsDep,
    deployment_id: Annotated[str | None, Query(description="an endpoint's id or name")] = None,
    model_name: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> s.BatchJobList:
    resp = await clients.deployment.ListBatchJobs(
        deployment_pb2.ListBatchJobsRequest(
            deployment_id=deployment_id or "", model_name=model_name or "", limit=limit
        )
    )
    return s.BatchJobList(jobs=[converters.batch_job(j) for j in resp.jobs])


@router.get("/{job_id}", response_model=s.BatchJobPublic, responses=s.errors(404))
async def get_batch_job(job_id: str, clients: ClientsDep) -> s.BatchJobPublic:
    resp = await clients.deployment.GetBatchJob(deployment_pb2.GetBatchJobRequest(job_id=job_id))
    return converters.batch_job(resp.job)


@router.get(
    "/{job_id}/download",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}, "application/vnd.apache.parquet": {}}},
        **s.errors(400, 404, 409),
    },
)
async def download_batch_job(
    job_id: str,
    clients: ClientsDep,
    format: Annotated[Literal["csv", "parquet"], Query(description="the file format")] = "csv",
) -> StreamingResponse:
    """The scored dataset as Parquet, or as CSV with spreadsheet formulas neutralised."""
    job = (
        await clients.deployment.GetBatchJob(deployment_pb2.GetBatchJobRequest(job_id=job_id))
    ).job
    if not job.output_dataset_id:
        raise FailedPrecondition(
            f"batch job {job_id} has no result yet", details={"job_id": job_id}
        )
    return await export_dataset(job.output_dataset_id, clients, format=format)
