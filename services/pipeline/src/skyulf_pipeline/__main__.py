"""Composition root: ``python -m skyulf_pipeline serve|migrate``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from skyulf.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc
from skyulf_pipeline.grpc.servicer import PipelineServicer
from skyulf_pipeline.peers import INGESTION_SERVICE, AsyncIngestionClient, RegistryClient
from skyulf_pipeline.repository import JobRepository
from skyulf_pipeline.saved import SavedPipelineService
from skyulf_pipeline.saved_repository import SavedPipelineRepository
from skyulf_pipeline.service import Enqueue, PipelineService
from skyulf_pipeline.settings import PipelineSettings, get_settings
from skyulf_pipeline.study_repository import StudyRepository
from skyulf_pipeline.tasks import QUEUE_OF_KIND
from skyulf_pipeline.trials import TrialsReader
from skyulf_pipeline.tuning_storage import storage_for
from skyulf_platform.artifacts import open_store
from skyulf_platform.artifacts.cache import LocalCopies
from skyulf_platform.checks import artifact_store_check, database_check, peer_check
from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.uow import UnitOfWork
from skyulf_platform.grpc.client import aio_channel, sync_channel
from skyulf_platform.grpc.server import ServiceBinding
from skyulf_platform.runtime import Assembly, service_main
from skyulf_platform.settings import PlatformSettings
from skyulf_platform.tasks.app import create_celery_app

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
SERVICE_NAME = pipeline_pb2.DESCRIPTOR.services_by_name["PipelineService"].full_name

# Publishing gives up after about two seconds, so an unreachable broker fails the job
# instead of holding the request open.
_PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}


def celery_enqueue(settings: PlatformSettings) -> Enqueue:
    app = create_celery_app(settings, include_tasks=False)

    def enqueue(job_id: str, kind: str = "train") -> None:
        queue, task = QUEUE_OF_KIND[kind]
        app.send_task(task, args=[job_id], queue=queue, retry=True, retry_policy=_PUBLISH_RETRY)

    return enqueue


async def reap_periodically(
    service: PipelineService, interval: float, stale: float, queued_stale: float
) -> None:
    """Every ``interval`` s until cancelled: requeue or fail RUNNING jobs whose worker went
    silent, and requeue QUEUED jobs no worker took (their task may be lost)."""
    while True:
        try:
            await asyncio.to_thread(service.reap_silent_jobs, stale)
            await asyncio.to_thread(service.requeue_unclaimed_jobs, queued_stale)
        except Exception:
            # The database may be down for a moment: try again on the next sweep.
            log.exception("could not look for jobs whose worker stopped responding")
        await asyncio.sleep(interval)


async def assemble(settings: PlatformSettings) -> Assembly:
    assert isinstance(settings, PipelineSettings)
    engine = make_engine(settings.resolved_database_url())
    uow = UnitOfWork(engine)
    store = open_store(settings)
    ingestion_channel = aio_channel(settings.ingestion_addr)
    # Blocking: the reaper calls it from its worker thread.
    registry_channel = sync_channel(settings.registry_addr)
    registry = RegistryClient(registry_channel)
    service = PipelineService(
        JobRepository(uow),
        store,
        celery_enqueue(settings),
        preview_sample_rows=settings.preview_sample_rows,
        max_attempts=settings.job_max_attempts,
        withdraw_versions=registry.delete_job_versions,
        trials=TrialsReader(StudyRepository(uow), lambda: storage_for(settings)),
        copies=LocalCopies(settings.data_dir / "preview-cache"),
    )
    servicer = PipelineServicer(
        service,
        AsyncIngestionClient(ingestion_channel),
        SavedPipelineService(SavedPipelineRepository(uow)),
        watch_poll_seconds=settings.watch_poll_seconds,
    )

    reaper = asyncio.create_task(
        reap_periodically(
            service,
            settings.job_reap_interval_seconds,
            settings.job_stale_seconds,
            settings.job_queued_stale_seconds,
        ),
        name="pipeline-job-reaper",
    )

    async def on_stop() -> None:
        reaper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reaper
        await ingestion_channel.close()
        registry_channel.close()
        engine.dispose()

    return Assembly(
        bindings=[
            ServiceBinding(
                servicer, pipeline_pb2_grpc.add_PipelineServiceServicer_to_server, SERVICE_NAME
            )
        ],
        checks=[
            database_check(engine),
            artifact_store_check(store),
            peer_check(ingestion_channel, INGESTION_SERVICE, "ingestion"),
        ],
        on_stop=on_stop,
        extra={"reaper": reaper},
    )


def main() -> None:
    service_main(get_settings, assemble, migrations_dir=MIGRATIONS)


if __name__ == "__main__":
    main()
