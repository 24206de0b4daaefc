"""Locust users for bench/bench_load.py: predictions through the gateway and straight to the
prediction server (Open Inference Protocol v2 REST), with the same API key.

Targets come from the environment (set by bench_load.py): SKYULF_LOAD_GATEWAY,
SKYULF_LOAD_PREDICTOR, SKYULF_LOAD_DEPLOYMENT (id), SKYULF_LOAD_MODEL (endpoint name),
SKYULF_LOAD_API_KEY, SKYULF_LOAD_ROWS (a JSON list of records).
"""

from __future__ import annotations

import json
import os
from typing import Any

from locust import FastHttpUser, constant, task

ROWS: list[dict[str, Any]] = json.loads(os.environ.get("SKYULF_LOAD_ROWS", "[]"))
HEADERS = {"Authorization": f"Bearer {os.environ.get('SKYULF_LOAD_API_KEY', '')}"}


def _v2_body(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One input per column, as MLServer's pandas codec (what the prediction server reads)."""
    inputs = []
    for name in rows[0]:
        values = [row.get(name) for row in rows]
        present = [v for v in values if v is not None]
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
            datatype = "FP64"
        else:
            datatype, values = "BYTES", ["" if v is None else str(v) for v in values]
        inputs.append({"name": name, "shape": [len(values)], "datatype": datatype, "data": values})
    return {"inputs": inputs, "parameters": {"content_type": "pd"}}


class GatewayPredict(FastHttpUser):
    host = os.environ.get("SKYULF_LOAD_GATEWAY", "http://127.0.0.1:8000")
    wait_time = constant(0)

    @task
    def predict(self) -> None:
        deployment = os.environ.get("SKYULF_LOAD_DEPLOYMENT", "")
        self.client.post(
            f"/api/v1/deployments/{deployment}/predict",
            json={"rows": ROWS},
            headers=HEADERS,
            name="gateway /predict",
        )


class PredictorInfer(FastHttpUser):
    host = os.environ.get("SKYULF_LOAD_PREDICTOR", "http://127.0.0.1:8081")
    wait_time = constant(0)

    @task
    def infer(self) -> None:
        model = os.environ.get("SKYULF_LOAD_MODEL", "")
        self.client.post(
            f"/v2/models/{model}/infer",
            json=_v2_body(ROWS),
            headers=HEADERS,
            name="predictor v2 /infer",
        )
