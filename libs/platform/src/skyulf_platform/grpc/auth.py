"""Service credentials: every internal gRPC call carries a signed, short-lived token.

A token is ``skyulf-svc.v1.<caller>.<expiry>.<hmac>``, signed with a key every Skyulf process
derives from the platform's signing key (:meth:`PlatformSettings.service_credentials_key`). It
travels as ``authorization: Bearer <token>`` metadata. The server interceptor refuses a call
without a valid one (UNAUTHENTICATED), except for the short public list (health probes, and
reflection where it is on), or when a ``bearer_verifier`` accepts the token instead (the
prediction server accepts API keys that way).

A process installs its credentials once, in its composition root (:func:`install`): every
channel it opens then speaks as that process, and every server it starts checks with the same
key. A server started before any credentials are installed refuses to start: there is no open
default.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import grpc
from grpc import aio

from skyulf_errors import SkyulfError
from skyulf_platform.errors import GRPC_STATUS
from skyulf_platform.settings import PlatformSettings

AUTHORIZATION_KEY = "authorization"
TOKEN_PREFIX = "skyulf-svc.v1."
TOKEN_TTL_S = 300
# A cached token is re-minted when it has less than this left, so no call leaves with a token
# about to expire.
_REFRESH_MARGIN_S = 60
# Clock difference between pods that is still accepted.
_CLOCK_SKEW_S = 30

PUBLIC_METHOD_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")
"""Methods callable without credentials: health probes (kubelet and load balancers speak no
Skyulf) and server reflection, which is only registered outside production."""

BearerVerifier = Callable[[str, str], Awaitable[bool]]
"""Given a token that is not a service token and the method called: whether to let it in."""


class ServiceCredentials:
    """Mints and checks service tokens with one key."""

    def __init__(self, key: bytes, caller: str, ttl_s: int = TOKEN_TTL_S) -> None:
        if len(key) < 32:
            raise ValueError("the service credentials key must be at least 32 bytes")
        if "." in caller or not caller:
            raise ValueError(f"caller name {caller!r} must be non-empty and contain no '.'")
        self._key = key
        self.caller = caller
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._token = ""
        self._expires = 0

    @property
    def key(self) -> bytes:
        return self._key

    @classmethod
    def from_settings(cls, settings: PlatformSettings) -> ServiceCredentials:
        return cls(settings.service_credentials_key(), settings.service_name)

    def _sign(self, body: str) -> str:
        return hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()

    def mint(self, now: float | None = None) -> str:
        expires = int((time.time() if now is None else now) + self.ttl_s)
        body = f"{TOKEN_PREFIX}{self.caller}.{expires}"
        return f"{body}.{self._sign(body)}"

    def token(self) -> str:
        """A valid token, cached until close to its expiry."""
        now = time.time()
        with self._lock:
            if now > self._expires - _REFRESH_MARGIN_S:
                self._token = self.mint(now)
                self._expires = int(now + self.ttl_s)
            return self._token

    def verify(self, token: str, now: float | None = None) -> str | None:
        """The caller's name if ``token`` is genuine and unexpired, else None."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        body, _, sig = token.rpartition(".")
        if not hmac.compare_digest(sig, self._sign(body)):
            return None
        caller, _, expires = body[len(TOKEN_PREFIX) :].rpartition(".")
        try:
            expiry = int(expires)
        except ValueError:
            return None
        now = time.time() if now is None else now
        if expiry < now or expiry > now + self.ttl_s + _CLOCK_SKEW_S:
            return None
        return caller


_installed: ServiceCredentials | None = None


def install(credentials: ServiceCredentials | None) -> None:
    """Makes ``credentials`` the ones this process's channels send and servers check."""
    global _installed
    _installed = credentials


def install_from_settings(settings: PlatformSettings) -> ServiceCredentials:
    credentials = ServiceCredentials.from_settings(settings)
    install(credentials)
    return credentials


def installed() -> ServiceCredentials | None:
    return _installed


def bearer_token(metadata: Iterable[tuple[str, Any]] | None) -> str | None:
    """The token of an ``authorization: Bearer <token>`` entry, if any."""
    for key, value in metadata or ():
        if key == AUTHORIZATION_KEY and isinstance(value, str):
            scheme, _, token = value.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


def outgoing_metadata() -> tuple[tuple[str, str], ...]:
    """The metadata entry that authenticates a call from this process (empty if none)."""
    creds = _installed
    return ((AUTHORIZATION_KEY, f"Bearer {creds.token()}"),) if creds is not None else ()


