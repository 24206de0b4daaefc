"""The gateway app factory: REST in front of the gRPC services, and the built canvas at ``/``.

The gateway holds no business logic: every route decodes, makes one gRPC call, and encodes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skyulf_gateway.accounts import Accounts
from skyulf_gateway.api.routes import (
    api_keys,
    auth,
    batch_jobs,
    datasets,
    deployments,
    health,
    jobs,
    models,
    pipelines,
    projects,
    users,
)
from skyulf_gateway.body_limits import GatewayBodyLimits
from skyulf_gateway.clients import ServiceClients
from skyulf_gateway.errors import REQUEST_ID_SCOPE_KEY, install_error_handlers
from skyulf_gateway.headers import SecurityHeadersMiddleware
from skyulf_gateway.projects import Projects
from skyulf_gateway.security import authorize, enter_project
from skyulf_gateway.settings import GatewaySettings
from skyulf_platform.body_limit import BodyLimitMiddleware
from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.uow import UnitOfWork
from skyulf_platform.logs import new_request_id, request_id_var
from skyulf_platform.metrics.http import MetricsMiddleware
from skyulf_platform.projects import project_var
from skyulf_platform.ratelimit import RateLimiter

API_PREFIX = "/api/v1"

_NO_FRONTEND = """<!doctype html><title>Skyulf</title>
<h1>Skyulf</h1><p>The API is up (<a href="/docs">/docs</a>), but the canvas has not been built:
run <code>make frontend</code>.</p>"""


class RequestIdMiddleware:
    """Takes the caller's ``x-request-id`` (or makes one), exposes it to logs and gRPC calls, and
    echoes it on the response; starts the request in no project (the routes' dependency enters
    one). Plain ASGI: no per-request task or body buffering."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = ""
        for key, value in scope["headers"]:
            if key == b"x-request-id":
                rid = value.decode("latin-1")[:128]
                break
        rid = rid or new_request_id()
        # Kept on the scope too: the last-resort error handler runs outside this middleware.
        scope[REQUEST_ID_SCOPE_KEY] = rid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", rid.encode()))
            await send(message)

        token = request_id_var.set(rid)
        project = project_var.set("")
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            project_var.reset(project)
            request_id_var.reset(token)


_API_ROOTS = frozenset({"api", "v2", "healthz", "docs", "openapi.json"})


class SinglePageApp(StaticFiles):
    """The built web app: its files, and ``index.html`` for any other path that is not the API's,
    so a deep link (``/datasets/<id>``) or a reload opens the page the router then draws."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A path under the API that no route took is the API's 404, whatever the method. The
        # request's own path decides, not the normalised one (``/api/../x`` would read ``x``).
        if str(scope.get("path", "")).lstrip("/").split("/", 1)[0] in _API_ROOTS:
            raise StarletteHTTPException(status_code=404)
        await super().__call__(scope, receive, send)

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except StarletteHTTPException as e:
            if e.status_code != 404 or "." in path.rsplit("/", 1)[-1]:
                raise
            return await super().get_response("index.html", scope)


def _without_422(app: FastAPI) -> None:
    """FastAPI documents a 422 for every route with inputs, but the gateway answers invalid input
    with 400 and the error envelope (``errors.py``), which each route declares: drop the 422."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = generate()
            for path in spec.get("paths", {}).values():
                for operation in path.values():
                    operation.get("responses", {}).pop("422", None)
            schemas = spec.get("components", {}).get("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                schemas.pop(name, None)
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def open_accounts(settings: GatewaySettings) -> Accounts:
    """The accounts store on the gateway's database (migrated by ``python -m skyulf_gateway
    migrate``)."""
    return Accounts(
        UnitOfWork(make_engine(settings.resolved_database_url())),
        timedelta(hours=settings.session_ttl_hours),
    )


def create_app(
    settings: GatewaySettings,
    clients: ServiceClients | None = None,
    accounts: Accounts | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = clients is None
        app.state.clients = clients or ServiceClients.connect(settings)
        try:
            yield
        finally:
            if own:
                await app.state.clients.close()

    app = FastAPI(
        title="Skyulf",
        version="0.1.0",
        summary="Self-hosted visual MLOps: datasets, pipelines, models, deployments.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    if clients is not None:
        app.state.clients = clients
    app.state.accounts = accounts or open_accounts(settings)
    app.state.projects = Projects(app.state.accounts.uow)
    app.state.login_limiter = RateLimiter(
        settings.login_attempts_per_minute, 60.0, "sign-in attempts"
    )
    rate = settings.predict_rate_per_minute
    app.state.predict_limiter = RateLimiter(rate, 60.0, "predictions") if rate else None
    install_error_handlers(app)

    app.add_middleware(BodyLimitMiddleware, limit_for=GatewayBodyLimits(settings))
    app.add_middleware(SecurityHeadersMiddleware, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(MetricsMiddleware, name="gateway")

    # Default deny: every route on these routers, whichever module adds it, needs a signed-in
    # caller with the permission its method (or its @needs mark) asks for. The
    # public list is security.PUBLIC_PATHS, and tests hold the app to it. A team's resources
    # are reached in one project only; accounts and projects themselves are not in one.
    # Each router is included straight into the app (one level, not two: FastAPI matches a
    # request against every route of each level it passes), deployments first: every
    # prediction is matched against the routes before its own.
    for module in (deployments, datasets, pipelines, jobs, models, batch_jobs):
        app.include_router(module.router, prefix=API_PREFIX, dependencies=[Depends(enter_project)])
    for module in (auth, api_keys, users, projects):
        app.include_router(module.router, prefix=API_PREFIX, dependencies=[Depends(authorize)])
    app.include_router(auth.public, prefix=API_PREFIX)
    app.include_router(health.router)
    _without_422(app)

    index = settings.frontend_dir / "index.html"
    if index.is_file():
        app.mount("/", SinglePageApp(directory=settings.frontend_dir, html=True), name="frontend")
    else:

        @app.get("/", response_class=HTMLResponse, include_in_schema=False)
        async def no_frontend() -> str:
            return _NO_FRONTEND

    return app
