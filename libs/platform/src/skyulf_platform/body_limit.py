"""Refuses a request body over its limit as the bytes arrive, before the rest is read.

One plain ASGI middleware for every HTTP app (the gateway, the prediction server's REST face). A
declared Content-Length over the limit is answered 413 at once; otherwise the body's bytes are
counted as the app pulls them (a chunked body has no Content-Length), and passing the limit stops
the reading there: the app's receive raises, whatever the app would answer is dropped, and the
answer is a 413 in the error envelope ``{"error": {"code", "message", "details"}}``.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skyulf_errors import ErrorCode, SkyulfError
from skyulf_platform.errors import HTTP_STATUS


class BodyLimit:
    """A limit in bytes, the slack allowed over it (framing around an uploaded file) and the
    field the error names."""

    def __init__(self, limit: int, field: str = "body", slack: int = 0) -> None:
        self.limit = limit
        self.field = field
        self.allowed = limit + slack

    def error(self) -> SkyulfError:
        what = "the upload" if self.field == "file" else "the request body"
        return SkyulfError(
            f"{what} is larger than the limit of {self.limit} bytes",
            code=ErrorCode.PAYLOAD_TOO_LARGE,
            details={"field": self.field, "limit_bytes": self.limit},
        )


def _respond(err: SkyulfError) -> JSONResponse:
    return JSONResponse({"error": err.to_dict()}, status_code=HTTP_STATUS[err.code])


class BodyLimitMiddleware:
    """``limit_for(scope)`` chooses the limit of each request (by path)."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[Scope], BodyLimit]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = dict(scope["headers"]).get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > limit.allowed:
            await _respond(limit.error())(scope, receive, send)
            return
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit.allowed:
                    exceeded = True
                    raise limit.error()
            return message

        async def guarded_send(message: Message) -> None:
            # Whatever the app makes of the failed read (a parser's 400, a 500), the cause is the
            # size: its answer is dropped and the 413 goes out below.
            nonlocal started
            if exceeded and not started:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await _respond(limit.error())(scope, receive, send)
