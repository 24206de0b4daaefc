"""Composition root: ``python -m skyulf_deployment serve|migrate|predictor``.

``serve`` and ``migrate`` run the DeploymentService through the platform runtime; ``predictor``
runs the prediction server (Open Inference Protocol v2, REST on SKYULF_HTTP_PORT (8080) and gRPC
on SKYULF_GRPC_PORT (8081)).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from skyulf.deployment.v1 import deployment_pb2, deployment_pb2_grpc
from skyulf.registry.v1 import registry_pb2
from skyulf_deployment.batch import BatchScoring
from skyulf_deployment.drift import DriftReports
from skyulf_deployment.grpc.servicer import DeploymentServicer
from skyulf_deployment.peers import IngestionClient, PredictorClient, RegistryClient
from skyulf_deployment.settings import get_predictor_settings, get_settings
from skyulf_deployment.wiring import DRIFT_REPORT, SCORE_BATCH, build_service, celery_enqueue
from skyulf_platform.checks import database_check, peer_check
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.grpc.server import ServiceBinding
from skyulf_platform.logs import configure_logging
from skyulf_platform.runtime import Assembly, service_main
from skyulf_platform.settings import PlatformSettings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SERVICE_NAME = deployment_pb2.DESCRIPTOR.services_by_name["DeploymentService"].full_name
REGISTRY_SERVICE = registry_pb2.DESCRIPTOR.services_by_name["RegistryService"].full_name


async def assemble(settings: PlatformSettings) -> Assembly:
    service = build_service(settings)
    ingestion = IngestionClient.connect(settings.ingestion_addr)
    batch = BatchScoring(service, ingestion, celery_enqueue(settings, SCORE_BATCH))
    drift = DriftReports(service, ingestion, celery_enqueue(settings, DRIFT_REPORT))
    predictor = aio_channel(settings.predictor_addr)
    registry = aio_channel(settings.registry_addr)

    async def on_stop() -> None:
        await predictor.close()
        await registry.close()
        assert isinstance(service.registry, RegistryClient)
        service.registry.close()
        assert isinstance(service.loader, PredictorClient)
        service.loader.close()
        ingestion.close()
        service.uow.engine.dispose()

    return Assembly(
        bindings=[
            ServiceBinding(
                DeploymentServicer(service, predictor, batch, drift),
                deployment_pb2_grpc.add_DeploymentServiceServicer_to_server,
                SERVICE_NAME,
            )
        ],
        checks=[
            database_check(service.uow.engine),
            peer_check(registry, REGISTRY_SERVICE, "registry"),
        ],
        on_stop=on_stop,
    )


def run_predictor() -> None:
    from skyulf_deployment.predictor.server import serve

    settings = get_predictor_settings()
    configure_logging(settings.service_name, settings.log_level, settings.log_format)
    asyncio.run(serve(settings))


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["predictor"]:
        parser = argparse.ArgumentParser(prog="python -m skyulf_deployment predictor")
        parser.parse_args(args[1:])
        run_predictor()
        return
    if not args or args[0] in ("-h", "--help"):
        print(
            "usage: python -m skyulf_deployment {serve,migrate,predictor} ...\n\n"
            "  serve      run the DeploymentService (gRPC)\n"
            "  migrate    upgrade the deployment database to the latest schema\n"
            "  predictor  run the prediction server (Open Inference Protocol v2, REST + gRPC)"
        )
        if not args:
            raise SystemExit(2)
        return
    service_main(get_settings, assemble, migrations_dir=MIGRATIONS_DIR, argv=args)


if __name__ == "__main__":
    main()
