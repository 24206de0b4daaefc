from __future__ import annotations

import asyncio

from fastapi import APIRouter
from grpc_health.v1 import health_pb2

from skyulf_gateway import schemas as s
from skyulf_gateway.clients import SERVICES
from skyulf_gateway.deps import ClientsDep

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=s.Health)
async def healthz(clients: ClientsDep) -> s.Health:
    """Each service's gRPC health; the gateway itself is up if this answers at all."""

    async def one(name: str) -> str:
        try:
            resp = await clients.health(name).Check(
                health_pb2.HealthCheckRequest(service=""), timeout=1.5
            )
        except Exception:
            return "UNREACHABLE"
        return str(health_pb2.HealthCheckResponse.ServingStatus.Name(resp.status))

    states = await asyncio.gather(*(one(n) for n in SERVICES))
    services = dict(zip(SERVICES, states, strict=True))
    ok = all(v == "SERVING" for v in services.values())
    return s.Health(status="ok" if ok else "degraded", services=services)  # type: ignore[arg-type]
