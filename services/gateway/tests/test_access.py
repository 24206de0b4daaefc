"""Default deny: every route of the app refuses a caller without credentials, except the short
public list; roles, key scopes, CSRF, revocation, rate limits and storage of secrets."""

from __future__ import annotations

import os
import stat
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import text
from starlette.routing import Mount, Route

from skyulf_gateway.app import create_app
from skyulf_gateway.clients import ServiceClients
from skyulf_gateway.security import (
    CSRF_HEADER,
    PUBLIC_PATHS,
    SAFE_METHODS,
    SESSION_COOKIE,
    require_admin,
    require_service,
)
from skyulf_gateway.settings import GatewaySettings
from skyulf_gateway.testing import AUTH_HEADERS, TEST_API_KEY, accounts_with_admin_key
from skyulf_platform.stack import free_port

# Served without a caller besides PUBLIC_PATHS: the API description and the web app's files.
DOCS_PATHS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
PASSWORD = "correct horse battery"
LOGOUT = "/api/v1/auth/logout"


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
        login_attempts_per_minute=5,
    )
    clients = ServiceClients.connect(settings)
    app = create_app(settings, clients, accounts_with_admin_key(settings))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as c:
        yield app, c
    await clients.close()


def _concrete(path: str) -> str:
    parts = [("x" if p.startswith("{") else p) for p in path.split("/")]
    return "/".join(parts).replace("{", "").replace("}", "")


async def test_every_route_refuses_a_caller_without_credentials(
    app_and_client: tuple[object, httpx.AsyncClient],
) -> None:
    app, client = app_and_client
    checked = 0
    routes = list(iter_route_contexts(app.routes))  # type: ignore[attr-defined]
    for context in routes:
        route = context.original_route
        if isinstance(route, Mount):
            assert route.path in ("", "/"), f"unexpected mount {route.path}"
            continue
        if isinstance(route, APIRoute):
            path = str(context.path)
            if path in PUBLIC_PATHS or path == "/":  # "/": the web app's page
                continue
            for method in context.methods or ():
                resp = await client.request(method, _concrete(path))
                assert resp.status_code == 401, (method, path, resp.status_code, resp.text)
                assert resp.json()["error"]["code"] == "UNAUTHENTICATED"
                # A forged or unknown key is no better than none.
                resp = await client.request(
                    method, _concrete(path), headers={"Authorization": "Bearer sky_forged"}
                )
                assert resp.status_code == 401, (method, path)
                checked += 1
        elif isinstance(route, Route):
            assert route.path in DOCS_PATHS | {"/"}, f"{route.path} is outside the public list"
        else:
            raise AssertionError(f"a route of unknown kind: {route!r}")
    assert checked > 40
    # Every entry of the public list is a real route: the list cannot go stale unnoticed.
    assert {str(c.path) for c in routes} >= PUBLIC_PATHS


async def test_a_route_added_later_is_protected_without_edits(tmp_path: Path) -> None:
    """A module that adds a route to one of the API routers gets authentication for free."""
    from skyulf_gateway.api.routes import datasets

    @datasets.router.get("/added/by/someone/else")
    async def added() -> dict[str, str]:
        return {"ok": "yes"}

    try:
        settings = GatewaySettings(data_dir=tmp_path, frontend_dir=tmp_path / "none")
        app = create_app(settings, accounts=accounts_with_admin_key(settings))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gw"
        ) as c:
            path = "/api/v1/datasets/added/by/someone/else"
            assert (await c.get(path)).status_code == 401
            assert (await c.get(path, headers=AUTH_HEADERS)).json() == {"ok": "yes"}
    finally:
        datasets.router.routes.pop()


async def _login(c: httpx.AsyncClient, username: str, password: str = PASSWORD) -> str:
    resp = await c.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert resp.status_code == 200, resp.text
    cookie = resp.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    return str(resp.json()["csrf_token"])


async def _user(c: httpx.AsyncClient, username: str, role: str) -> str:
    resp = await c.post(
        "/api/v1/users",
        json={"username": username, "password": PASSWORD, "role": role},
        headers=AUTH_HEADERS,
    )
    assert resp.status_code == 201, resp.text
    return str(resp.json()["id"])


async def test_sessions_need_the_csrf_token_for_changes(
    app_and_client: tuple[object, httpx.AsyncClient],
) -> None:
    _, c = app_and_client
    await _user(c, "edna", "editor")
    csrf = await _login(c, "edna")
    me = (await c.get("/api/v1/auth/me")).json()
    assert me["username"] == "edna" and me["role"] == "editor" and me["csrf_token"] == csrf
    body = {"name": "k1", "scopes": ["read"]}
    refused = await c.post("/api/v1/api-keys", json=body)
    assert refused.status_code == 403 and refused.json()["error"]["details"]["field"] == CSRF_HEADER
    wrong = await c.post("/api/v1/api-keys", json=body, headers={CSRF_HEADER: "nope"})
    assert wrong.status_code == 403
    ok = await c.post("/api/v1/api-keys", json=body, headers={CSRF_HEADER: csrf})
    assert ok.status_code == 201
    assert (await c.post("/api/v1/auth/logout", headers={CSRF_HEADER: csrf})).status_code == 204
    assert (await c.get("/api/v1/auth/me")).status_code == 401


