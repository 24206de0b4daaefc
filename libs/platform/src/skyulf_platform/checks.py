"""Health checks: a service reports SERVING only once all of its checks pass."""

from __future__ import annotations

import asyncio

from grpc import aio
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sqlalchemy import Engine

from skyulf_platform.artifacts.base import ArtifactStore
from skyulf_platform.db.engine import ping
from skyulf_platform.grpc.server import HealthCheck


def database_check(engine: Engine) -> HealthCheck:
    async def database() -> None:
        await asyncio.to_thread(ping, engine)

    return database


def artifact_store_check(store: ArtifactStore) -> HealthCheck:
    async def artifact_store() -> None:
        await asyncio.to_thread(store.ping)

    return artifact_store


def peer_check(channel: aio.Channel, service: str, label: str) -> HealthCheck:
    stub = health_pb2_grpc.HealthStub(channel)

    async def peer() -> None:
        resp = await stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=2.0)
        if resp.status != health_pb2.HealthCheckResponse.SERVING:
            raise RuntimeError(f"{label} is not serving")

    peer.__name__ = label
    return peer
