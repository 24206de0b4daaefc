"""The web app's API client is generated from the gateway's OpenAPI document: the committed
document (frontend/openapi.json) must be exactly what the gateway serves at /openapi.json.
frontend/src/api/schema.test.ts checks the generated TypeScript against that document."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from skyulf_gateway.app import create_app
from skyulf_gateway.settings import GatewaySettings

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "frontend" / "openapi.json"


async def test_committed_openapi_matches_what_the_gateway_serves(tmp_path: Path) -> None:
    app = create_app(GatewaySettings(data_dir=tmp_path, frontend_dir=tmp_path / "none"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as c:
        served = (await c.get("/openapi.json")).json()
    committed = json.loads(COMMITTED.read_text())
    assert committed == served, "frontend/openapi.json is stale: run `make client`"


def test_generator_writes_the_committed_document(tmp_path: Path) -> None:
    out = tmp_path / "openapi.json"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_openapi.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    assert out.read_text() == COMMITTED.read_text(), "run `make client`"