async def test_roles(app_and_client: tuple[object, httpx.AsyncClient]) -> None:
    _, c = app_and_client
    await _user(c, "vera", "viewer")
    await _user(c, "eddie", "editor")
    csrf = await _login(c, "vera")
    # A viewer reads (the services behind are down: 503, past authorization) but never writes.
    assert (await c.get("/api/v1/datasets")).status_code == 503
    resp = await c.post("/api/v1/pipelines", json={}, headers={CSRF_HEADER: csrf})
    assert resp.status_code == 403 and resp.json()["error"]["details"]["permission"] == "write"
    assert (await c.get("/api/v1/users")).status_code == 403
    # An editor writes but manages no users.
    csrf = await _login(c, "eddie")
    resp = await c.post("/api/v1/pipelines", json={}, headers={CSRF_HEADER: csrf})
    assert resp.status_code not in (401, 403)
    assert (await c.get("/api/v1/users")).status_code == 403
    resp = await c.post(
        "/api/v1/users",
        json={"username": "mallory", "password": PASSWORD, "role": "admin"},
        headers={CSRF_HEADER: csrf},
    )
    assert resp.status_code == 403
    # An editor cannot mint a key with more than their role.
    resp = await c.post(
        "/api/v1/api-keys",
        json={"name": "too much", "scopes": ["admin"]},
        headers={CSRF_HEADER: csrf},
    )
    assert resp.status_code == 400 and resp.json()["error"]["details"]["field"] == "scopes"


async def test_api_keys_are_scoped_shown_once_revocable_and_hashed(
    app_and_client: tuple[object, httpx.AsyncClient],
) -> None:
    app, c = app_and_client
    created = await c.post(
        "/api/v1/api-keys",
        json={"name": "predictions", "scopes": ["predict"]},
        headers=AUTH_HEADERS,
    )
    assert created.status_code == 201
    key = created.json()["key"]
    headers = {"Authorization": f"Bearer {key}"}
    listed = (await c.get("/api/v1/api-keys", headers=AUTH_HEADERS)).json()["keys"]
    assert all("key" not in k for k in listed)
    assert key not in str(listed)
    # A predict-only key reads nothing.
    resp = await c.get("/api/v1/datasets", headers=headers)
    assert resp.status_code == 403 and resp.json()["error"]["details"]["permission"] == "read"
    resp = await c.post("/api/v1/deployments/x/predict", json={"rows": []}, headers=headers)
    assert resp.status_code not in (401, 403)
    # Stored as a hash only.
    engine = app.state.accounts.uow.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        dump = str(conn.execute(text("SELECT * FROM api_keys")).fetchall())
        users = str(conn.execute(text("SELECT * FROM users")).fetchall())
    assert key not in dump and TEST_API_KEY not in dump and PASSWORD not in users
    # Revoked: refused at once.
    revoked = await c.delete(f"/api/v1/api-keys/{created.json()['id']}", headers=AUTH_HEADERS)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert (
        await c.post("/api/v1/deployments/x/predict", json={}, headers=headers)
    ).status_code == 401


async def test_a_disabled_user_is_signed_out(
    app_and_client: tuple[object, httpx.AsyncClient],
) -> None:
    _, c = app_and_client
    user_id = await _user(c, "dora", "editor")
    await _login(c, "dora")
    resp = await c.patch(f"/api/v1/users/{user_id}", json={"disabled": True}, headers=AUTH_HEADERS)
    assert resp.status_code == 200 and resp.json()["disabled"] is True
    assert (await c.get("/api/v1/auth/me")).status_code == 401
    resp = await c.post("/api/v1/auth/login", json={"username": "dora", "password": PASSWORD})
    assert resp.status_code == 401


async def test_login_is_rate_limited(app_and_client: tuple[object, httpx.AsyncClient]) -> None:
    _, c = app_and_client
    await _user(c, "gina", "viewer")
    codes = [
        (
            await c.post("/api/v1/auth/login", json={"username": "gina", "password": "wrong" * 3})
        ).status_code
        for _ in range(7)
    ]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    # Even the right password waits out the window.
    resp = await c.post("/api/v1/auth/login", json={"username": "gina", "password": PASSWORD})
    assert resp.status_code == 429 and resp.json()["error"]["code"] == "RATE_LIMITED"


async def test_wrong_username_and_wrong_password_look_alike(
    app_and_client: tuple[object, httpx.AsyncClient],
) -> None:
    _, c = app_and_client
    await _user(c, "hank", "viewer")
    a = await c.post("/api/v1/auth/login", json={"username": "hank", "password": "x" * 12})
    b = await c.post("/api/v1/auth/login", json={"username": "nobody", "password": "x" * 12})
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json()
    assert SESSION_COOKIE not in a.headers.get("set-cookie", "")


