"""Scale-out on one machine: prediction throughput with M = 1 and 2 prediction servers, ingest
and training throughput with N = 1 and 2 worker processes.

    .venv/bin/python bench/bench_scale_out.py [--seconds 15] [--clients 8] [--uploads 6] [--jobs 4]

Each configuration is the whole platform as local processes (skyulf_platform.stack) on real
PostgreSQL, Redis and an S3 server (the test providers: fresh database, Redis database and
bucket prefix per run). Predictions go REST -> gateway -> deployment service -> prediction
servers, which the deployment service reaches through one round-robin gRPC target; each
server's own /metrics shows how the calls were spread. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from skyulf_platform.stack import Ports, Stack
from skyulf_platform.testing.real_stack import real_parts_env

CSV = Path(__file__).resolve().parents[1] / "tests" / "data" / "churn_300.csv"
GRAPH: dict[str, Any] = {
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
        {"id": "model", "type": "random_forest_classifier", "params": {"n_estimators": 200}},
    ],
    "edges": [
        {"source": "drop", "target": "split"},
        {"source": "split", "target": "impute"},
        {"source": "impute", "target": "onehot"},
        {"source": "onehot", "target": "model"},
    ],
}
ROW = {
    "customer_id": 1,
    "age": 41.0,
    "income": 52000.0,
    "tenure_months": 3,
    "city": "Phoenix",
    "signup_date": "2023-02-01",
    "lat": 33.4,
    "lon": -112.0,
    "plan_type": "basic",
    "monthly_spend": 25.5,
}


def _wait(api: httpx.Client, path: str, done: set[str], timeout: float = 600.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, Any] = api.get(path).json()
        if body["status"] in done:
            return body
        time.sleep(0.2)
    raise TimeoutError(f"{path} did not reach {done}")


def _upload(api: httpx.Client, content: bytes, i: int) -> str:
    resp = api.post("/datasets", files={"file": (f"churn_{i}.csv", content, "text/csv")})
    resp.raise_for_status()
    return str(resp.json()["id"])


def ingest(api: httpx.Client, uploads: int) -> float:
    """Datasets ingested per minute: `uploads` at once, until all are READY."""
    content = CSV.read_bytes()
    start = time.perf_counter()
    ids = [_upload(api, content, i) for i in range(uploads)]
    for dataset_id in ids:
        body = _wait(api, f"/datasets/{dataset_id}", {"READY", "FAILED"})
        assert body["status"] == "READY", body
    return uploads / (time.perf_counter() - start) * 60


def train(api: httpx.Client, dataset_id: str, jobs: int) -> float:
    """Training jobs finished per minute: `jobs` at once, until all have SUCCEEDED."""
    start = time.perf_counter()
    ids = []
    for i in range(jobs):
        resp = api.post(
            "/jobs", json={"dataset_id": dataset_id, "graph": GRAPH, "model_name": f"m{i}"}
        )
        resp.raise_for_status()
        ids.append(resp.json()["id"])
    for job_id in ids:
        body = _wait(api, f"/jobs/{job_id}", {"SUCCEEDED", "FAILED", "CANCELLED"})
        assert body["status"] == "SUCCEEDED", body
    return jobs / (time.perf_counter() - start) * 60


def predict(stack: Stack, deployment_id: str, clients: int, seconds: float) -> dict[str, float]:
    url = f"{stack.url}/api/v1/deployments/{deployment_id}/predict"
    latencies: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        with httpx.Client(timeout=30, headers=stack.auth_headers) as http:
            while time.monotonic() < stop_at:
                t0 = time.perf_counter()
                resp = http.post(url, json={"rows": [ROW, ROW]})
                elapsed = time.perf_counter() - t0
                resp.raise_for_status()
                with lock:
                    latencies.append(elapsed)

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for f in [pool.submit(client) for _ in range(clients)]:
            f.result()
    wall = time.perf_counter() - start
    ordered = sorted(latencies)
    return {
        "rps": len(latencies) / wall,
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))] * 1000,
    }


def infer_calls(stack: Stack) -> list[int]:
    """ModelInfer calls each prediction server handled (from its own /metrics)."""
    counts = []
    for _, _, metrics in stack.predictor_ports:
        text = httpx.get(f"http://127.0.0.1:{metrics}/metrics", timeout=5).text
        counts.append(
            int(
                sum(
                    s.value
                    for fam in text_string_to_metric_families(text)
                    for s in fam.samples
                    if s.name == "skyulf_grpc_server_requests_total"
                    and s.labels.get("grpc_method") == "ModelInfer"
                )
            )
        )
    return counts


def run(n: int, m: int, ns: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, real_parts_env(f"bench-{n}-{m}") as env:
        stack = Stack(
            data_dir=Path(tmp) / "data",
            ports=Ports.free(),
            env={**env, "SKYULF_LOG_FORMAT": "json"},
            workers=n,
            predictors=m,
        )
        with (
            stack.running(timeout=180),
            httpx.Client(
                base_url=f"{stack.url}/api/v1", timeout=60, headers=stack.auth_headers
            ) as api,
        ):
            ingest_rate = ingest(api, ns.uploads)
            dataset_id = _upload(api, CSV.read_bytes(), 999)
            _wait(api, f"/datasets/{dataset_id}", {"READY"})
            train_rate = train(api, dataset_id, ns.jobs)
            resp = api.post("/deployments", json={"model_name": "m0", "model_version": 1})
            resp.raise_for_status()
            deployment_id = resp.json()["id"]
            predict(stack, deployment_id, 2, 2.0)  # warm the model into every server
            before = infer_calls(stack)
            result = predict(stack, deployment_id, ns.clients, ns.seconds)
            spread = [a - b for a, b in zip(infer_calls(stack), before, strict=True)]
    return {"n": n, "m": m, "ingest": ingest_rate, "train": train_rate, **result, "spread": spread}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--uploads", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=4)
    ns = parser.parse_args()
    rows = [run(1, 1, ns), run(2, 2, ns)]
    print(
        "| workers N | predictors M | ingest (datasets/min) | training (jobs/min) "
        "| predictions (req/s) | p50 / p95 latency (ms) | calls per prediction server |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(
            f"| {r['n']} | {r['m']} | {r['ingest']:.1f} | {r['train']:.1f} | {r['rps']:.1f} "
            f"| {r['p50_ms']:.0f} / {r['p95_ms']:.0f} | {' / '.join(map(str, r['spread']))} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
