"""The service credential interceptor on a real server: refused without, accepted with."""

from __future__ import annotations

import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from skyulf.advisor.v1 import advisor_pb2, advisor_pb2_grpc
from skyulf_platform.grpc.auth import ServiceCredentials, installed
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.grpc.server import ServiceBinding, start_server


class _Advisor(advisor_pb2_grpc.AdvisorServiceServicer):
    async def GetRecommendations(self, request, context):  # type: ignore[no-untyped-def]
        return advisor_pb2.GetRecommendationsResponse(dataset_id="ok")


async def test_calls_need_a_valid_service_token() -> None:
    binding = ServiceBinding(_Advisor(), advisor_pb2_grpc.add_AdvisorServiceServicer_to_server, "x")
    running = await start_server([binding], host="127.0.0.1", port=0, reflection_enabled=False)
    target = f"127.0.0.1:{running.port}"
    request = advisor_pb2.GetRecommendationsRequest()
    try:
        async with grpc.aio.insecure_channel(target) as raw:
            stub = advisor_pb2_grpc.AdvisorServiceStub(raw)
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await stub.GetRecommendations(request)
            assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
            other = ServiceCredentials(b"x" * 32, "intruder").mint()
            expired = installed().mint(now=time.time() - 3600)  # type: ignore[union-attr]
            for token in (other, expired, "garbage"):
                with pytest.raises(grpc.aio.AioRpcError) as err:
                    await stub.GetRecommendations(
                        request, metadata=(("authorization", f"Bearer {token}"),)
                    )
                assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
            # Health stays public.
            health = health_pb2_grpc.HealthStub(raw)
            await health.Check(health_pb2.HealthCheckRequest(service="liveness"))
        async with aio_channel(target) as channel:  # sends this process's credential
            reply = await advisor_pb2_grpc.AdvisorServiceStub(channel).GetRecommendations(request)
            assert reply.dataset_id == "ok"
    finally:
        await running.stop(0)


async def test_a_server_without_credentials_refuses_to_start() -> None:
    from skyulf_platform.grpc import auth

    saved = auth.installed()
    auth.install(None)
    try:
        with pytest.raises(RuntimeError, match="no service credentials"):
            await start_server([], host="127.0.0.1", port=0)
    finally:
        auth.install(saved)