def _has_authorization(metadata: Iterable[tuple[str, Any]] | None) -> bool:
    return any(key == AUTHORIZATION_KEY for key, _ in metadata or ())


def with_credentials(metadata: Any) -> aio.Metadata | None:
    """``metadata`` plus this process's token, unless the caller already set an authorization
    (a prediction client sending its API key)."""
    creds = _installed
    if creds is None or _has_authorization(metadata):
        return metadata  # type: ignore[no-any-return]
    out = aio.Metadata(*(metadata or ()))
    out.add(AUTHORIZATION_KEY, f"Bearer {creds.token()}")
    return out


class AuthInterceptor(aio.ServerInterceptor):
    """Refuses every call that is not public and carries no valid credential."""

    def __init__(
        self,
        credentials: ServiceCredentials,
        *,
        bearer_verifier: BearerVerifier | None = None,
        public_prefixes: tuple[str, ...] = PUBLIC_METHOD_PREFIXES,
    ) -> None:
        self.credentials = credentials
        self.bearer_verifier = bearer_verifier
        self.public_prefixes = public_prefixes

    async def _allowed(self, metadata: Iterable[tuple[str, Any]] | None, method: str) -> bool:
        token = bearer_token(metadata)
        if token is None:
            return False
        if self.credentials.verify(token) is not None:
            return True
        if self.bearer_verifier is not None and not token.startswith(TOKEN_PREFIX):
            return await self.bearer_verifier(token, method)
        return False

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        method = handler_call_details.method
        if method.startswith(self.public_prefixes):
            return await continuation(handler_call_details)
        status = grpc.StatusCode.UNAUTHENTICATED
        message = f"{method} requires credentials: a service token or an API key as 'authorization'"
        try:
            if await self._allowed(handler_call_details.invocation_metadata, method):
                return await continuation(handler_call_details)
        except SkyulfError as e:
            # The key was read, and refused for a stated reason: a key without the scope, too
            # many calls, or nobody reachable to check it.
            status, message = GRPC_STATUS[e.code], e.message
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        return _refusing(handler, status, message)


def _refusing(
    handler: grpc.RpcMethodHandler, status: grpc.StatusCode, message: str
) -> grpc.RpcMethodHandler:
    async def unary(request: Any, context: aio.ServicerContext) -> Any:
        await context.abort(status, message)

    async def stream(request: Any, context: aio.ServicerContext) -> Any:
        await context.abort(status, message)
        yield  # pragma: no cover - makes this an async generator

    kw = {
        "request_deserializer": handler.request_deserializer,
        "response_serializer": handler.response_serializer,
    }
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(unary, **kw)
    if handler.stream_unary:
        return grpc.stream_unary_rpc_method_handler(unary, **kw)
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(stream, **kw)
    return grpc.stream_stream_rpc_method_handler(stream, **kw)


class _SyncCallDetails(grpc.ClientCallDetails):  # type: ignore[misc]
    def __init__(self, base: grpc.ClientCallDetails, metadata: Any) -> None:
        self.method = base.method
        self.timeout = base.timeout
        self.metadata = metadata
        self.credentials = base.credentials
        self.wait_for_ready = getattr(base, "wait_for_ready", None)
        self.compression = getattr(base, "compression", None)


def _sync_details(details: grpc.ClientCallDetails) -> grpc.ClientCallDetails:
    if _installed is None or _has_authorization(details.metadata):
        return details
    return _SyncCallDetails(details, [*(details.metadata or ()), *outgoing_metadata()])


class SyncCredentialsInterceptor(
    grpc.UnaryUnaryClientInterceptor,  # type: ignore[misc]
    grpc.UnaryStreamClientInterceptor,  # type: ignore[misc]
    grpc.StreamUnaryClientInterceptor,  # type: ignore[misc]
    grpc.StreamStreamClientInterceptor,  # type: ignore[misc]
):
    """Adds this process's service token to every call on a blocking channel."""

    def intercept_unary_unary(self, continuation, client_call_details, request):  # type: ignore[no-untyped-def]
        return continuation(_sync_details(client_call_details), request)

    def intercept_unary_stream(self, continuation, client_call_details, request):  # type: ignore[no-untyped-def]
        return continuation(_sync_details(client_call_details), request)

    def intercept_stream_unary(self, continuation, client_call_details, request_iterator):  # type: ignore[no-untyped-def]
        return continuation(_sync_details(client_call_details), request_iterator)

    def intercept_stream_stream(self, continuation, client_call_details, request_iterator):  # type: ignore[no-untyped-def]
        return continuation(_sync_details(client_call_details), request_iterator)
