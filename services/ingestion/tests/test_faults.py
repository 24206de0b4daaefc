"""Outages during ingest are retried, not recorded as failures; datasets stuck PENDING are
failed by the sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from skyulf_errors import Unavailable
from skyulf_ingestion.models import DatasetStatus
from skyulf_ingestion.service import IngestionService
from skyulf_ingestion.settings import IngestionSettings
from skyulf_ingestion.sources.models import SqlSource
from skyulf_ingestion.wiring import build_service
from skyulf_platform.db.base import utcnow


def test_an_unreachable_source_database_is_raised_for_a_retry(
    settings: IngestionSettings, queued: list[str]
) -> None:
    service = build_service(settings, enqueue=queued.append)
    # Nothing listens on port 1: the database is "down".
    url = "postgresql://reader:pw@127.0.0.1:1/shop"
    dataset = service.create_from_source(SqlSource(url=url, table="orders"))
    with pytest.raises(Unavailable, match="could not run the query"):
        service.ingest(dataset.id, retry_unavailable=True)
    assert service.get_dataset(dataset.id).status is DatasetStatus.PENDING
    # The last attempt records the outage.
    done = service.ingest(dataset.id, retry_unavailable=False)
    assert done.status is DatasetStatus.FAILED and done.error and "pw" not in done.error.split()
    service.uow.engine.dispose()


def test_an_s3_outage_is_raised_for_a_retry(service: IngestionService) -> None:
    dataset = service.upload("a.csv", b"x\n1\n")

    def down(*args: object, **kwargs: object) -> None:
        raise Unavailable("S3 is not answering")

    service.store.download_to = down  # type: ignore[method-assign]
    with pytest.raises(Unavailable):
        service.ingest(dataset.id, retry_unavailable=True)
    assert service.get_dataset(dataset.id).status is DatasetStatus.PENDING


def test_the_sweep_fails_datasets_stuck_pending(
    service: IngestionService, settings: IngestionSettings
) -> None:
    old = service.upload("old.csv", b"x\n1\n")
    fresh = service.upload("fresh.csv", b"x\n1\n")
    engine = sa.create_engine(settings.resolved_database_url())
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE datasets SET updated_at = :t WHERE id = :i"),
            {"t": utcnow() - timedelta(hours=7), "i": old.id},
        )
    engine.dispose()
    assert service.fail_stuck(6 * 3600) == [old.id]
    stuck = service.get_dataset(old.id)
    assert stuck.status is DatasetStatus.FAILED
    assert stuck.error and "did not finish within 21600 s" in stuck.error
    assert service.get_dataset(fresh.id).status is DatasetStatus.PENDING
    # A late task finds the dataset no longer PENDING and leaves it as it is.
    assert service.ingest(old.id).status is DatasetStatus.FAILED
