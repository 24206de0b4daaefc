"""Server interceptors that wrap each method's behaviour: one wrapper per method, built once.

A subclass names how a unary-response and a streaming-response behaviour are wrapped; this base
rebuilds the method handler around them (keeping its (de)serializers) the first time a method is
called, and reuses it while the server hands out the same handler.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from grpc import aio

Behaviour = Callable[..., Any]


class WrappingInterceptor(aio.ServerInterceptor):
    # Methods left as they are (their path starts with one of these).
    passthrough: tuple[str, ...] = ("/grpc.reflection",)

    def __init__(self) -> None:
        # method -> (the handler it wrapped, the wrapper)
        self._wrapped: dict[str, tuple[grpc.RpcMethodHandler, grpc.RpcMethodHandler]] = {}

    @abstractmethod
    def wrap_unary(self, behaviour: Behaviour, method: str) -> Behaviour:
        """A unary- or stream-request, single-response behaviour, wrapped."""

    @abstractmethod
    def wrap_stream(self, behaviour: Behaviour, method: str) -> Behaviour:
        """A behaviour answering with a stream, wrapped."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method.startswith(self.passthrough):
            return handler
        cached = self._wrapped.get(method)
        if cached is not None and cached[0] is handler:
            return cached[1]
        wrapped = self._rewrap(handler, method)
        self._wrapped[method] = (handler, wrapped)
        return wrapped

    def _rewrap(self, handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
        kw = {
            "request_deserializer": handler.request_deserializer,
            "response_serializer": handler.response_serializer,
        }
        if handler.unary_unary:
            unary = self.wrap_unary(handler.unary_unary, method)
            return grpc.unary_unary_rpc_method_handler(unary, **kw)
        if handler.stream_unary:
            unary = self.wrap_unary(handler.stream_unary, method)
            return grpc.stream_unary_rpc_method_handler(unary, **kw)
        if handler.unary_stream:
            stream = self.wrap_stream(handler.unary_stream, method)
            return grpc.unary_stream_rpc_method_handler(stream, **kw)
        if handler.stream_stream:
            stream = self.wrap_stream(handler.stream_stream, method)
            return grpc.stream_stream_rpc_method_handler(stream, **kw)
        return handler
