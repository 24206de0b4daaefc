"""Composition root: ``python -m skyulf_registry serve|migrate``."""

from __future__ import annotations

from pathlib import Path

from skyulf.registry.v1 import registry_pb2, registry_pb2_grpc
from skyulf_platform.artifacts import open_store
from skyulf_platform.checks import database_check
from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.uow import UnitOfWork
from skyulf_platform.grpc.server import ServiceBinding
from skyulf_platform.runtime import Assembly, service_main
from skyulf_platform.settings import PlatformSettings
from skyulf_registry.grpc.servicer import RegistryServicer
from skyulf_registry.service import RegistryService
from skyulf_registry.settings import get_settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SERVICE_NAME = registry_pb2.DESCRIPTOR.services_by_name["RegistryService"].full_name


def build_service(settings: PlatformSettings) -> RegistryService:
    return RegistryService(
        UnitOfWork(make_engine(settings.resolved_database_url())), open_store(settings)
    )


async def assemble(settings: PlatformSettings) -> Assembly:
    service = build_service(settings)

    async def on_stop() -> None:
        service.uow.engine.dispose()

    return Assembly(
        bindings=[
            ServiceBinding(
                RegistryServicer(service),
                registry_pb2_grpc.add_RegistryServiceServicer_to_server,
                SERVICE_NAME,
            )
        ],
        checks=[database_check(service.uow.engine)],
        on_stop=on_stop,
    )


def main() -> None:
    service_main(get_settings, assemble, migrations_dir=MIGRATIONS_DIR)


if __name__ == "__main__":
    main()
