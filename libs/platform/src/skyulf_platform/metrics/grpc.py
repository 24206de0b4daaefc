"""Per-call metrics of a gRPC server: requests by method and status code, latency."""

from __future__ import annotations

import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from grpc import aio
from prometheus_client import Counter, Histogram

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


class MetricsInterceptor(aio.ServerInterceptor):
    """Outermost server interceptor: it sees the status the error mapping chose."""

    def __init__(self) -> None:
        # method -> (the handler it wrapped, the wrapper): built once, not on every call.
        self._wrapped: dict[str, tuple[grpc.RpcMethodHandler, grpc.RpcMethodHandler]] = {}

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None or handler_call_details.method.startswith("/grpc.reflection"):
            return handler
        method = handler_call_details.method
        cached = self._wrapped.get(method)
        if cached is not None and cached[0] is handler:
            return cached[1]
        wrapped = _wrap(handler, method)
        self._wrapped[method] = (handler, wrapped)
        return wrapped


def _wrap(handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
    kw = {
        "request_deserializer": handler.request_deserializer,
        "response_serializer": handler.response_serializer,
    }
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(_unary(handler.unary_unary, method), **kw)
    if handler.stream_unary:
        return grpc.stream_unary_rpc_method_handler(_unary(handler.stream_unary, method), **kw)
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(_stream(handler.unary_stream, method), **kw)
    if handler.stream_stream:
        return grpc.stream_stream_rpc_method_handler(_stream(handler.stream_stream, method), **kw)
    return handler
