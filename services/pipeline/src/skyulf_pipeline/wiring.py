"""How a worker process builds the tuning runners from the pipeline's settings (built once)."""

from __future__ import annotations

from functools import cache
from typing import Any

import optuna

from skyulf_pipeline.datasets import load_frame
from skyulf_pipeline.models import Job
from skyulf_pipeline.peers import IngestionClient, RegistryClient
from skyulf_pipeline.repository import JobRepository
from skyulf_pipeline.settings import get_settings
from skyulf_pipeline.study_repository import StudyRepository
from skyulf_pipeline.tuning_runner import TrialWorker, TuningRunner
from skyulf_pipeline.tuning_storage import storage_for
from skyulf_platform.artifacts import open_store
from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.uow import UnitOfWork
from skyulf_platform.grpc.client import sync_channel
from skyulf_platform.tasks.app import queue_time_limits


@cache
def _uow() -> UnitOfWork:
    return UnitOfWork(make_engine(get_settings().resolved_database_url()))


def _storage() -> optuna.storages.BaseStorage:
    return storage_for(get_settings())


def celery_fan_out(job_id: str, node_id: str, count: int) -> None:
    """Put ``count`` trial tasks of the node's study on the ``tune`` queue (from a worker)."""
    from celery import current_app

    from skyulf_pipeline.tasks import TUNE_TRIALS

    for _ in range(count):
        current_app.send_task(TUNE_TRIALS, args=[job_id, node_id], queue="tune")


@cache
def tuning_runner() -> TuningRunner:
    settings = get_settings()
    return TuningRunner(
        JobRepository(_uow()),
        open_store(settings),
        IngestionClient(sync_channel(settings.ingestion_addr)),
        RegistryClient(sync_channel(settings.registry_addr)),
        settings.signing_key(),
        cancel_poll_seconds=settings.cancel_poll_seconds,
        heartbeat_seconds=settings.job_heartbeat_seconds,
        stale_seconds=settings.job_stale_seconds,
        max_attempts=settings.job_max_attempts,
        isolate_fit=settings.fit_in_child_process,
        time_limits=queue_time_limits("tune", settings),
        studies=StudyRepository(_uow()),
        storage=_storage,
        fan_out=celery_fan_out,
        parallel_tasks=settings.tuning_parallel_tasks,
    )


@cache
def trial_worker() -> TrialWorker:
    settings = get_settings()
    store = open_store(settings)
    ingestion = IngestionClient(sync_channel(settings.ingestion_addr))

    def load(job: Job) -> Any:
        # The version the job was created on, as the job's own worker loads.
        return load_frame(
            store, ingestion.get_dataset(job.dataset_id, version=job.dataset_version or 0)
        )

    return TrialWorker(
        JobRepository(_uow()),
        StudyRepository(_uow()),
        _storage,
        load,
        cancel_poll_seconds=max(settings.cancel_poll_seconds, 1.0),
        isolate_fit=settings.fit_in_child_process,
    )
