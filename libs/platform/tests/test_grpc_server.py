"""serve(): error mapping, request ids, health gated on dependency checks, reflection."""

from __future__ import annotations

import asyncio
import errno
import socket
from typing import NamedTuple

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from skyulf.advisor.v1 import advisor_pb2, advisor_pb2_grpc
from skyulf_errors import ErrorCode, NotFound
from skyulf_platform.errors import from_rpc_error
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.grpc.interceptors import ErrorMappingInterceptor
from skyulf_platform.grpc.server import LIVENESS_SERVICE, ServiceBinding, start_server
from skyulf_platform.logs import request_id_var
from skyulf_platform.metrics.grpc import MetricsInterceptor

SERVICE = "skyulf.advisor.v1.AdvisorService"


class _Advisor(advisor_pb2_grpc.AdvisorServiceServicer):
    seen_request_ids: list[str] = []

    async def GetRecommendations(self, request, context):  # type: ignore[no-untyped-def]
        self.seen_request_ids.append(request_id_var.get())
        if request.dataset_id == "missing":
            raise NotFound("dataset missing not found", details={"dataset_id": "missing"})
        if request.dataset_id == "boom":
            raise RuntimeError("secret internal detail")
        return advisor_pb2.GetRecommendationsResponse(dataset_id=request.dataset_id)


async def _start(checks=()):  # type: ignore[no-untyped-def]
    binding = ServiceBinding(
        _Advisor(), advisor_pb2_grpc.add_AdvisorServiceServicer_to_server, SERVICE
    )
    return await start_server(
        [binding], host="127.0.0.1", port=0, checks=checks, check_interval=0.1
    )


async def test_skyulf_errors_cross_the_wire_intact() -> None:
    running = await _start()
    try:
        async with aio_channel(f"127.0.0.1:{running.port}") as ch:
            stub = advisor_pb2_grpc.AdvisorServiceStub(ch)
            ok = await stub.GetRecommendations(
                advisor_pb2.GetRecommendationsRequest(dataset_id="d1")
            )
            assert ok.dataset_id == "d1"
            with pytest.raises(grpc.aio.AioRpcError) as info:
                await stub.GetRecommendations(
                    advisor_pb2.GetRecommendationsRequest(dataset_id="missing")
                )
            assert info.value.code() == grpc.StatusCode.NOT_FOUND
            err = from_rpc_error(info.value)
            assert err.code == ErrorCode.NOT_FOUND
            assert err.details == {"dataset_id": "missing"}

            with pytest.raises(grpc.aio.AioRpcError) as info:
                await stub.GetRecommendations(
                    advisor_pb2.GetRecommendationsRequest(dataset_id="boom")
                )
            assert info.value.code() == grpc.StatusCode.INTERNAL
            assert "secret" not in (info.value.details() or "")
    finally:
        await running.stop(0)


async def test_request_id_propagates_from_caller() -> None:
    running = await _start()
    token = request_id_var.set("rid-123")
    try:
        async with aio_channel(f"127.0.0.1:{running.port}") as ch:
            stub = advisor_pb2_grpc.AdvisorServiceStub(ch)
            await stub.GetRecommendations(advisor_pb2.GetRecommendationsRequest(dataset_id="x"))
        assert _Advisor.seen_request_ids[-1] == "rid-123"
    finally:
        request_id_var.reset(token)
        await running.stop(0)


async def test_health_is_serving_only_once_checks_pass() -> None:
    healthy = asyncio.Event()

    async def dependency() -> None:
        if not healthy.is_set():
            raise RuntimeError("database down")

    running = await _start(checks=[dependency])
    try:
        async with aio_channel(f"127.0.0.1:{running.port}") as ch:
            health = health_pb2_grpc.HealthStub(ch)
            await asyncio.sleep(0.3)
            resp = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE))
            assert resp.status == health_pb2.HealthCheckResponse.NOT_SERVING
            healthy.set()
            for _ in range(50):
                resp = await health.Check(health_pb2.HealthCheckRequest(service=""))
                if resp.status == health_pb2.HealthCheckResponse.SERVING:
                    break
                await asyncio.sleep(0.1)
            assert resp.status == health_pb2.HealthCheckResponse.SERVING
    finally:
        await running.stop(0)


