"""Per-call metrics of a gRPC server: requests by method and status code, latency."""

from __future__ import annotations

import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from grpc import aio
from prometheus_client import Counter, Histogram

from skyulf_platform.grpc.wrapping import WrappingInterceptor

REQUESTS = Counter(
    "skyulf_grpc_server_requests",
    "gRPC calls handled, by service, method and status code.",
    ["grpc_service", "grpc_method", "grpc_code"],
)
LATENCY = Histogram(
    "skyulf_grpc_server_request_duration_seconds",
    "Time to handle a gRPC call (to its last message, for streams).",
    ["grpc_service", "grpc_method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)


def _split(method: str) -> tuple[str, str]:
    service, _, name = method.strip("/").rpartition("/")
    return service, name


def _code(context: aio.ServicerContext, failed: bool) -> str:
    code = context.code()
    if isinstance(code, grpc.StatusCode):
        return code.name
    return "UNKNOWN" if failed else "OK"


def _observe(method: str, context: aio.ServicerContext, start: float, failed: bool) -> None:
    service, name = _split(method)
    REQUESTS.labels(service, name, _code(context, failed)).inc()
    LATENCY.labels(service, name).observe(time.perf_counter() - start)


def _unary(behavior: Callable[..., Any], method: str) -> Callable[..., Awaitable[Any]]:
    # Handlers may be coroutines or plain functions (grpc_health's servicer is synchronous).
    async def wrapper(request: Any, context: aio.ServicerContext) -> Any:
        start, failed = time.perf_counter(), True
        try:
            result = behavior(request, context)
            if inspect.isawaitable(result):
                result = await result
            failed = False
            return result
        finally:
            _observe(method, context, start, failed)

    return wrapper


def _stream(behavior: Callable[..., Any], method: str) -> Callable[..., AsyncIterator[Any]]:
    async def wrapper(request: Any, context: aio.ServicerContext) -> AsyncIterator[Any]:
        start, failed = time.perf_counter(), True
        try:
            async for item in behavior(request, context):
                yield item
            failed = False
        finally:
            _observe(method, context, start, failed)

    return wrapper


class MetricsInterceptor(WrappingInterceptor):
    """Outermost server interceptor: it sees the status the error mapping chose."""

    def wrap_unary(self, behaviour: Any, method: str) -> Any:
        return _unary(behaviour, method)

    def wrap_stream(self, behaviour: Any, method: str) -> Any:
        return _stream(behaviour, method)
