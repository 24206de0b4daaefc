from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from skyulf.registry.v1 import registry_pb2_grpc
from skyulf_platform.checks import database_check
from skyulf_platform.db.migrations import upgrade
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.grpc.server import RunningServer, ServiceBinding, start_server
from skyulf_registry.__main__ import MIGRATIONS_DIR, SERVICE_NAME, build_service
from skyulf_registry.grpc.servicer import RegistryServicer
from skyulf_registry.models import Lineage, NewModelVersion
from skyulf_registry.service import RegistryService
from skyulf_registry.settings import RegistrySettings

CHECKSUM = "ab" * 32


def new_version(name: str = "churn", job_id: str = "", **kw: object) -> NewModelVersion:
    values: dict[str, object] = {
        "name": name,
        "task": "classification",
        "model_type": "logistic_regression",
        "bundle_uri": f"file:///tmp/bundles/{uuid.uuid4()}",
        "bundle_checksum": CHECKSUM,
        "metrics": {"accuracy": 0.9},
        "signature": {"inputs": [{"name": "age", "dtype": "Int64"}]},
        "lineage": Lineage(dataset_id="d1", job_id=job_id, pipeline={"nodes": [], "edges": []}),
    }
    values.update(kw)
    return NewModelVersion.model_validate(values)


@pytest.fixture(name="new_version")
def new_version_factory() -> object:
    return new_version


@pytest.fixture
def settings(tmp_path: Path) -> RegistrySettings:
    s = RegistrySettings(data_dir=tmp_path)
    upgrade(MIGRATIONS_DIR, s.resolved_database_url(), s.service_name)
    return s


@pytest.fixture
def service(settings: RegistrySettings) -> Iterator[RegistryService]:
    svc = build_service(settings)
    yield svc
    svc.uow.engine.dispose()


@pytest.fixture
async def server(service: RegistryService) -> AsyncIterator[RunningServer]:
    running = await start_server(
        [
            ServiceBinding(
                RegistryServicer(service),
                registry_pb2_grpc.add_RegistryServiceServicer_to_server,
                SERVICE_NAME,
            )
        ],
        host="127.0.0.1",
        port=0,
        checks=[database_check(service.uow.engine)],
        check_interval=0.2,
    )
    yield running
    await running.stop(0)


@pytest.fixture
async def stub(server: RunningServer) -> AsyncIterator[registry_pb2_grpc.RegistryServiceStub]:
    channel = aio_channel(f"127.0.0.1:{server.port}")
    yield registry_pb2_grpc.RegistryServiceStub(channel)
    await channel.close()
