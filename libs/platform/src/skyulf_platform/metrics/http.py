"""Per-request metrics of an HTTP app (the gateway, the prediction server's REST face)."""

from __future__ import annotations

import re
import time
from collections.abc import MutableMapping
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter(
    "skyulf_http_requests",
    "HTTP requests served, by app, method, route template and status code.",
    ["app", "method", "route", "status"],
)
LATENCY = Histogram(
    "skyulf_http_request_duration_seconds",
    "Time to the end of the response, by app, method and route template.",
    ["app", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
ERRORS = Counter(
    "skyulf_http_errors",
    "HTTP responses with a 5xx status, or requests that failed before responding.",
    ["app", "method", "route"],
)


_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def _route_template(scope: MutableMapping[str, Any]) -> str:
    """The matched route's template with the prefix it was mounted or included under, e.g.
    ``/api/v1/datasets/{dataset_id}``; ``unmatched`` when no route matched."""
    template = getattr(scope.get("route"), "path", None)
    if not template:
        return "unmatched"
    params = scope.get("path_params") or {}
    rendered = _PARAM.sub(lambda m: str(params.get(m[1], m[0])), template)
    path: str = scope.get("path", "")
    prefix = path[: -len(rendered)] if rendered and path.endswith(rendered) else ""
    return f"{prefix}{template}"


class MetricsMiddleware:
    """Labels by route template (``/api/v1/datasets/{dataset_id}``), never by raw path, so the
    number of series stays bounded; unmatched paths count as ``unmatched``."""

    def __init__(self, app: ASGIApp, name: str) -> None:
        self.app, self.name = app, name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start, status = time.perf_counter(), 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = _route_template(scope)
            method = scope["method"]
            REQUESTS.labels(self.name, method, route, str(status)).inc()
            LATENCY.labels(self.name, method, route).observe(time.perf_counter() - start)
            if status >= 500:
                ERRORS.labels(self.name, method, route).inc()
