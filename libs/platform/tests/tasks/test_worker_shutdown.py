"""A worker on real Redis finishes its running task on SIGTERM and enforces its time limit.

This is what lets a cluster scale workers down (KEDA or an HPA removes a pod: SIGTERM, then
the grace period) without cutting a task short. The worker is a real ``celery worker`` process
with the platform's Celery app and the limits the Helm chart sets per queue.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from skyulf_platform.settings import PlatformSettings
from skyulf_platform.tasks.app import create_celery_app

TASKS = textwrap.dedent(
    """
    import time
    from pathlib import Path

    from celery.exceptions import SoftTimeLimitExceeded

    from skyulf_platform.settings import PlatformSettings
    from skyulf_platform.tasks.app import create_celery_app

    app = create_celery_app(PlatformSettings(service_name="worker"), include_tasks=False)


    @app.task(name="test.sleep_then_write")
    def sleep_then_write(path: str, seconds: float) -> None:
        Path(path + ".started").write_text("started")
        try:
            time.sleep(seconds)
        except SoftTimeLimitExceeded:
            Path(path + ".soft").write_text("soft limit")
            raise
        Path(path).write_text("done")
    """
)


def _wait_for(path: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def worker_env(redis_url: str, tmp_path: Path) -> dict[str, str]:
    (tmp_path / "shutdown_tasks.py").write_text(TASKS)
    return {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "SKYULF_BROKER_URL": redis_url,
        "SKYULF_DATA_DIR": str(tmp_path / "data"),
        "SKYULF_TASK_SOFT_TIME_LIMIT": "4",
        "SKYULF_TASK_TIME_LIMIT": "6",
        "SKYULF_BROKER_VISIBILITY_TIMEOUT": "60",
    }


@pytest.fixture
def start_worker(
    worker_env: dict[str, str], tmp_path: Path
) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []

    def start(queue: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"worker-{queue}.log").open("wb")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "shutdown_tasks:app",
                "worker",
                "-Q",
                queue,
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
            ],
            env=worker_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _send(redis_url: str, queue: str, path: Path, seconds: float) -> None:
    app = create_celery_app(PlatformSettings(broker_url=redis_url), include_tasks=False)
    app.send_task("test.sleep_then_write", args=[str(path), seconds], queue=queue)


def test_sigterm_lets_the_running_task_finish(
    redis_url: str, start_worker: Callable[[str], subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    worker = start_worker("train")
    out = tmp_path / "finished"
    _send(redis_url, "train", out, 2.5)
    assert _wait_for(out.with_name("finished.started"), 60), (
        tmp_path / "worker-train.log"
    ).read_text()
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0
    assert out.read_text() == "done", (tmp_path / "worker-train.log").read_text()


def test_the_deployment_time_limit_stops_a_runaway_task(
    redis_url: str, start_worker: Callable[[str], subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    worker = start_worker("tune")
    out = tmp_path / "runaway"
    _send(redis_url, "tune", out, 60)
    assert _wait_for(out.with_name("runaway.started"), 60)
    # Soft limit 4 s: the task is told to stop; it never reaches its own end.
    assert _wait_for(out.with_name("runaway.soft"), 15), (tmp_path / "worker-tune.log").read_text()
    assert not out.exists()
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0


def test_settings_reach_the_celery_app(redis_url: str) -> None:
    settings = PlatformSettings(
        broker_url=redis_url,
        task_time_limit=600,
        task_soft_time_limit=540,
        broker_visibility_timeout=7200,
    )
    conf = create_celery_app(settings, include_tasks=False).conf
    assert conf.task_time_limit == 600
    assert conf.task_soft_time_limit == 540
    assert conf.broker_transport_options["visibility_timeout"] == 7200
    # A task is acknowledged once it ran, one at a time, and handed back if its worker dies.
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
