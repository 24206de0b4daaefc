"""Builds the service from settings; shared by the gRPC composition root and the worker."""

from __future__ import annotations

from pydantic import SecretStr

from skyulf_ingestion.service import Enqueue, IngestionService
from skyulf_ingestion.settings import IngestionSettings
from skyulf_ingestion.sources.crypto import SourceCipher
from skyulf_ingestion.sources.reader import SourceReader
from skyulf_ingestion.sources.s3 import S3Fetcher
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
        cipher=SourceCipher(settings.resolved_source_key()),
        sources=source_reader(settings),
    )


def source_reader(settings: IngestionSettings) -> SourceReader:
    def secret(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value is not None else None

    return SourceReader(
        s3=S3Fetcher(
            endpoint_url=settings.s3_endpoint_url,
            access_key=secret(settings.s3_access_key),
            secret_key=secret(settings.s3_secret_key),
            region=settings.s3_region,
            reserved=settings.resolved_artifact_url(),
        ),
        http_allowed_hosts=settings.http_allowed_hosts,
        http_max_bytes=settings.http_max_bytes,
        http_timeout_seconds=settings.http_timeout_seconds,
        sql_sqlite_dirs=settings.sql_sqlite_dirs,
        sql_statement_timeout_seconds=settings.sql_statement_timeout_seconds,
        max_rows=settings.source_max_rows,
        max_object_bytes=settings.max_upload_bytes,
    )
