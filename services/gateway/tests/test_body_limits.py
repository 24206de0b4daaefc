"""Body limits: every JSON route refuses a body over ``max_body_bytes`` as it arrives, a chunked
one without Content-Length included, with a 413 in the error envelope, before anyone reads it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from skyulf_gateway.app import create_app
from skyulf_gateway.clients import ServiceClients
from skyulf_gateway.settings import GatewaySettings
from skyulf_gateway.testing import AUTH_HEADERS, accounts_with_admin_key
from skyulf_platform.stack import free_port

LIMIT = 4_096
UPLOAD_PATHS = {"/api/v1/datasets", "/api/v1/datasets/{dataset_id}/versions"}


@pytest.fixture
async def app_and_client(tmp_path: Path) -> AsyncIterator[tuple[object, httpx.AsyncClient]]:
    nobody = f"127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        data_dir=tmp_path,
        frontend_dir=tmp_path / "no-frontend",
        ingestion_addr=nobody,
        pipeline_addr=nobody,
        registry_addr=nobody,
        deployment_addr=nobody,
        advisor_addr=nobody,
        predictor_addr=nobody,
        max_body_bytes=LIMIT,
    )
    clients = ServiceClients.connect(settings)
    app = create_app(settings, clients, accounts_with_admin_key(settings))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as c:
        yield app, c
    await clients.close()


class Chunks:
    """A JSON string sent in chunks without Content-Length; counts what was pulled."""

    def __init__(self, chunks: int, size: int = 1_024) -> None:
        self.chunks, self.size, self.pulled = chunks, size, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'"'
        for _ in range(self.chunks):
            self.pulled += 1
            yield b"a" * self.size
        yield b'"'


def _too_large(resp: httpx.Response) -> None:
    assert resp.status_code == 413, resp.text
    err = resp.json()["error"]
    assert err["code"] == "PAYLOAD_TOO_LARGE", err
    assert err["details"] == {"field": "body", "limit_bytes": LIMIT}


async def test_every_json_route_refuses_an_oversized_chunked_body(
    app_and_client: tuple[object, httpx.AsyncClient],
) -> None:
    app, client = app_and_client
    checked = 0
    for context in iter_route_contexts(app.routes):  # type: ignore[attr-defined]
        route = context.original_route
        # A route without a body never reads one: nothing of it is buffered.
        if not isinstance(route, APIRoute) or route.body_field is None:
            continue
        path = str(context.path)
        for method in sorted((context.methods or set()) & {"POST", "PUT", "PATCH"}):
            if path in UPLOAD_PATHS and method == "POST":
                continue
            url = re.sub(r"\{[^}]+\}", "1", path)
            for headers in (AUTH_HEADERS, {}):
                body = Chunks(64)
                resp = await client.request(
                    method,
                    url,
                    content=body,
                    headers={**headers, "content-type": "application/json"},
                )
                assert resp.request.headers.get("content-length") is None
                _too_large(resp)
                # Refused as the bytes arrived: the rest of the body was never read.
                assert body.pulled < 64, (method, path, body.pulled)
            checked += 1
    assert checked >= 20, checked


async def test_a_declared_length_over_the_limit_is_refused_unread(
    app_and_client: tuple[object, httpx.AsyncClient],
) -> None:
    _, client = app_and_client
    resp = await client.post(
        "/api/v1/pipelines/validate", content=b"x" * (LIMIT + 1), headers=AUTH_HEADERS
    )
    _too_large(resp)


async def test_a_body_within_the_limit_goes_through(
    app_and_client: tuple[object, httpx.AsyncClient],
) -> None:
    _, client = app_and_client
    resp = await client.post(
        "/api/v1/auth/login",
        json={"username": "admin", "password": "x" * 1_000, "pad": "y" * 2_000},
    )
    assert resp.status_code == 401, resp.text
