"""Inputs the services behind the gateway cannot carry are a 400 at the gateway, and the OpenAPI
document says what the routes answer (found by tests/e2e/test_api_fuzz.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from skyulf_gateway.app import create_app
from skyulf_gateway.clients import ServiceClients
from skyulf_gateway.settings import GatewaySettings
from skyulf_gateway.testing import AUTH_HEADERS, accounts_with_admin_key
from skyulf_platform.stack import free_port

DATASET_ID = "5f0b8a52-3d0e-4f0c-9a39-2b8f4a6c1d11"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """Every service is down: a request that gets past the gateway's checks is a 503."""
    nobody = f"127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        data_dir=tmp_path,
        frontend_dir=tmp_path / "no-frontend",
        ingestion_addr=nobody,
        pipeline_addr=nobody,
        registry_addr=nobody,
        deployment_addr=nobody,
        advisor_addr=nobody,
    )
    clients = ServiceClients.connect(settings)
    transport = httpx.ASGITransport(
        app=create_app(settings, clients, accounts_with_admin_key(settings))
    )
    async with httpx.AsyncClient(
        transport=transport, base_url="http://gw", headers=AUTH_HEADERS
    ) as c:
        yield c
    await clients.close()


def _json(body: str) -> dict[str, object]:
    return {"content": body.encode(), "headers": {"content-type": "application/json"}}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/jobs", '{"dataset_id": "\\ud800", "graph": {"nodes": []}}'),
        ("/api/v1/deployments", '{"model_name": "m", "name": "a\\udc00"}'),
        ("/api/v1/deployments/d/predict", '{"rows": [{"\\ud800": 1}]}'),
    ],
)
async def test_lone_surrogate_in_a_body_is_400(
    client: httpx.AsyncClient, path: str, body: str
) -> None:
    resp = await client.post(path, **_json(body))  # type: ignore[arg-type]
    assert resp.status_code == 400, resp.text
    err = resp.json()["error"]
    assert err["code"] == "INVALID_ARGUMENT"
    assert err["details"]["field"] == "body"
    assert "lone surrogate" in err["message"]


async def test_surrogate_pair_is_a_character(client: httpx.AsyncClient) -> None:
    body = '{"model_name": "m", "name": "\\ud83d\\ude00"}'
    resp = await client.post("/api/v1/deployments", **_json(body))  # type: ignore[arg-type]
    assert resp.status_code == 503, resp.text  # accepted, then deployment is unreachable


async def test_malformed_json_names_the_body_not_an_offset(client: httpx.AsyncClient) -> None:
    resp = await client.post("/api/v1/jobs", **_json('{"dataset_id": '))  # type: ignore[arg-type]
    assert resp.status_code == 400
    err = resp.json()["error"]
    assert err["details"]["field"] == "body"
    assert err["message"].startswith("invalid request: body: the body is not valid JSON at")


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/api/v1/datasets", {"params": {"offset": 2**31}}),
        ("GET", "/api/v1/jobs", {"params": {"offset": 2**31}}),
        ("GET", "/api/v1/models", {"params": {"offset": 2**31}}),
        ("GET", f"/api/v1/jobs/{DATASET_ID}/events", {"params": {"after": 2**63}}),
        ("POST", "/api/v1/deployments", {"json": {"model_name": "m", "model_version": 2**31}}),
        ("GET", "/api/v1/models/m/versions/2147483648", {}),
        ("GET", "/api/v1/models/m/versions/²", {}),
        ("GET", "/api/v1/models/m/versions/0", {}),
    ],
)
async def test_numbers_beyond_the_wire_types_are_400(
    client: httpx.AsyncClient, method: str, path: str, kwargs: dict[str, object]
) -> None:
    resp = await client.request(method, path, **kwargs)  # type: ignore[arg-type]
    assert resp.status_code == 400, resp.text
    assert resp.json()["error"]["code"] == "INVALID_ARGUMENT"


async def test_openapi_declares_the_error_envelope_not_422(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    envelope = {"$ref": "#/components/schemas/ErrorEnvelope"}
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            responses = op["responses"]
            assert "422" not in responses, (method, path)
            if path.startswith("/api/v1"):
                assert "5XX" in responses, (method, path)
            for status, resp in responses.items():
                if status.startswith(("4", "5")):
                    assert resp["content"]["application/json"]["schema"] == envelope
    events = spec["paths"]["/api/v1/jobs/{job_id}/events"]["get"]["responses"]["200"]
    assert list(events["content"]) == ["text/event-stream"]
    offset = spec["paths"]["/api/v1/datasets"]["get"]["parameters"][1]["schema"]
    assert offset["maximum"] == 2**31 - 1
