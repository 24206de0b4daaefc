"""Per-queue time limits: below the broker's visibility timeout; the soft one fails the job."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from skyulf_core.graph.executor import train_pipeline
from skyulf_pipeline import liveness
from skyulf_pipeline import runner as runner_module
from skyulf_pipeline.models import JobError, JobStatus
from skyulf_pipeline.tasks import TRAIN_PIPELINE
from skyulf_platform.settings import PlatformSettings
from skyulf_platform.tasks.app import (
    QUEUE_TIME_LIMITS,
    VISIBILITY_TIMEOUT,
    create_celery_app,
    queue_time_limits,
)


def test_every_queue_stops_its_tasks_before_the_broker_hands_them_out_again() -> None:
    for queue in QUEUE_TIME_LIMITS:
        soft, hard = queue_time_limits(queue)
        assert soft < hard < VISIBILITY_TIMEOUT
    app = create_celery_app(PlatformSettings(broker_url="redis://127.0.0.1:1/0"))
    assert app.conf.broker_transport_options["visibility_timeout"] == VISIBILITY_TIMEOUT
    task = app.tasks[TRAIN_PIPELINE]
    assert (task.soft_time_limit, task.time_limit) == QUEUE_TIME_LIMITS["train"]


def test_a_deployment_sets_its_queue_limits_within_the_visibility_timeout() -> None:
    settings = PlatformSettings(task_soft_time_limit=100, task_time_limit=200)
    assert queue_time_limits("train", settings) == (100.0, 200.0)
    short = PlatformSettings(task_time_limit=200, broker_visibility_timeout=150)
    with pytest.raises(ValueError, match="visibility timeout"):
        queue_time_limits("train", short)


def test_a_limit_above_the_visibility_timeout_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(QUEUE_TIME_LIMITS, "train", (3000.0, VISIBILITY_TIMEOUT + 1.0))
    with pytest.raises(ValueError, match="visibility timeout"):
        queue_time_limits("train")


async def test_a_job_past_the_soft_limit_fails_naming_it(
    harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow(graph: Any, frame: Any, **kw: Any) -> Any:
        while not kw["should_cancel"]():
            time.sleep(0.02)
        return train_pipeline(graph, frame, **kw)

    monkeypatch.setattr(runner_module, "train_pipeline", slow)
    harness.runner.time_limits = (0.3, 60.0)
    job = await harness.create()
    done = await harness.run(job.id)
    assert done.status == JobStatus.FAILED
    assert done.error is not None and done.error.code == "DEADLINE_EXCEEDED"
    assert "time limit (0.3s)" in done.error.message


def test_past_the_hard_limit_the_job_is_failed_and_the_process_ends(
    harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ended = threading.Event()
    failed: list[JobError] = []
    monkeypatch.setattr(liveness.os, "_exit", lambda code: ended.set())
    job = harness.jobs.create(dataset_id="d", graph={}, model_name="m", event_message="queued")
    with liveness.Deadline(job, 0.05, 0.1, failed.append):
        assert ended.wait(2.0)
    assert failed and failed[0].code == "DEADLINE_EXCEEDED"
    assert "hard time limit (0.1s)" in failed[0].message
