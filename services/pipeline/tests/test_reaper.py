"""The reaper: a RUNNING job whose worker stopped beating is failed, once, and stays failed.

These tests are of a job at its attempt limit (``max_attempts=1``); below it the job is queued
again (see test_attempts.py).
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
import pytest
from pydantic import ValidationError
from sqlalchemy import update

from skyulf.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc
from skyulf_core.graph.executor import train_pipeline
from skyulf_pipeline import runner as runner_module
from skyulf_pipeline.__main__ import MIGRATIONS, assemble, reap_periodically
from skyulf_pipeline.db.tables import JobRow
from skyulf_pipeline.models import JobChange, JobStatus
from skyulf_pipeline.repository import JobRepository
from skyulf_pipeline.service import PipelineService, span
from skyulf_pipeline.settings import PipelineSettings
from skyulf_platform.artifacts.local import LocalArtifactStore
from skyulf_platform.db.base import utcnow
from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.uow import UnitOfWork
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.grpc.server import start_server
from skyulf_platform.runtime import migrate

STALE = 120.0


def _job(jobs: JobRepository, status: JobStatus = JobStatus.RUNNING, **times: datetime) -> str:
    job = jobs.create(dataset_id="d", graph={"nodes": []}, model_name="m", event_message="queued")
    if status != JobStatus.QUEUED:
        jobs.change(
            job.id,
            when=[JobStatus.QUEUED],
            change=JobChange(status=status, **times),
            event_type="started",
        )
    return job.id


@pytest.fixture
def service(jobs: JobRepository, store: LocalArtifactStore) -> PipelineService:
    return PipelineService(jobs, store, lambda job_id: None, max_attempts=1)


def ago(seconds: float) -> datetime:
    return utcnow() - timedelta(seconds=seconds)


def test_a_silent_running_job_is_failed_as_unavailable_with_a_terminal_event(
    service: PipelineService, jobs: JobRepository
) -> None:
    job_id = _job(jobs, started_at=ago(900), heartbeat_at=ago(600))

    [reaped] = service.reap_silent_jobs(STALE)

    job = jobs.get(job_id)
    assert reaped == job
    assert job.status == JobStatus.FAILED
    assert job.finished_at is not None
    assert job.error is not None and job.error.code == "UNAVAILABLE"
    assert job.error.message == (
        f"the worker running job {job_id} stopped responding (no heartbeat for 10m) "
        "on attempt 1 of 1 (SKYULF_JOB_MAX_ATTEMPTS); run the job again"
    )
    assert job.message == job.error.message
    assert job.error.details["job_id"] == job_id
    events = jobs.events(job_id)
    assert [(e.type, e.status) for e in events] == [
        ("queued", JobStatus.QUEUED),
        ("started", JobStatus.RUNNING),
        ("failed", JobStatus.FAILED),
    ]
    assert events[-1].message == job.error.message
    # A second sweep, or another replica's, finds nothing more to do.
    assert service.reap_silent_jobs(STALE) == []
    assert len(jobs.events(job_id)) == 3


def test_a_job_that_never_beat_is_judged_by_when_it_started(
    service: PipelineService, jobs: JobRepository
) -> None:
    silent = _job(jobs, started_at=ago(300))
    just_started = _job(jobs, started_at=ago(5))
    assert [j.id for j in service.reap_silent_jobs(STALE)] == [silent]
    assert jobs.get(silent).error is not None
    assert "no heartbeat for 5m" in jobs.get(silent).message
    assert jobs.get(just_started).status == JobStatus.RUNNING


def test_a_job_with_a_fresh_heartbeat_is_left_running(
    service: PipelineService, jobs: JobRepository
) -> None:
    # Started long ago, but its worker reported in a moment ago.
    job_id = _job(jobs, started_at=ago(3600), heartbeat_at=ago(10))
    assert service.reap_silent_jobs(STALE) == []
    assert jobs.get(job_id).status == JobStatus.RUNNING
    assert [e.type for e in jobs.events(job_id)] == ["queued", "started"]


def test_only_running_jobs_are_reaped(service: PipelineService, jobs: JobRepository) -> None:
    queued = _job(jobs, JobStatus.QUEUED)
    finished = {
        status: _job(jobs, status, started_at=ago(600), heartbeat_at=ago(600))
        for status in (JobStatus.SUCCEEDED, JobStatus.CANCELLED)
    }
    running = _job(jobs, started_at=ago(600), heartbeat_at=ago(600))
    time.sleep(0.01)
    # With no grace at all every job is older than the cutoff: only the RUNNING one goes.
    assert [j.id for j in service.reap_silent_jobs(0)] == [running]
    assert jobs.get(queued).status == JobStatus.QUEUED
    assert [e.type for e in jobs.events(queued)] == ["queued"]
    for status, job_id in finished.items():
        assert jobs.get(job_id).status == status


def test_a_heartbeat_between_the_sweep_and_the_update_wins(jobs: JobRepository) -> None:
    job_id = _job(jobs, started_at=ago(600), heartbeat_at=ago(600))
    cutoff = ago(STALE)
    assert [j for j, *_ in jobs.silent_running(cutoff)] == [job_id]
    assert jobs.heartbeat(job_id)  # the worker was only slow
    failed = jobs.change(
        job_id,
        when=[JobStatus.RUNNING],
        silent_since=cutoff,
        change=JobChange(status=JobStatus.FAILED),
        event_type="failed",
    )
    assert failed is None
    assert jobs.get(job_id).status == JobStatus.RUNNING


def test_replicas_reaping_at_once_fail_each_job_once(
    service: PipelineService, jobs: JobRepository
) -> None:
    ids = [_job(jobs, started_at=ago(600), heartbeat_at=ago(600)) for _ in range(5)]
    with cf.ThreadPoolExecutor(4) as pool:
        rounds = list(pool.map(lambda _: service.reap_silent_jobs(STALE), range(8)))
    assert sorted(j.id for r in rounds for j in r) == sorted(ids)
    for job_id in ids:
        assert [e.type for e in jobs.events(job_id)].count("failed") == 1


def test_heartbeat_stops_counting_once_the_job_is_no_longer_running(
    service: PipelineService, jobs: JobRepository
) -> None:
    job_id = _job(jobs, started_at=ago(600), heartbeat_at=ago(600))
    service.reap_silent_jobs(STALE)
    before = jobs.get(job_id)
    assert jobs.heartbeat(job_id) is False
    assert jobs.get(job_id) == before


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (45, "45s"), (120, "2m"), (125, "2m 5s"), (3600, "1h"), (3780, "1h 3m")],
)
def test_span_reads_like_a_person_would_say_it(seconds: int, text: str) -> None:
    assert span(timedelta(seconds=seconds)) == text


# -- the worker that comes back ---------------------------------------------------------------


def _reaped_midway(harness: Any) -> Any:
    def train(graph: Any, frame: Any, **kw: Any) -> Any:
        job_id = harness.jobs.page(limit=1, offset=0)[0][0].id
        time.sleep(0.01)
        # The worker stalls past the stale limit and the pipeline service gives up on it.
        assert [j.id for j in harness.service.reap_silent_jobs(0)] == [job_id]
        time.sleep(0.2)
        return train_pipeline(graph, frame, **kw)

    return train


async def test_a_worker_finishing_after_its_job_was_reaped_leaves_it_failed(
    harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.service.max_attempts = 1
    # The heartbeat is too slow to notice: training finishes and tries to record success.
    monkeypatch.setattr(runner_module, "train_pipeline", _reaped_midway(harness))
    job = await harness.create()
    done = await harness.run(job.id)
    assert done.status == JobStatus.FAILED
    assert done.error is not None and done.error.code == "UNAVAILABLE"
    assert job.id in done.error.message
    assert harness.jobs.get(job.id) == done
    events = harness.jobs.events(job.id)
    assert events[-1].type == "failed" and events[-1].message == done.error.message
    assert [e.status for e in events].count(JobStatus.FAILED) == 1
    assert JobStatus.SUCCEEDED not in {e.status for e in events}


async def test_a_worker_whose_heartbeat_finds_its_job_reaped_stops_training(
    harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.service.max_attempts = 1
    harness.runner.heartbeat_seconds = 0.05
    monkeypatch.setattr(runner_module, "train_pipeline", _reaped_midway(harness))
    job = await harness.create()
    done = await harness.run(job.id)
    assert done.status == JobStatus.FAILED
    assert done.error is not None and done.error.code == "UNAVAILABLE"
    assert harness.registry.calls == []  # no model version for a failed job


async def test_a_redelivered_task_for_a_reaped_job_is_left_alone(harness: Any) -> None:
    harness.service.max_attempts = 1
    job = await harness.create()
    harness.jobs.change(
        job.id,
        when=[JobStatus.QUEUED],
        change=JobChange(status=JobStatus.RUNNING, started_at=ago(600), heartbeat_at=ago(600)),
        event_type="started",
    )
    [reaped] = harness.service.reap_silent_jobs(STALE)
    events = harness.jobs.events(job.id)
    done = await harness.run(job.id)
    assert done == reaped
    assert harness.jobs.events(job.id) == events
    assert harness.registry.calls == []


async def test_watch_job_ends_when_the_job_is_reaped(harness: Any) -> None:
    harness.service.max_attempts = 1
    job = await harness.create()
    harness.jobs.change(
        job.id,
        when=[JobStatus.QUEUED],
        change=JobChange(status=JobStatus.RUNNING, started_at=ago(600), heartbeat_at=ago(600)),
        event_type="started",
    )
    stream = harness.stub.WatchJob(pipeline_pb2.WatchJobRequest(job_id=job.id))

    async def collect() -> list[Any]:
        return [e async for e in stream]

    watching = asyncio.create_task(collect())
    await asyncio.sleep(0.2)
    assert not watching.done()
    await asyncio.to_thread(harness.service.reap_silent_jobs, STALE)
    events = await asyncio.wait_for(watching, timeout=5)
    assert [e.type for e in events] == ["queued", "started", "failed"]
    assert events[-1].status == pipeline_pb2.JOB_STATUS_FAILED
    assert "stopped responding" in events[-1].message


# -- the reaper in the served process ---------------------------------------------------------


async def test_the_served_process_reaps_and_stops_reaping_on_shutdown(tmp_path: Path) -> None:
    settings = PipelineSettings(
        data_dir=tmp_path / "data",
        ingestion_addr="127.0.0.1:1",
        job_heartbeat_seconds=0.05,
        job_stale_seconds=1.0,
        job_reap_interval_seconds=0.05,
        job_max_attempts=1,
    )
    migrate(settings, MIGRATIONS)
    engine = make_engine(settings.resolved_database_url())
    jobs = JobRepository(UnitOfWork(engine))
    silent = _job(jobs, started_at=ago(60), heartbeat_at=ago(30))
    assembly = await assemble(settings)
    server = await start_server(assembly.bindings, host="127.0.0.1", port=0)
    channel = aio_channel(f"127.0.0.1:{server.port}")
    reaper = assembly.extra["reaper"]
    assert isinstance(reaper, asyncio.Task)
    try:
        stub = pipeline_pb2_grpc.PipelineServiceStub(channel)
        beating = _job(jobs, started_at=ago(60), heartbeat_at=utcnow())
        got = None
        for _ in range(100):
            got = (await stub.GetJob(pipeline_pb2.GetJobRequest(job_id=silent))).job
            jobs.heartbeat(beating)
            if got.status == pipeline_pb2.JOB_STATUS_FAILED:
                break
            await asyncio.sleep(0.05)
        assert got is not None and got.status == pipeline_pb2.JOB_STATUS_FAILED
        assert got.error.code == grpc.StatusCode.UNAVAILABLE.name
        assert "stopped responding" in got.error.message
        await asyncio.sleep(0.3)
        assert jobs.get(beating).status == JobStatus.RUNNING
    finally:
        await channel.close()
        await server.stop(0)
        assert assembly.on_stop is not None
        await assembly.on_stop()
    assert reaper.done()
    # Nothing reaps once the process has stopped.
    engine2 = make_engine(settings.resolved_database_url())
    later = _job(JobRepository(UnitOfWork(engine2)), started_at=ago(60), heartbeat_at=ago(60))
    await asyncio.sleep(0.3)
    assert JobRepository(UnitOfWork(engine2)).get(later).status == JobStatus.RUNNING
    engine2.dispose()
    engine.dispose()


async def test_the_reaper_keeps_sweeping_after_a_failed_sweep() -> None:
    class Flaky:
        def __init__(self) -> None:
            self.sweeps = 0

        def reap_silent_jobs(self, stale: float) -> list[Any]:
            self.sweeps += 1
            if self.sweeps == 1:
                raise OSError("database is restarting")
            return []

        def requeue_unclaimed_jobs(self, waiting: float) -> list[Any]:
            return []

    flaky = Flaky()
    task = asyncio.create_task(reap_periodically(flaky, 0.01, STALE, STALE))  # type: ignore[arg-type]
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert flaky.sweeps >= 3


def test_stale_limit_must_outlast_two_heartbeats(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="SKYULF_JOB_STALE_SECONDS"):
        PipelineSettings(data_dir=tmp_path, job_heartbeat_seconds=15, job_stale_seconds=20)


def test_liveness_settings_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKYULF_JOB_HEARTBEAT_SECONDS", "2")
    monkeypatch.setenv("SKYULF_JOB_STALE_SECONDS", "9")
    monkeypatch.setenv("SKYULF_JOB_REAP_INTERVAL_SECONDS", "1.5")
    settings = PipelineSettings(data_dir=tmp_path)
    assert (
        settings.job_heartbeat_seconds,
        settings.job_stale_seconds,
        settings.job_reap_interval_seconds,
    ) == (2, 9, 1.5)
    monkeypatch.delenv("SKYULF_JOB_HEARTBEAT_SECONDS")
    monkeypatch.delenv("SKYULF_JOB_STALE_SECONDS")
    monkeypatch.delenv("SKYULF_JOB_REAP_INTERVAL_SECONDS")
    defaults = PipelineSettings(data_dir=tmp_path)
    assert (defaults.job_heartbeat_seconds, defaults.job_stale_seconds) == (15, 120)
    assert defaults.job_reap_interval_seconds == 30


def test_a_job_no_worker_took_is_queued_again_once(
    jobs: JobRepository, store: LocalArtifactStore
) -> None:
    enqueued: list[str] = []
    service = PipelineService(jobs, store, lambda job_id, kind="train": enqueued.append(job_id))
    waiting = _job(jobs, JobStatus.QUEUED)
    fresh = _job(jobs, JobStatus.QUEUED)
    running = _job(jobs, started_at=ago(5), heartbeat_at=ago(1))
    with jobs.uow() as session:  # as if the first had waited ten minutes
        session.execute(
            update(JobRow).where(JobRow.id.in_([waiting, running])).values(updated_at=ago(600))
        )

    [requeued] = service.requeue_unclaimed_jobs(300)

    assert requeued.id == waiting and enqueued == [waiting]
    assert jobs.get(waiting).status == JobStatus.QUEUED
    assert "no worker took the job in 10m" in jobs.get(waiting).message
    assert [e.type for e in jobs.events(waiting)] == ["queued", "requeued"]
    # Touched by the requeue: the next sweep leaves it alone until it has waited again.
    assert service.requeue_unclaimed_jobs(300) == [] and enqueued == [waiting]
    assert jobs.get(fresh).status == jobs.get(waiting).status == JobStatus.QUEUED
    assert jobs.get(running).status == JobStatus.RUNNING


def test_a_broker_still_down_leaves_the_job_queued_for_the_next_sweep(
    jobs: JobRepository, store: LocalArtifactStore
) -> None:
    def down(job_id: str, kind: str = "train") -> None:
        raise ConnectionError("broker down")

    service = PipelineService(jobs, store, down)
    waiting = _job(jobs, JobStatus.QUEUED)
    with jobs.uow() as session:
        session.execute(update(JobRow).where(JobRow.id == waiting).values(updated_at=ago(600)))

    assert [j.id for j in service.requeue_unclaimed_jobs(300)] == [waiting]
    assert jobs.get(waiting).status == JobStatus.QUEUED
