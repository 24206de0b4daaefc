"""A job or saved pipeline of another project is NOT_FOUND over gRPC, exactly like a missing one,
and a task enqueued for a job acts in the job's project."""

from __future__ import annotations

import json
from typing import Any

import grpc
import pytest

from skyulf.pipeline.v1 import pipeline_pb2 as pb
from skyulf_pipeline.models import JobStatus
from skyulf_platform.projects import acting_in, current_project

MISSING = "00000000-0000-4000-8000-000000000000"


async def _not_found(call: Any) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        result = call
        if hasattr(result, "__aiter__"):
            async for _ in result:
                pass
        else:
            await result
    assert info.value.code() == grpc.StatusCode.NOT_FOUND, info.value.details()


async def test_jobs_and_saved_pipelines_are_seen_in_their_project_only(
    harness: Any, slice_graph: dict[str, Any]
) -> None:
    stub = harness.stub
    enqueued_in: list[str] = []
    enqueue = harness.service.enqueue
    harness.service.enqueue = lambda job_id, kind="train": (
        enqueued_in.append(current_project()),
        enqueue(job_id, kind),
    )
    with acting_in("team-a"):
        saved = (
            await stub.CreatePipeline(
                pb.CreatePipelineRequest(
                    name="churn", graph=harness.graph_proto(slice_graph), layout_json=json.dumps({})
                )
            )
        ).pipeline
        job = await harness.create(slice_graph, idempotency_key="nightly")
        assert enqueued_in == ["team-a"]
        assert [p.id for p in (await stub.ListPipelines(pb.ListPipelinesRequest())).pipelines] == [
            saved.id
        ]
        assert [j.id for j in (await stub.ListJobs(pb.ListJobsRequest())).jobs] == [job.id]

    with acting_in("team-b"):
        assert list((await stub.ListPipelines(pb.ListPipelinesRequest())).pipelines) == []
        listed = await stub.ListJobs(pb.ListJobsRequest())
        assert list(listed.jobs) == [] and listed.total == 0
        for pid in (saved.id, MISSING):
            await _not_found(stub.GetPipeline(pb.GetPipelineRequest(pipeline_id=pid)))
            await _not_found(
                stub.UpdatePipeline(
                    pb.UpdatePipelineRequest(
                        pipeline_id=pid, graph=harness.graph_proto(slice_graph)
                    )
                )
            )
            await _not_found(
                stub.ListPipelineVersions(pb.ListPipelineVersionsRequest(pipeline_id=pid))
            )
            await _not_found(
                stub.RestorePipelineVersion(
                    pb.RestorePipelineVersionRequest(pipeline_id=pid, version=1)
                )
            )
            await _not_found(stub.DeletePipeline(pb.DeletePipelineRequest(pipeline_id=pid)))
            # A job may not run another project's saved pipeline either.
            await _not_found(
                stub.CreateJob(
                    pb.CreateJobRequest(
                        dataset_id=harness.trainable_id,
                        graph=harness.graph_proto(slice_graph),
                        pipeline_id=pid,
                        pipeline_version=1,
                    )
                )
            )
        for jid in (job.id, MISSING):
            await _not_found(stub.GetJob(pb.GetJobRequest(job_id=jid)))
            await _not_found(stub.CancelJob(pb.CancelJobRequest(job_id=jid)))
            await _not_found(stub.RetryJob(pb.RetryJobRequest(job_id=jid)))
            await _not_found(stub.GetJobEvaluation(pb.GetJobEvaluationRequest(job_id=jid)))
            await _not_found(stub.ListJobTrials(pb.ListJobTrialsRequest(job_id=jid)))
            await _not_found(stub.ExportPipeline(pb.ExportPipelineRequest(job_id=jid)))
            await _not_found(stub.WatchJob(pb.WatchJobRequest(job_id=jid)))

        # The same idempotency key is another team's own: a new job, not a replay nor a 409.
        theirs = await harness.create(slice_graph, idempotency_key="nightly")
        assert theirs.id != job.id

    with acting_in("team-a"):
        # Nothing of team-a's changed: the pipeline is at version 1 and the job still QUEUED.
        got = (await stub.GetPipeline(pb.GetPipelineRequest(pipeline_id=saved.id))).pipeline
        assert got.version == 1
        assert harness.jobs.get(job.id).status == JobStatus.QUEUED
        cancelled = await stub.CancelJob(pb.CancelJobRequest(job_id=job.id))
        assert cancelled.job.id == job.id
