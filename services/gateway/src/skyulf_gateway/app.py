"""The gateway app factory: REST in front of the gRPC services, and the built canvas at ``/``.

The gateway holds no business logic: every route decodes, makes one gRPC call, and encodes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from skyulf_gateway.api.routes import datasets, deployments, health, jobs, models, pipelines
from skyulf_gateway.clients import ServiceClients
from skyulf_gateway.errors import install_error_handlers
from skyulf_gateway.settings import GatewaySettings
from skyulf_platform.logs import new_request_id, request_id_var

API_PREFIX = "/api/v1"

_NO_FRONTEND = """<!doctype html><title>Skyulf</title>
<h1>Skyulf</h1><p>The API is up (<a href="/docs">/docs</a>), but the canvas has not been built:
run <code>make frontend</code>.</p>"""


def create_app(settings: GatewaySettings, clients: ServiceClients | None = None) -> FastAPI:
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
    install_error_handlers(app)

    @app.middleware("http")
    async def request_id(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        rid = request.headers.get("x-request-id") or new_request_id()
        token = request_id_var.set(rid)
        try:
            response = await call_next(request)
        finally:
            request_id_var.reset(token)
        response.headers["x-request-id"] = rid
        return response

    api = APIRouter(prefix=API_PREFIX)
    for module in (datasets, pipelines, jobs, models, deployments):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(health.router)

    index = settings.frontend_dir / "index.html"
    if index.is_file():
        app.mount("/", StaticFiles(directory=settings.frontend_dir, html=True), name="frontend")
    else:

        @app.get("/", response_class=HTMLResponse, include_in_schema=False)
        async def no_frontend() -> str:
            return _NO_FRONTEND

    return app
