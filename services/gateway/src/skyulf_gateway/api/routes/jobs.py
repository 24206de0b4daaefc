from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, status
from fastapi.responses import Response
from sse_starlette.sse import EventSourceResponse

from skyulf.pipeline.v1 import pipeline_pb2
from skyulf_errors import SkyulfError
from skyulf_gateway import converters
from skyulf_gateway import schemas as s
from skyulf_gateway.deps import ClientsDep
from skyulf_gateway.evaluation_schemas import EvaluationPublic
from skyulf_gateway.routing import StrictJsonRoute
from skyulf_gateway.trial_schemas import TrialList
from skyulf_platform.errors import from_rpc_error

router = APIRouter(prefix="/jobs", tags=["jobs"], route_class=StrictJsonRoute)

# One server-sent event: `event` is the job event's type, `data` the event as JSON.
_SSE_EVENT = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "event": {"type": "string"},
        "id": {"type": "string"},
        "data": {"type": "string", "contentMediaType": "application/json"},
        "retry": {"type": "integer"},
    },
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=s.JobPublic,
    responses=s.errors(400, 404, 409),
)
async def create_job(
    body: s.JobCreate,
    clients: ClientsDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=255,
            description="the same key with the same body returns the same job; with another "
            "body, 409",
        ),
    ] = None,
) -> s.JobPublic:
    resp = await clients.pipeline.CreateJob(
        pipeline_pb2.CreateJobRequest(
            dataset_id=body.dataset_id,
            graph=converters.graph_to_proto(body.graph),
            model_name=body.model_name or "",
            pipeline_id=body.pipeline_id or "",
            pipeline_version=body.pipeline_version or 0,
            idempotency_key=idempotency_key or "",
        )
    )
    return converters.job(resp.job)


@router.get("", response_model=s.JobList, responses=s.errors(400))
async def list_jobs(
    clients: ClientsDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=s.INT32_MAX)] = 0,
) -> s.JobList:
    resp = await clients.pipeline.ListJobs(
        pipeline_pb2.ListJobsRequest(page_size=limit, offset=offset)
    )
    return s.JobList(jobs=[converters.job(j) for j in resp.jobs], total=resp.total)


@router.get("/{job_id}", response_model=s.JobPublic, responses=s.errors(404))
async def get_job(job_id: str, clients: ClientsDep) -> s.JobPublic:
    resp = await clients.pipeline.GetJob(pipeline_pb2.GetJobRequest(job_id=job_id))
    return converters.job(resp.job)


@router.get("/{job_id}/evaluation", response_model=EvaluationPublic, responses=s.errors(404, 409))
async def job_evaluation(job_id: str, clients: ClientsDep) -> EvaluationPublic:
    """Evaluation data of the job's models on the test split (409 until the job SUCCEEDED)."""
    resp = await clients.pipeline.GetJobEvaluation(
        pipeline_pb2.GetJobEvaluationRequest(job_id=job_id)
    )
    return EvaluationPublic.model_validate_json(resp.evaluation_json)


@router.get("/{job_id}/trials", response_model=TrialList, responses=s.errors(404))
async def job_trials(job_id: str, clients: ClientsDep) -> TrialList:
    """The tuning studies of the job's tuned model nodes, with every trial so far."""
    resp = await clients.pipeline.ListJobTrials(pipeline_pb2.ListJobTrialsRequest(job_id=job_id))
    return TrialList.model_validate_json(resp.trials_json)


@router.post("/{job_id}/cancel", response_model=s.JobPublic, responses=s.errors(404, 409))
async def cancel_job(job_id: str, clients: ClientsDep) -> s.JobPublic:
    resp = await clients.pipeline.CancelJob(pipeline_pb2.CancelJobRequest(job_id=job_id))
    return converters.job(resp.job)


@router.post(
    "/{job_id}/retry",
    status_code=status.HTTP_201_CREATED,
    response_model=s.JobPublic,
    responses=s.errors(404, 409),
)
async def retry_job(job_id: str, clients: ClientsDep) -> s.JobPublic:
    """A new job from the stored graph of a FAILED or CANCELLED job."""
    resp = await clients.pipeline.RetryJob(pipeline_pb2.RetryJobRequest(job_id=job_id))
    return converters.job(resp.job)


@router.get(
    "/{job_id}/export.py",
    response_class=Response,
    responses={**converters.SCRIPT_RESPONSE, **s.errors(404)},
)
async def export_job(job_id: str, clients: ClientsDep) -> Response:
    """The job's graph as a runnable Python script on skyulf_core."""
    resp = await clients.pipeline.ExportPipeline(pipeline_pb2.ExportPipelineRequest(job_id=job_id))
    return converters.script(resp)


@router.get(
    "/{job_id}/events",
    response_class=EventSourceResponse,
    responses={
        200: {
            "description": "A `text/event-stream`, until the job ends.",
            "content": {"text/event-stream": {"schema": _SSE_EVENT}},
        },
        **s.errors(400, 404),
    },
)
async def job_events(
    job_id: str,
    clients: ClientsDep,
    after: Annotated[
        int, Query(ge=0, le=s.INT64_MAX, description="only events after this sequence number")
    ] = 0,
) -> EventSourceResponse:
    """Server-sent events: one `progress`/`status` event per job event, ending with the job.

    A tuning job adds a `trial` event per finished trial, whose `trial` is the trial object of
    `GET /jobs/{job_id}/trials`."""
    # Fail before the stream starts, so an unknown job is a plain 404.
    await clients.pipeline.GetJob(pipeline_pb2.GetJobRequest(job_id=job_id))

    async def events() -> AsyncIterator[dict[str, str]]:
        call = clients.pipeline.WatchJob(
            pipeline_pb2.WatchJobRequest(job_id=job_id, after_seq=after)
        )
        try:
            async for ev in call:
                data = converters.job_event(ev)
                yield {"event": ev.type or "status", "id": str(ev.seq), "data": json.dumps(data)}
        except Exception as e:
            err = from_rpc_error(e) if hasattr(e, "code") else SkyulfError(str(e))
            yield {"event": "error", "data": json.dumps(err.to_dict())}

    return EventSourceResponse(events(), ping=15)
