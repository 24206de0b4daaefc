from __future__ import annotations

from collections.abc import Iterator

import pytest

from skyulf_ingestion import tasks
from skyulf_ingestion.service import IngestionService, raw_key
from skyulf_ingestion.settings import IngestionSettings
from skyulf_ingestion.wiring import INGEST_DATASET, build_service, celery_enqueue
from skyulf_platform.tasks.app import create_celery_app


@pytest.fixture
def worker_env(settings: IngestionSettings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The task builds its service from the environment, as a worker process does."""
    monkeypatch.setenv("SKYULF_DATA_DIR", str(settings.data_dir))
    tasks.worker_service.cache_clear()
    yield
    tasks.worker_service().uow.engine.dispose()
    tasks.worker_service.cache_clear()


@pytest.mark.usefixtures("worker_env")
def test_task_ingests_the_dataset(service: IngestionService, churn_csv: bytes) -> None:
    pending = service.upload("churn_300.csv", churn_csv)

    assert tasks.ingest_dataset(pending.id) == "READY"
    assert tasks.ingest_dataset(pending.id) == "READY"
    assert service.get_dataset(pending.id).n_rows == 300


@pytest.mark.usefixtures("worker_env")
def test_task_on_a_missing_raw_object_ends_failed(
    service: IngestionService, churn_csv: bytes
) -> None:
    pending = service.upload("churn_300.csv", churn_csv)
    service.store.delete(raw_key(pending.id, "churn_300.csv"))

    assert tasks.ingest_dataset(pending.id) == "FAILED"
    assert "churn_300.csv" in (service.get_dataset(pending.id).error or "")


def test_upload_puts_the_task_on_the_ingest_queue(
    settings: IngestionSettings, customers_csv: bytes
) -> None:
    # Kombu's in-memory transport is shared within the process: what is sent can be read back.
    settings = settings.model_copy(update={"broker_url": "memory://"})
    service = build_service(settings, enqueue=celery_enqueue(settings))
    pending = service.upload("customers_15.csv", customers_csv)

    app = create_celery_app(settings, include_tasks=False)
    with app.connection_for_read() as conn:
        message = conn.SimpleQueue("ingest").get(timeout=5)
    assert message.headers["task"] == INGEST_DATASET
    assert message.payload[0] == [pending.id]
    message.ack()
    service.uow.engine.dispose()
