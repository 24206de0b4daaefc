"""Composition root: ``python -m skyulf_ingestion serve|migrate``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf_ingestion.grpc.servicer import IngestionServicer
from skyulf_ingestion.service import IngestionService
from skyulf_ingestion.settings import IngestionSettings, get_settings
from skyulf_ingestion.wiring import build_service, celery_enqueue
from skyulf_platform.checks import artifact_store_check, database_check
from skyulf_platform.grpc.server import ServiceBinding
from skyulf_platform.runtime import Assembly, service_main
from skyulf_platform.settings import PlatformSettings

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SERVICE_NAME = ingestion_pb2.DESCRIPTOR.services_by_name["IngestionService"].full_name


async def sweep_periodically(service: IngestionService, interval: float, deadline: float) -> None:
    """Fail datasets stuck PENDING past the deadline, every ``interval`` seconds."""
    while True:
        try:
            await asyncio.to_thread(service.fail_stuck, deadline)
        except Exception:
            # The database may be down for a moment: try again on the next sweep.
            log.exception("could not look for datasets stuck PENDING")
        await asyncio.sleep(interval)


async def assemble(settings: PlatformSettings) -> Assembly:
    assert isinstance(settings, IngestionSettings)
    service = build_service(settings, enqueue=celery_enqueue(settings))
    sweeper = asyncio.create_task(
        sweep_periodically(
            service, settings.pending_sweep_interval_seconds, settings.pending_deadline_seconds
        ),
        name="ingestion-pending-sweep",
    )

    async def on_stop() -> None:
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper
        service.uow.engine.dispose()

    return Assembly(
        bindings=[
            ServiceBinding(
                IngestionServicer(service),
                ingestion_pb2_grpc.add_IngestionServiceServicer_to_server,
                SERVICE_NAME,
            )
        ],
        checks=[database_check(service.uow.engine), artifact_store_check(service.store)],
        on_stop=on_stop,
    )


def main() -> None:
    service_main(get_settings, assemble, migrations_dir=MIGRATIONS_DIR)


if __name__ == "__main__":
    main()