async def test_liveness_does_not_follow_the_dependencies() -> None:
    """A failing dependency takes the service out of readiness, never out of liveness."""

    async def database() -> None:
        raise RuntimeError("database down")

    running = await _start(checks=[database])
    try:
        async with aio_channel(f"127.0.0.1:{running.port}") as ch:
            health = health_pb2_grpc.HealthStub(ch)
            await asyncio.sleep(0.3)
            ready = await health.Check(health_pb2.HealthCheckRequest(service=""))
            assert ready.status == health_pb2.HealthCheckResponse.NOT_SERVING
            live = await health.Check(health_pb2.HealthCheckRequest(service=LIVENESS_SERVICE))
            assert live.status == health_pb2.HealthCheckResponse.SERVING
    finally:
        await running.stop(0)


async def test_reflection_lists_the_service() -> None:
    running = await _start()
    try:
        async with aio_channel(f"127.0.0.1:{running.port}") as ch:
            stub = reflection_pb2_grpc.ServerReflectionStub(ch)

            async def requests():  # type: ignore[no-untyped-def]
                yield reflection_pb2.ServerReflectionRequest(list_services="")

            async for resp in stub.ServerReflectionInfo(requests()):
                names = {s.name for s in resp.list_services_response.service}
                assert SERVICE in names
                assert "grpc.health.v1.Health" in names
                break
    finally:
        await running.stop(0)


class _CallDetails(NamedTuple):
    method: str
    invocation_metadata: tuple[tuple[str, str], ...]


async def test_interceptors_wrap_a_method_once_and_again_when_its_handler_changes() -> None:
    async def behaviour(request: object, context: object) -> object:
        return request

    first = grpc.unary_unary_rpc_method_handler(behaviour)
    second = grpc.unary_unary_rpc_method_handler(behaviour)
    details = _CallDetails(f"/{SERVICE}/GetRecommendations", ())
    for interceptor in (ErrorMappingInterceptor(), MetricsInterceptor()):
        current = [first]

        async def continuation(
            _: grpc.HandlerCallDetails, current: list[grpc.RpcMethodHandler] = current
        ) -> grpc.RpcMethodHandler:
            return current[0]

        wrapped = await interceptor.intercept_service(continuation, details)
        assert wrapped is not first and wrapped.unary_unary is not behaviour
        assert await interceptor.intercept_service(continuation, details) is wrapped
        current[0] = second  # e.g. a refusal in between: wrapped anew, never the old wrapper
        again = await interceptor.intercept_service(continuation, details)
        assert again is not wrapped and again.unary_unary is not behaviour


def _bind_sharing(port: int) -> OSError | None:
    """What binding another SO_REUSEPORT socket to ``port`` raises, if anything."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError as e:
            return e
        return None


async def test_a_picked_port_is_never_shared_with_another_server() -> None:
    # With SO_REUSEPORT on a picked port, a second server could be given the same one and
    # each server's clients would reach the other.
    running = await _start()
    try:
        refused = _bind_sharing(running.port)
        assert refused is not None and refused.errno == errno.EADDRINUSE
    finally:
        await running.stop(0)


async def test_a_configured_port_can_be_shared_by_several_processes() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    binding = ServiceBinding(
        _Advisor(), advisor_pb2_grpc.add_AdvisorServiceServicer_to_server, SERVICE
    )
    running = await start_server([binding], host="127.0.0.1", port=port)
    try:
        assert running.port == port
        assert _bind_sharing(port) is None
    finally:
        await running.stop(0)
