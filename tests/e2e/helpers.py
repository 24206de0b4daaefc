from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

SLICE_GRAPH: dict[str, Any] = {
    "nodes": [
        {
            "id": "drop",
            "type": "DropMissingColumns",
            "params": {"columns": ["customer_id", "signup_date", "lat", "lon"]},
        },
        {
            "id": "split",
            "type": "TrainTestSplitter",
            "params": {"target_column": "churned", "test_size": 0.25, "stratify": True},
        },
        {
            "id": "impute",
            "type": "SimpleImputer",
            "params": {"strategy": "median", "columns": ["age", "income"]},
        },
        {"id": "onehot", "type": "OneHotEncoder", "params": {"columns": ["city", "plan_type"]}},
        {
            "id": "scale",
            "type": "StandardScaler",
            "params": {"columns": ["age", "income", "tenure_months", "monthly_spend"]},
        },
        {"id": "model", "type": "logistic_regression", "params": {}},
    ],
    "edges": [
        {"source": "drop", "target": "split"},
        {"source": "split", "target": "impute"},
        {"source": "impute", "target": "onehot"},
        {"source": "onehot", "target": "scale"},
        {"source": "scale", "target": "model"},
    ],
}


def with_model(model_type: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    graph = {"nodes": [dict(n) for n in SLICE_GRAPH["nodes"]], "edges": SLICE_GRAPH["edges"]}
    graph["nodes"][-1] = {"id": "model", "type": model_type, "params": params or {}}
    return graph


def upload(api: httpx.Client, name: str, content: bytes, **params: str) -> httpx.Response:
    return api.post("/datasets", files={"file": (name, content, "text/csv")}, params=params)


def wait_for(
    api: httpx.Client, path: str, done: set[str], timeout: float = 120.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        resp = api.get(path)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        if body["status"] in done:
            return body
        time.sleep(0.25)
    raise AssertionError(f"{path} did not reach {done} in {timeout}s: {body}")


class AlertReceiver:
    """A webhook receiver on loopback: the alerts the platform pushes, as JSON, in order."""

    SECRET_PATH = "/hooks/alert-webhook-secret-in-path"

    def __init__(self) -> None:
        received: list[dict[str, Any]] = []
        self.received = received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                received.append({"path": self.path, "body": json.loads(body)})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def target(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    @property
    def url(self) -> str:
        return self.target + self.SECRET_PATH

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
