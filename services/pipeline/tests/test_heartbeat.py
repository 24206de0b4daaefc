"""The worker's heartbeat: it advances while a job trains and stops whenever the run ends."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

import pytest

from skyulf_core.graph.executor import train_pipeline
from skyulf_errors import Cancelled, InvalidArgument
from skyulf_pipeline import runner as runner_module
from skyulf_pipeline.models import JobStatus

BEAT = 0.05


def _beating(job_id: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"heartbeat-{job_id}" and t.is_alive()]


def _slow(harness: Any, seconds: float, seen: list[datetime | None]) -> Any:
    """The real executor, after ``seconds`` of sampling the job's heartbeat."""

    def slow_train(graph: Any, frame: Any, **kw: Any) -> Any:
        job_id = harness.jobs.page(limit=1, offset=0)[0][0].id
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            seen.append(harness.jobs.get(job_id).heartbeat_at)
            time.sleep(BEAT / 2)
        return train_pipeline(graph, frame, **kw)

    return slow_train


async def test_heartbeat_advances_during_a_slow_run_and_stops_after(
    harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.runner.heartbeat_seconds = BEAT
    seen: list[datetime | None] = []
    monkeypatch.setattr(runner_module, "train_pipeline", _slow(harness, 0.5, seen))
    job = await harness.create()
    assert job.heartbeat_at is None

    done = await harness.run(job.id)

    assert done.status == JobStatus.SUCCEEDED, done.error
    beats = [b for b in seen if b is not None]
    assert len(beats) == len(seen)  # beating from the moment the job started
    assert beats == sorted(beats)
    assert len(set(beats)) >= 4, beats
    assert _beating(job.id) == []
    final = harness.jobs.get(job.id).heartbeat_at
    time.sleep(3 * BEAT)
    assert harness.jobs.get(job.id).heartbeat_at == final


def _raise(error: BaseException) -> Any:
    def train(graph: Any, frame: Any, **kw: Any) -> Any:
        time.sleep(3 * BEAT)
        raise error

    return train


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (RuntimeError("boom"), JobStatus.FAILED),
        (InvalidArgument("bad column"), JobStatus.FAILED),
        (Cancelled("stopped"), JobStatus.CANCELLED),
    ],
)
async def test_heartbeat_stops_however_the_run_ends(
    harness: Any, monkeypatch: pytest.MonkeyPatch, error: BaseException, status: JobStatus
) -> None:
    harness.runner.heartbeat_seconds = BEAT
    monkeypatch.setattr(runner_module, "train_pipeline", _raise(error))
    job = await harness.create()
    done = await harness.run(job.id)
    assert done.status == status
    assert _beating(job.id) == []


async def test_heartbeat_stops_when_the_user_cancels(
    harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.runner.heartbeat_seconds = BEAT

    def cancelled_midway(graph: Any, frame: Any, **kw: Any) -> Any:
        harness.service.cancel_job(harness.jobs.page(limit=1, offset=0)[0][0].id)
        return train_pipeline(graph, frame, **kw)

    monkeypatch.setattr(runner_module, "train_pipeline", cancelled_midway)
    job = await harness.create()
    done = await harness.run(job.id)
    assert done.status == JobStatus.CANCELLED
    assert _beating(job.id) == []


async def test_a_database_hiccup_does_not_stop_the_heartbeat(
    harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.runner.heartbeat_seconds = BEAT
    real = harness.jobs.heartbeat
    calls = {"n": 0}

    def flaky(job_id: str, attempt: int | None = None) -> bool:
        calls["n"] += 1
        if calls["n"] <= 2:
            raise OSError("database is restarting")
        return real(job_id, attempt)

    monkeypatch.setattr(harness.jobs, "heartbeat", flaky)
    seen: list[datetime | None] = []
    monkeypatch.setattr(runner_module, "train_pipeline", _slow(harness, 0.4, seen))
    job = await harness.create()
    done = await harness.run(job.id)
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert calls["n"] > 3
    assert len({b for b in seen if b is not None}) >= 2
