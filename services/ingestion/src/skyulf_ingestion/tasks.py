"""Celery tasks of the ``ingest`` queue. Thin: the work is IngestionService.ingest."""

from __future__ import annotations

from functools import cache

from celery import shared_task

from skyulf_core.errors import Unavailable
from skyulf_ingestion.service import IngestionService
from skyulf_ingestion.settings import get_settings
from skyulf_ingestion.wiring import INGEST_DATASET, build_service
from skyulf_platform.tasks.app import declare_task_queue

declare_task_queue(INGEST_DATASET, "ingest")


@cache
def worker_service() -> IngestionService:
    """One service (engine, store) per worker process."""
    return build_service(get_settings(), enqueue=None)


@shared_task(
    name=INGEST_DATASET,
    autoretry_for=(Unavailable,),
    retry_backoff=True,
    max_retries=5,
)
def ingest_dataset(dataset_id: str) -> str:
    """Ingest one dataset; returns its final status. Retried only when its database is down."""
    return worker_service().ingest(dataset_id).status.value