def test_first_admin_password_file_is_private(tmp_path: Path) -> None:
    settings = GatewaySettings(data_dir=tmp_path)
    accounts = accounts_with_admin_key(settings)
    accounts.bootstrap(api_key=TEST_API_KEY, data_dir=tmp_path, first_admin=True)
    path = tmp_path / "initial-admin-password"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    username, password = path.read_text().split()
    assert username == "admin"
    accounts.login(username, password)
    # A second start keeps the admin and the bootstrap key, creating nothing new.
    path.unlink()
    accounts.bootstrap(api_key=TEST_API_KEY, data_dir=tmp_path, first_admin=True)
    assert not path.exists()
    assert [u.username for u in accounts.list_users()] == ["bootstrap", "admin"]
    assert len(accounts.list_api_keys(None)) == 1


async def test_security_headers_and_the_host_check(tmp_path: Path) -> None:
    settings = GatewaySettings(
        data_dir=tmp_path, frontend_dir=tmp_path / "none", allowed_hosts=["127.0.0.1"]
    )
    app = create_app(settings, accounts=accounts_with_admin_key(settings))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as c:
        page = await c.get("/")
        assert page.headers["x-content-type-options"] == "nosniff"
        csp = page.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        refused = await c.get("/api/v1/datasets")
        assert refused.headers["x-frame-options"] == "DENY"
    async with httpx.AsyncClient(transport=transport, base_url="http://evil.example") as c:
        resp = await c.get("/healthz")
        assert resp.status_code == 400 and resp.json()["error"]["details"]["field"] == "host"


async def test_predictions_are_rate_limited_per_caller(tmp_path: Path) -> None:
    nobody = f"127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        data_dir=tmp_path,
        frontend_dir=tmp_path / "none",
        deployment_addr=nobody,
        predictor_addr=nobody,
        predict_rate_per_minute=2,
    )
    clients = ServiceClients.connect(settings)
    app = create_app(settings, clients, accounts_with_admin_key(settings))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://gw", headers=AUTH_HEADERS
    ) as c:
        codes = [
            (await c.post("/api/v1/deployments/d1/predict", json={"rows": [{"a": 1}]})).status_code
            for _ in range(3)
        ]
    await clients.close()
    assert codes[:2] == [503, 503] and codes[2] == 429


def _required(route: APIRoute, method: str) -> set[str]:
    """The permissions a route asks for: its @needs mark, else read for safe methods and write
    for the others; and admin for the routes that depend on it."""

    def calls(dependant: Any) -> Iterator[Any]:
        for dep in dependant.dependencies:
            yield dep.call
            yield from calls(dep)

    if require_service in set(calls(route.dependant)):
        return {"service"}  # no user or key has it: a Skyulf process's credential only
    default = "read" if method in SAFE_METHODS else "write"
    needed = {str(getattr(route.endpoint, "__skyulf_permission__", default))} - {""}
    return needed | ({"admin"} if require_admin in set(calls(route.dependant)) else set())


async def test_every_route_refuses_callers_without_its_permission(
    app_and_client: tuple[object, httpx.AsyncClient],
) -> None:
    """Every route and method, for callers of each kind: a viewer's session, and keys with one
    scope each. One without the permission gets 403 naming it; one with it gets past."""
    app, c = app_and_client
    await _user(c, "vic", "viewer")
    csrf = await _login(c, "vic")
    session = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
        base_url="http://gw",
        cookies=dict(c.cookies),
    )
    c.cookies.clear()
    callers: dict[str, tuple[set[str], dict[str, str], httpx.AsyncClient]] = {
        "viewer session": ({"read", "predict"}, {CSRF_HEADER: csrf}, session),
    }
    for scope in ("read", "write", "predict"):
        created = await c.post(
            "/api/v1/api-keys", json={"name": scope, "scopes": [scope]}, headers=AUTH_HEADERS
        )
        key = created.json()["key"]
        callers[f"{scope} key"] = ({scope}, {"Authorization": f"Bearer {key}"}, c)
    refused = allowed = 0
    for context in iter_route_contexts(app.routes):  # type: ignore[attr-defined]
        route, path = context.original_route, str(context.path)
        # Signing out (any caller may) would end the session the walk goes on with.
        if not isinstance(route, APIRoute) or path in {*PUBLIC_PATHS, "/", LOGOUT}:
            continue
        for method in sorted(context.methods or ()):
            needed = _required(route, method)
            for name, (can, headers, client) in callers.items():
                resp = await client.request(
                    method,
                    _concrete(path),
                    json={} if method not in SAFE_METHODS else None,
                    headers=headers,
                )
                where = (name, method, path, resp.status_code, resp.text[:200])
                if needed <= can:
                    assert resp.status_code not in (401, 403), where
                    allowed += 1
                elif needed == {"service"}:
                    assert resp.status_code == 401, where
                    refused += 1
                else:
                    assert resp.status_code == 403, where
                    assert resp.json()["error"]["details"]["permission"] in needed - can, where
                    refused += 1
    await session.aclose()
    assert refused > 100 and allowed > 50, (refused, allowed)
