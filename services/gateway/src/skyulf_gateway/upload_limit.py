"""Refuses a dataset upload over the limit as its bytes arrive, before it is spooled whole.

A declared Content-Length over the limit is answered 413 at once; otherwise the body's bytes
are counted as the multipart parser pulls them; passing the limit stops the parser there (so
it never spools more than the limit) and the answer is a 413.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skyulf_errors import ErrorCode, SkyulfError
from skyulf_gateway.errors import envelope

# Multipart framing around the file: boundaries, part headers, the other fields.
OVERHEAD_BYTES = 64 * 1024
_UPLOAD_PATHS = re.compile(r"^/api/v1/datasets(/[^/]+/versions)?/?$")


def _too_large(limit: int) -> SkyulfError:
    return SkyulfError(
        f"the upload is larger than the limit of {limit} bytes",
        code=ErrorCode.PAYLOAD_TOO_LARGE,
        details={"field": "file", "limit_bytes": limit},
    )


class UploadLimitMiddleware:
    def __init__(self, app: ASGIApp, max_upload_bytes: int) -> None:
        self.app = app
        self.limit = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not _UPLOAD_PATHS.match(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        allowed = self.limit + OVERHEAD_BYTES
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > allowed:
            await envelope(_too_large(self.limit))(scope, receive, send)
            return
        received = 0
        exceeded = False
        answered = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > allowed:
                    exceeded = True
                    raise _too_large(self.limit)
            return message

        async def guarded_send(message: Message) -> None:
            # The form parser reports any failure as a 400; the real cause here is the size.
            nonlocal answered
            if not exceeded:
                await send(message)
            elif not answered:
                answered = True
                await envelope(_too_large(self.limit))(scope, receive, send)

        await self.app(scope, counting_receive, guarded_send)
