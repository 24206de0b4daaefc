"""Security headers on every answer, and the Host check.

The web app is served with a Content-Security-Policy that allows only its own origin (styles may
be inline: the canvas and the charts position elements with style attributes) and may not be
framed (``frame-ancestors 'none'``, clickjacking); every answer says ``nosniff``. The API
documentation pages load their assets from a CDN, so they go without the CSP.

A request whose Host is not an allowed host is refused (400): a page on another site that
points its DNS name at 127.0.0.1 (DNS rebinding) cannot then talk to a local Skyulf. There is
no CORS middleware: browsers let no other origin read the API's answers.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skyulf_errors import InvalidArgument
from skyulf_gateway.errors import envelope

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_DOCS = ("/docs", "/redoc")
_ALWAYS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, allowed_hosts: list[str]) -> None:
        self.app = app
        self.any_host = "*" in allowed_hosts
        self.allowed_hosts = {h.lower() for h in allowed_hosts}

    def _host_ok(self, scope: Scope) -> bool:
        if self.any_host:
            return True
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.lower() in self.allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = list(_ALWAYS)
        if not str(scope.get("path", "")).startswith(_DOCS):
            headers.append((b"content-security-policy", CSP.encode()))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).extend(headers)
            await send(message)

        if not self._host_ok(scope):
            err = InvalidArgument(
                "this host name is not one Skyulf answers to (SKYULF_ALLOWED_HOSTS)",
                details={"field": "host"},
            )
            await envelope(err)(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)
