"""Projects at the gateway: who may enter which, how a request picks one, keys bound to one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from skyulf_gateway.accounts import API_KEY_TTL_SECONDS
from skyulf_gateway.app import create_app
from skyulf_gateway.projects import Projects
from skyulf_gateway.security import CSRF_HEADER
from skyulf_gateway.settings import GatewaySettings
from skyulf_gateway.testing import AUTH_HEADERS, TEST_API_KEY, accounts_with_admin_key
from skyulf_platform.projects import DEFAULT_PROJECT, current_project

PASSWORD = "correct horse battery"
HEADER = "X-Skyulf-Project"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    from skyulf_gateway.api.routes import datasets

    # A route of a team's resources that tells which project it acts in.
    @datasets.router.get("/which/project")
    async def which() -> dict[str, str]:
        return {"project": current_project()}

    try:
        settings = GatewaySettings(data_dir=tmp_path, frontend_dir=tmp_path / "none")
        app = create_app(settings, accounts=accounts_with_admin_key(settings))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gw"
        ) as c:
            yield c
    finally:
        datasets.router.routes.pop()


WHICH = "/api/v1/datasets/which/project"


async def _user_in(c: httpx.AsyncClient, username: str, project: str) -> str:
    resp = await c.post(
        "/api/v1/users",
        json={"username": username, "password": PASSWORD, "role": "editor"},
        headers=AUTH_HEADERS,
    )
    assert resp.status_code == 201, resp.text
    uid = str(resp.json()["id"])
    resp = await c.post(
        f"/api/v1/projects/{project}/members", json={"user_id": uid}, headers=AUTH_HEADERS
    )
    assert resp.status_code == 201, resp.text
    resp = await c.delete(f"/api/v1/projects/{DEFAULT_PROJECT}/members/{uid}", headers=AUTH_HEADERS)
    assert uid not in [m["id"] for m in resp.json()["members"]]
    return uid


async def test_a_member_enters_only_their_projects_and_others_are_not_found(
    client: httpx.AsyncClient,
) -> None:
    c = client
    created = await c.post("/api/v1/projects", json={"name": "team-a"}, headers=AUTH_HEADERS)
    assert created.status_code == 201, created.text
    team_a = created.json()["id"]
    again = await c.post("/api/v1/projects", json={"name": "team-a"}, headers=AUTH_HEADERS)
    assert again.status_code == 409
    bad = await c.post("/api/v1/projects", json={"name": "team a\n"}, headers=AUTH_HEADERS)
    assert bad.status_code == 400 and bad.json()["error"]["details"]["field"] == "name"
    await _user_in(c, "ann", "team-a")

    # The admin key enters any project, and acts in the default one without the header.
    assert (await c.get(WHICH, headers=AUTH_HEADERS)).json() == {"project": DEFAULT_PROJECT}
    entered = await c.get(WHICH, headers={**AUTH_HEADERS, HEADER: "team-a"})
    assert entered.json() == {"project": team_a}

    login = await c.post("/api/v1/auth/login", json={"username": "ann", "password": PASSWORD})
    csrf = login.json()["csrf_token"]
    listed = (await c.get("/api/v1/projects")).json()
    assert [p["name"] for p in listed["projects"]] == ["team-a"] and listed["default"] == "team-a"
    assert (await c.get(WHICH)).json() == {"project": team_a}
    # Another team's project and one that does not exist answer alike.
    for name in (DEFAULT_PROJECT, "no-such-project"):
        for resp in (
            await c.get(WHICH, headers={HEADER: name}),
            await c.get(f"{WHICH}?project={name}"),
        ):
            assert resp.status_code == 404
            assert resp.json()["error"]["message"] == "project not found"
    refused = await c.post("/api/v1/projects", json={"name": "mine"}, headers={CSRF_HEADER: csrf})
    assert refused.status_code == 403

    # A key acts in the project it was made in, and in no other.
    key = await c.post(
        "/api/v1/api-keys",
        json={"name": "ci", "scopes": ["read"]},
        headers={CSRF_HEADER: csrf, HEADER: "team-a"},
    )
    assert key.status_code == 201 and key.json()["project"] == "team-a"
    c.cookies.clear()
    bearer = {"Authorization": f"Bearer {key.json()['key']}"}
    assert (await c.get(WHICH, headers=bearer)).json() == {"project": team_a}
    assert (await c.get(WHICH, headers={**bearer, HEADER: "team-a"})).status_code == 200
    assert (await c.get(WHICH, headers={**bearer, HEADER: DEFAULT_PROJECT})).status_code == 404
    listed = (await c.get("/api/v1/projects", headers=bearer)).json()
    assert [p["name"] for p in listed["projects"]] == ["team-a"]

    # Once its owner leaves the project, the key acts nowhere.
    ann = next(
        u["id"]
        for u in (await c.get("/api/v1/users", headers=AUTH_HEADERS)).json()["users"]
        if u["username"] == "ann"
    )
    await c.delete(f"/api/v1/projects/team-a/members/{ann}", headers=AUTH_HEADERS)
    assert (await c.get(WHICH, headers=bearer)).status_code == 404
    assert (await c.get("/api/v1/projects", headers=bearer)).json()["projects"] == []

    # Admins see every project.
    admin_list = (await c.get("/api/v1/projects", headers=AUTH_HEADERS)).json()
    assert {p["name"] for p in admin_list["projects"]} == {DEFAULT_PROJECT, "team-a"}


def test_an_entered_project_is_remembered_as_long_as_a_checked_key(tmp_path: Path) -> None:
    settings = GatewaySettings(data_dir=tmp_path, frontend_dir=tmp_path / "none")
    accounts = accounts_with_admin_key(settings)
    now = [100.0]
    projects = Projects(accounts.uow, clock=lambda: now[0])
    principal = accounts.api_key_principal(TEST_API_KEY)
    assert principal is not None
    assert projects.entered_recently(principal, None) is None
    entered = projects.enter(principal, None)
    assert entered.name == DEFAULT_PROJECT
    assert projects.entered_recently(principal, None) == entered
    assert projects.entered_recently(principal, "other") is None
    now[0] += API_KEY_TTL_SECONDS
    assert projects.entered_recently(principal, None) is None
