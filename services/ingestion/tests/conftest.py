from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from skyulf.ingestion.v1 import ingestion_pb2_grpc
from skyulf_ingestion.__main__ import MIGRATIONS_DIR, SERVICE_NAME
from skyulf_ingestion.grpc.servicer import IngestionServicer
from skyulf_ingestion.service import IngestionService
from skyulf_ingestion.settings import IngestionSettings
from skyulf_ingestion.wiring import build_service
from skyulf_platform.checks import artifact_store_check, database_check
from skyulf_platform.db.migrations import upgrade
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.grpc.server import RunningServer, ServiceBinding, start_server

DATA = Path(__file__).parent / "data"
UPLOAD_LIMIT = 2 * 1024 * 1024


@pytest.fixture
def churn_csv() -> bytes:
    return (DATA / "churn_300.csv").read_bytes()


@pytest.fixture
def customers_csv() -> bytes:
    return (DATA / "customers_15.csv").read_bytes()


@pytest.fixture
def settings(tmp_path: Path) -> IngestionSettings:
    s = IngestionSettings(data_dir=tmp_path, max_upload_bytes=UPLOAD_LIMIT)
    upgrade(MIGRATIONS_DIR, s.resolved_database_url(), s.service_name)
    return s


@pytest.fixture
def queued() -> list[str]:
    """Dataset ids the service asked to ingest."""
    return []


@pytest.fixture
def service(settings: IngestionSettings, queued: list[str]) -> Iterator[IngestionService]:
    svc = build_service(settings, enqueue=queued.append)
    yield svc
    svc.uow.engine.dispose()


@pytest.fixture
async def server(service: IngestionService) -> AsyncIterator[RunningServer]:
    running = await start_server(
        [
            ServiceBinding(
                IngestionServicer(service),
                ingestion_pb2_grpc.add_IngestionServiceServicer_to_server,
                SERVICE_NAME,
            )
        ],
        host="127.0.0.1",
        port=0,
        checks=[database_check(service.uow.engine), artifact_store_check(service.store)],
    )
    yield running
    await running.stop(0)


@pytest.fixture
async def stub(server: RunningServer) -> AsyncIterator[ingestion_pb2_grpc.IngestionServiceStub]:
    channel = aio_channel(f"127.0.0.1:{server.port}")
    yield ingestion_pb2_grpc.IngestionServiceStub(channel)
    await channel.close()
