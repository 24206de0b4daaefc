"""Write the gateway's OpenAPI document to frontend/openapi.json (or --out).

`make client` runs this and then generates the web app's typed client from it
(frontend/src/api/schema.ts, with openapi-typescript). services/gateway/tests/test_openapi_snapshot.py
fails when the committed document differs from what the gateway serves at /openapi.json, and
frontend/src/api/schema.test.ts fails when schema.ts differs from what the document generates, so
the web app's client can never drift from the API.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from skyulf_gateway.app import create_app
from skyulf_gateway.settings import GatewaySettings

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "frontend" / "openapi.json"


def openapi_document() -> dict[str, Any]:
    return create_app(GatewaySettings()).openapi()


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    args.out.write_text(render(openapi_document()))


if __name__ == "__main__":
    main()
