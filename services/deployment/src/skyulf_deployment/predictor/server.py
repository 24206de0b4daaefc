"""Runs the prediction server: REST (uvicorn) and gRPC side by side over one data plane."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn
from grpc import aio

from inference import grpc_predict_v2_pb2, grpc_predict_v2_pb2_grpc
from skyulf.deployment.v1 import deployment_pb2, deployment_pb2_grpc
from skyulf.registry.v1 import registry_pb2
from skyulf_deployment.predictor.auth import ApiKeyVerifier
from skyulf_deployment.predictor.control import PredictorControlServicer, Warmup
from skyulf_deployment.predictor.dataplane import DataPlane
from skyulf_deployment.predictor.grpc_servicer import InferenceServicer
from skyulf_deployment.predictor.input_log import InputLog
from skyulf_deployment.predictor.lookups import PeerLookup
from skyulf_deployment.predictor.model_repository import BundleLoader, ModelRepository
from skyulf_deployment.predictor.rest import create_app
from skyulf_deployment.settings import PredictorSettings
from skyulf_platform.artifacts import open_store
from skyulf_platform.checks import artifact_store_check, peer_check
from skyulf_platform.grpc.auth import install_from_settings, installed
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.grpc.server import RunningServer, ServiceBinding, start_server
from skyulf_platform.metrics import serve_metrics
from skyulf_platform.metrics.http import MetricsMiddleware
from skyulf_platform.metrics.models import report_loaded_models

log = logging.getLogger(__name__)

INFERENCE_SERVICE = grpc_predict_v2_pb2.DESCRIPTOR.services_by_name[
    "GRPCInferenceService"
].full_name
DEPLOYMENT_SERVICE = deployment_pb2.DESCRIPTOR.services_by_name["DeploymentService"].full_name
PREDICTOR_SERVICE = deployment_pb2.DESCRIPTOR.services_by_name["PredictorService"].full_name
REGISTRY_SERVICE = registry_pb2.DESCRIPTOR.services_by_name["RegistryService"].full_name


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the predictor stops both transports itself."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class RunningPredictor:
    dataplane: DataPlane
    models: ModelRepository
    grpc: RunningServer
    http: _Server
    http_task: asyncio.Task[None]
    channels: list[aio.Channel]
    warmup: Warmup
    verifier: ApiKeyVerifier

    @property
    def grpc_port(self) -> int:
        return self.grpc.port

    @property
    def http_port(self) -> int:
        return int(self.http.servers[0].sockets[0].getsockname()[1])

    async def stop(self, grace: float = 10.0) -> None:
        await self.warmup.stop()
        self.http.should_exit = True
        await self.http_task
        await self.grpc.stop(grace)
        if self.dataplane.inputs is not None:
            await self.dataplane.inputs.stop()
        for channel in self.channels:
            await channel.close()
        await self.verifier.close()


async def start_predictor(settings: PredictorSettings) -> RunningPredictor:
    store = open_store(settings)
    deployment = aio_channel(settings.deployment_addr)
    registry = aio_channel(settings.registry_addr)
    models = ModelRepository(
        PeerLookup(deployment, registry),
        BundleLoader(store, settings.signing_key()),
        ttl_seconds=settings.deployment_ttl_seconds,
        max_models=settings.max_loaded_models,
    )
    report_loaded_models(models.loaded)
    warmup = Warmup(models)
    checks = [
        peer_check(deployment, DEPLOYMENT_SERVICE, "deployment"),
        peer_check(registry, REGISTRY_SERVICE, "registry"),
        artifact_store_check(store),
        warmup.check,
    ]
    inputs = InputLog(store, interval=settings.input_log_flush_seconds)
    dataplane = DataPlane(models, checks, inputs)
    credentials = installed()
    if credentials is None:
        raise RuntimeError("no service credentials installed")
    verifier = ApiKeyVerifier(settings.gateway_url, credentials, settings.predict_rate_per_minute)
    grpc_server = await start_server(
        [
            ServiceBinding(
                InferenceServicer(dataplane, verifier.grpc_project),
                grpc_predict_v2_pb2_grpc.add_GRPCInferenceServiceServicer_to_server,
                INFERENCE_SERVICE,
            ),
            ServiceBinding(
                PredictorControlServicer(models, dataplane.stats),
                deployment_pb2_grpc.add_PredictorServiceServicer_to_server,
                PREDICTOR_SERVICE,
            ),
        ],
        host=settings.host,
        port=settings.port(),
        checks=checks,
        reflection_enabled=settings.env != "production",
        bearer_verifier=verifier.grpc_verifier,
    )
    app = create_app(dataplane, verifier, settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, name="predictor")
    warmup.start()
    inputs.start()
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.rest_port(),
        log_config=None,
        access_log=False,
        lifespan="off",
    )
    http = _Server(config)
    http_task = asyncio.create_task(http.serve())
    while not http.started:
        if http_task.done():
            await http_task
            raise RuntimeError(f"REST server did not start on port {settings.rest_port()}")
        await asyncio.sleep(0.01)
    running = RunningPredictor(
        dataplane, models, grpc_server, http, http_task, [deployment, registry], warmup, verifier
    )
    log.info("prediction server: REST on %s:%d", settings.host, running.http_port)
    return running


async def serve(settings: PredictorSettings) -> None:
    serve_metrics(settings)
    install_from_settings(settings)
    running = await start_predictor(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("stopping: letting in-flight calls finish")
    await running.stop()
