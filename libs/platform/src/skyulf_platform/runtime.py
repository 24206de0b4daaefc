"""The command line every service shares: ``python -m skyulf_<svc> serve|migrate``."""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from skyulf_platform.db.migrations import upgrade
from skyulf_platform.grpc.auth import install_from_settings
from skyulf_platform.grpc.server import HealthCheck, ServiceBinding, serve_forever
from skyulf_platform.logs import configure_logging
from skyulf_platform.metrics import serve_metrics
from skyulf_platform.settings import PlatformSettings

log = logging.getLogger(__name__)


@dataclass
class Assembly:
    """What a composition root hands to the runtime."""

    bindings: Sequence[ServiceBinding]
    checks: Sequence[HealthCheck] = ()
    on_stop: Callable[[], Awaitable[None]] | None = None
    extra: dict[str, object] = field(default_factory=dict)


def migrate(settings: PlatformSettings, migrations_dir: Path) -> None:
    url = settings.resolved_database_url()
    upgrade(migrations_dir, url, settings.service_name)
    log.info("migrated %s database", settings.service_name)


def service_main(
    settings_factory: Callable[[], PlatformSettings],
    assemble: Callable[[PlatformSettings], Awaitable[Assembly]],
    *,
    migrations_dir: Path | None = None,
    argv: Sequence[str] | None = None,
) -> None:
    settings = settings_factory()
    parser = argparse.ArgumentParser(prog=f"python -m skyulf_{settings.service_name}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve_p = sub.add_parser("serve", help="run the gRPC service")
    serve_p.add_argument("--migrate", action="store_true", help="migrate the database first")
    if migrations_dir is not None:
        sub.add_parser("migrate", help="upgrade the database to the latest schema")
    args = parser.parse_args(argv)
    configure_logging(settings.service_name, settings.log_level, settings.log_format)
    if args.command == "migrate" or getattr(args, "migrate", False):
        assert migrations_dir is not None
        migrate(settings, migrations_dir)
        if args.command == "migrate":
            return

    async def run() -> None:
        serve_metrics(settings)
        install_from_settings(settings)
        assembly = await assemble(settings)
        await serve_forever(
            assembly.bindings,
            host=settings.host,
            port=settings.port(),
            checks=assembly.checks,
            on_stop=assembly.on_stop,
            reflection_enabled=settings.env != "production",
        )

    asyncio.run(run())
