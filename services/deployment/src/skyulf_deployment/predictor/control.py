"""PredictorService: lets the deployment service have a version loaded before traffic moves to
it, and the models of every active endpoint loaded before the server reports Ready."""

from __future__ import annotations

import asyncio
import logging
import os
import socket

from google.protobuf.timestamp_pb2 import Timestamp
from grpc import aio

from skyulf.deployment.v1 import deployment_pb2 as pb
from skyulf.deployment.v1 import deployment_pb2_grpc
from skyulf_deployment.endpoints import endpoint_key
from skyulf_deployment.predictor.model_repository import ModelRepository
from skyulf_deployment.predictor.stats import EndpointStats

log = logging.getLogger(__name__)

RETRY_SECONDS = 1.0


class PredictorControlServicer(deployment_pb2_grpc.PredictorServiceServicer):
    def __init__(self, models: ModelRepository, stats: EndpointStats) -> None:
        self.models = models
        self.stats = stats
        self.server = f"{socket.gethostname()}:{os.getpid()}"

    async def LoadModelVersion(
        self, request: pb.LoadModelVersionRequest, context: aio.ServicerContext
    ) -> pb.LoadModelVersionResponse:
        loaded = await self.models.preload(request.model_name, request.model_version)
        return pb.LoadModelVersionResponse(runtime=loaded.pipeline.runtime)

    async def GetEndpointStats(
        self, request: pb.GetEndpointStatsRequest, context: aio.ServicerContext
    ) -> pb.GetEndpointStatsResponse:
        since = Timestamp()
        since.FromDatetime(self.stats.since)
        return pb.GetEndpointStatsResponse(
            name=request.name,
            since=since,
            server=self.server,
            versions=[
                pb.VersionStats(
                    version=version,
                    requests=c.requests,
                    errors=c.errors,
                    rows=c.rows,
                    latency_mean_ms=c.latency_mean_ms,
                    latency_p50_ms=c.percentile(0.5),
                    latency_p95_ms=c.percentile(0.95),
                    recent_latency_ms=c.recent_ms,
                )
                for version, c in self.stats.of(endpoint_key(request.name)).items()
            ],
        )


class Warmup:
    """Loads every active endpoint's models at start (retrying until the deployment service
    answers); :meth:`check` is a readiness check failing until that is done."""

    def __init__(self, models: ModelRepository) -> None:
        self.models = models
        self.done = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            try:
                failed = await self.models.warm()
            except Exception as e:
                log.info("waiting for the deployment service to list endpoints: %s", e)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            if failed:
                log.error("endpoints not loaded at start: %s", ", ".join(failed))
            self.done.set()
            return

    async def check(self) -> None:
        if not self.done.is_set():
            raise RuntimeError("the models of the active endpoints are still loading")

    async def stop(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
