"""Builds the service from settings; shared by the gRPC composition root and the worker."""

from __future__ import annotations

from skyulf_ingestion.service import Enqueue, IngestionService
from skyulf_ingestion.settings import IngestionSettings
from skyulf_platform.artifacts import open_store
from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.uow import UnitOfWork
from skyulf_platform.settings import PlatformSettings
from skyulf_platform.tasks.app import create_celery_app

# The ingest task's name: the contract between this service and the workers that run it.
INGEST_DATASET = "skyulf.ingestion.ingest_dataset"


def celery_enqueue(settings: PlatformSettings) -> Enqueue:
    app = create_celery_app(settings, include_tasks=False)

    def enqueue(dataset_id: str) -> None:
        app.send_task(INGEST_DATASET, args=[dataset_id], queue="ingest")

    return enqueue


def build_service(settings: IngestionSettings, *, enqueue: Enqueue | None) -> IngestionService:
    engine = make_engine(settings.resolved_database_url())
    return IngestionService(
        UnitOfWork(engine),
        open_store(settings),
        enqueue=enqueue,
        max_upload_bytes=settings.max_upload_bytes,
        sniff_bytes=settings.sniff_bytes,
        tmp_dir=settings.data_dir / "tmp",
    )
