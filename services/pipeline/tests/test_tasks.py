"""The Celery task as a worker runs it: registered under the contract name, wired from settings."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skyulf_pipeline import runner
from skyulf_pipeline.models import JobStatus
from skyulf_pipeline.settings import PipelineSettings
from skyulf_pipeline.tasks import TRAIN_PIPELINE, train
from skyulf_platform.tasks.app import create_celery_app


@pytest.fixture
def worker_env(tmp_path: Path, harness: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    url = harness.jobs.uow.engine.url.render_as_string(hide_password=False)
    for name, value in {
        "SKYULF_DATA_DIR": str(tmp_path / "worker"),
        "SKYULF_DATABASE_URL": url,
        "SKYULF_ARTIFACT_URL": harness.store.root_uri,
        "SKYULF_INGESTION_ADDR": harness.ingestion_addr,
        "SKYULF_REGISTRY_ADDR": harness.ingestion_addr,
        "SKYULF_BUNDLE_SIGNING_KEY": "worker-key",
    }.items():
        monkeypatch.setenv(name, value)
    runner.default_runner.cache_clear()
    yield
    runner.default_runner.cache_clear()


def test_task_is_registered_under_the_contract_name(tmp_path: Path) -> None:
    app = create_celery_app(PipelineSettings(data_dir=tmp_path), include_tasks=False)
    assert app.tasks[TRAIN_PIPELINE].name == train.name == TRAIN_PIPELINE


async def test_task_runs_the_job_from_the_environment(harness: Any, worker_env: None) -> None:
    job = await harness.create()
    await asyncio.to_thread(train.run, job.id)
    done = harness.jobs.get(job.id)
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert [c.lineage.job_id for c in harness.registry.calls] == [job.id]


async def test_task_for_an_unknown_job_is_dropped(harness: Any, worker_env: None) -> None:
    await asyncio.to_thread(train.run, "00000000-0000-4000-8000-000000000000")
    assert harness.registry.calls == []
