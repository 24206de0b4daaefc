"""Composition root: ``python -m skyulf_advisor serve``. The advisor keeps no state."""

from __future__ import annotations

from skyulf.advisor.v1 import advisor_pb2, advisor_pb2_grpc
from skyulf_advisor.grpc.servicer import AdvisorServicer
from skyulf_advisor.profiles import INGESTION_SERVICE, ProfileSource
from skyulf_advisor.service import AdvisorService
from skyulf_advisor.settings import AdvisorSettings, get_settings
from skyulf_platform.checks import peer_check
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.grpc.server import ServiceBinding
from skyulf_platform.runtime import Assembly, service_main
from skyulf_platform.settings import PlatformSettings

SERVICE_NAME = advisor_pb2.DESCRIPTOR.services_by_name["AdvisorService"].full_name


async def assemble(settings: PlatformSettings) -> Assembly:
    assert isinstance(settings, AdvisorSettings)
    channel = aio_channel(settings.ingestion_addr)
    profiles = ProfileSource(channel, timeout=settings.ingestion_timeout)

    async def on_stop() -> None:
        await channel.close()

    return Assembly(
        bindings=[
            ServiceBinding(
                AdvisorServicer(AdvisorService(), profiles),
                advisor_pb2_grpc.add_AdvisorServiceServicer_to_server,
                SERVICE_NAME,
            )
        ],
        checks=[peer_check(channel, INGESTION_SERVICE, "ingestion")],
        on_stop=on_stop,
    )


def main() -> None:
    service_main(get_settings, assemble)


if __name__ == "__main__":
    main()
