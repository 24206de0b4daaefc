"""Server and client interceptors: request ids and the project in, SkyulfErrors out as mapped
statuses."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from grpc import aio

from skyulf_errors import ErrorCode, SkyulfError
from skyulf_platform.errors import GRPC_STATUS, error_trailer, from_rpc_error
from skyulf_platform.grpc.auth import TOKEN_PREFIX, bearer_token, with_credentials
from skyulf_platform.grpc.wrapping import WrappingInterceptor
from skyulf_platform.logs import new_request_id, request_id_var
from skyulf_platform.projects import (
    DEFAULT_PROJECT,
    PROJECT_KEY,
    project_from_metadata,
    project_var,
)

log = logging.getLogger(__name__)

REQUEST_ID_KEY = "x-request-id"


def _request_id(context: aio.ServicerContext) -> str:
    for key, value in context.invocation_metadata() or ():
        if key == REQUEST_ID_KEY and isinstance(value, str) and value:
            return value
    return new_request_id()


def _project(context: aio.ServicerContext) -> str:
    """The project the metadata names, trusted only from another Skyulf process (a call with
    an API key, which the prediction server takes, acts in the key's project: it sets that)."""
    metadata = context.invocation_metadata()
    token = bearer_token(metadata)
    if token is None or not token.startswith(TOKEN_PREFIX):
        return DEFAULT_PROJECT
    return project_from_metadata(metadata)


async def _abort(context: aio.ServicerContext, err: Exception, method: str) -> None:
    if isinstance(err, SkyulfError):
        skyulf_err = err
        if err.code == ErrorCode.INTERNAL:
            log.error("internal error in %s: %s", method, err, exc_info=err)
    else:
        log.error("unhandled error in %s", method, exc_info=err)
        skyulf_err = SkyulfError(
            f"internal error (request id {request_id_var.get()})", code=ErrorCode.INTERNAL
        )
    context.set_trailing_metadata(error_trailer(skyulf_err))
    await context.abort(GRPC_STATUS[skyulf_err.code], skyulf_err.message)


def _wrap_unary(
    behavior: Callable[[Any, aio.ServicerContext], Awaitable[Any]], method: str
) -> Callable[[Any, aio.ServicerContext], Awaitable[Any]]:
    async def wrapper(request: Any, context: aio.ServicerContext) -> Any:
        token = request_id_var.set(_request_id(context))
        project = project_var.set(_project(context))
        try:
            return await behavior(request, context)
        except aio.AbortError:
            raise
        except Exception as e:
            await _abort(context, e, method)
        finally:
            project_var.reset(project)
            request_id_var.reset(token)

    return wrapper


def _wrap_stream(
    behavior: Callable[[Any, aio.ServicerContext], AsyncIterator[Any]], method: str
) -> Callable[[Any, aio.ServicerContext], AsyncIterator[Any]]:
    async def wrapper(request: Any, context: aio.ServicerContext) -> AsyncIterator[Any]:
        token = request_id_var.set(_request_id(context))
        project = project_var.set(_project(context))
        try:
            async for item in behavior(request, context):
                yield item
        except aio.AbortError:
            raise
        except Exception as e:
            await _abort(context, e, method)
        finally:
            project_var.reset(project)
            request_id_var.reset(token)

    return wrapper


class ErrorMappingInterceptor(WrappingInterceptor):
    """Sets the request id for logging and the project the call acts in, and turns raised errors
    into mapped gRPC statuses."""

    passthrough = ("/grpc.health", "/grpc.reflection")

    def wrap_unary(self, behaviour: Any, method: str) -> Any:
        return _wrap_unary(behaviour, method)

    def wrap_stream(self, behaviour: Any, method: str) -> Any:
        return _wrap_stream(behaviour, method)


def _with_request_id(details: aio.ClientCallDetails) -> aio.ClientCallDetails:
    """The call's metadata plus the request id, the project and this process's service
    credential."""
    rid = request_id_var.get()
    project = project_var.get()
    metadata = with_credentials(details.metadata)
    if rid or project:
        metadata = aio.Metadata(*(metadata or ()))
        if rid and REQUEST_ID_KEY not in metadata:
            metadata.add(REQUEST_ID_KEY, rid)
        if project and PROJECT_KEY not in metadata:
            metadata.add(PROJECT_KEY, project)
    if metadata is details.metadata:
        return details
    return aio.ClientCallDetails(
        details.method, details.timeout, metadata, details.credentials, details.wait_for_ready
    )


# A unary call without a deadline of its own gets this one, so that a peer that hangs turns into
# DEADLINE_EXCEEDED instead of a request that never returns.
DEFAULT_UNARY_TIMEOUT = 120.0


class RequestIdUnaryUnary(aio.UnaryUnaryClientInterceptor):
    async def intercept_unary_unary(self, continuation, client_call_details, request):  # type: ignore[no-untyped-def]
        details = _with_request_id(client_call_details)
        if details.timeout is None:
            details = aio.ClientCallDetails(
                details.method,
                DEFAULT_UNARY_TIMEOUT,
                details.metadata,
                details.credentials,
                details.wait_for_ready,
            )
        return await continuation(details, request)


class RequestIdUnaryStream(aio.UnaryStreamClientInterceptor):
    async def intercept_unary_stream(self, continuation, client_call_details, request):  # type: ignore[no-untyped-def]
        return await continuation(_with_request_id(client_call_details), request)


class RequestIdStreamUnary(aio.StreamUnaryClientInterceptor):
    async def intercept_stream_unary(self, continuation, client_call_details, request_iterator):  # type: ignore[no-untyped-def]
        return await continuation(_with_request_id(client_call_details), request_iterator)


class TranslateErrorsUnaryUnary(aio.UnaryUnaryClientInterceptor):
    """Raises the SkyulfError a peer sent (or one naming the unreachable service) instead of the
    raw gRPC error, so callers handle one error type."""

    def __init__(self, service: str) -> None:
        self.service = service

    async def intercept_unary_unary(self, continuation, client_call_details, request):  # type: ignore[no-untyped-def]
        call = await continuation(client_call_details, request)
        try:
            return await call
        except grpc.RpcError as e:
            raise from_rpc_error(e, service=self.service) from e


def client_interceptors(service: str | None = None) -> list[aio.ClientInterceptor]:
    # Translation sits innermost so the request-id interceptors see the call as sent.
    chain: list[aio.ClientInterceptor] = [
        RequestIdUnaryUnary(),
        RequestIdUnaryStream(),
        RequestIdStreamUnary(),
    ]
    if service is not None:
        # Client-streaming calls can't be intercepted this way: wrap them in `translated()`.
        chain.append(TranslateErrorsUnaryUnary(service))
    return chain
