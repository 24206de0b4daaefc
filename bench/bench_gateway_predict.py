"""What the gateway itself spends on a ``/predict`` call, in process: the whole ASGI app (every
middleware, routing, authentication, the project, body parsing, records to tensors and back),
with the deployment service and the prediction server answered from memory, so only the
gateway's own CPU is timed.

    .venv/bin/python bench/bench_gateway_predict.py [--requests 2000] [--profile]

Rows are breast cancer's 30 numbers and a category column. ``--profile`` prints cProfile's
top functions for the one-row call.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sklearn.datasets import load_breast_cancer

import skyulf_platform.inference.records as records
from skyulf.deployment.v1 import deployment_pb2
from skyulf_gateway.app import create_app
from skyulf_gateway.settings import GatewaySettings
from skyulf_gateway.testing import TEST_API_KEY, accounts_with_admin_key

PATH = "/api/v1/deployments/d1/predict"
DEPLOYMENT = deployment_pb2.Deployment(
    id="d1",
    name="bench",
    model_name="bench",
    model_version=1,
    status=deployment_pb2.DEPLOYMENT_STATUS_ACTIVE,
)


def rows(n: int) -> list[dict[str, Any]]:
    frame = load_breast_cancer(as_frame=True).frame.drop(columns=["target"])
    frame["cat"] = (["a", "b", "c"] * 200)[: len(frame)]
    out: list[dict[str, Any]] = json.loads(frame.head(n).to_json(orient="records"))
    return out


class _Deployment:
    async def GetDeployment(self, request: Any) -> Any:
        return SimpleNamespace(deployment=DEPLOYMENT)


class _Predictor:
    def __init__(self, n: int) -> None:
        # The answer a prediction server gives: one label per row.
        answer = records.pb.ModelInferResponse(model_name="bench", model_version="1")
        tensor = answer.outputs.add(name=records.PREDICT)
        records.write_column(tensor, records.plain_column(records.PREDICT, [1] * n))
        self.answer = answer

    async def ModelInfer(self, request: Any) -> Any:
        return self.answer


async def measure(n_rows: int, requests: int, profile: bool) -> float:
    body = json.dumps({"rows": rows(n_rows)}).encode()
    with tempfile.TemporaryDirectory() as tmp:
        settings = GatewaySettings(data_dir=Path(tmp), frontend_dir=Path(tmp) / "none")
        clients = SimpleNamespace(deployment=_Deployment(), predictor=_Predictor(n_rows))
        app = create_app(settings, clients, accounts_with_admin_key(settings))  # type: ignore[arg-type]
        headers = [
            (b"host", b"gw"),
            (b"authorization", f"Bearer {TEST_API_KEY}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]

        async def call() -> None:
            scope = {
                "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                "method": "POST", "scheme": "http", "path": PATH, "raw_path": PATH.encode(),
                "query_string": b"", "root_path": "", "headers": headers,
                "client": ("127.0.0.1", 1), "server": ("gw", 80), "app": app, "state": {},
            }  # fmt: skip
            messages = [{"type": "http.request", "body": body, "more_body": False}]
            sent: list[Any] = []

            async def receive() -> Any:
                return messages.pop() if messages else await asyncio.Event().wait()

            async def send(message: Any) -> None:
                sent.append(message)

            await app(scope, receive, send)
            if sent[0]["status"] != 200:
                raise RuntimeError(f"/predict answered {sent[0]['status']}: {sent[1]['body']!r}")

        for _ in range(min(200, requests)):
            await call()
        started = time.perf_counter()
        for _ in range(requests):
            await call()
        per_call = (time.perf_counter() - started) / requests
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(requests):
                await call()
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return per_call


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    ns = parser.parse_args()
    print("| rows | gateway µs per /predict |\n|---:|---:|")
    for n in (1, 100):
        requests = ns.requests if n == 1 else ns.requests // 5
        per_call = asyncio.run(measure(n, requests, ns.profile and n == 1))
        print(f"| {n} | {per_call * 1e6:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
