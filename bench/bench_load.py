"""Load: a locust run against an endpoint, through the gateway and straight to the prediction
server at once, with the error share and the memory growth of both processes.

    .venv/bin/python bench/bench_load.py [--seconds 180] [--users 16]

Without ``--url`` it starts the whole platform on embedded defaults in a temporary folder,
trains the churn pipeline (impute + one-hot + scale + logistic regression) and deploys it. With
``--url --api-key --deployment --model --predictor-url --pid name=PID ...`` it loads a running
platform instead (the e2e load test does that). Memory is each process's resident set, read
from /proc after a warm-up and at the end. Prints a Markdown table; ``--json`` writes the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from skyulf_platform.stack import Ports, Stack

HERE = Path(__file__).resolve().parent
CHURN = HERE.parent / "tests" / "data" / "churn_300.csv"
ROWS = [
    {"age": 41, "income": 52000.0, "tenure_months": 12, "monthly_spend": 70.5,
     "city": "Phoenix", "plan_type": "basic"},
]  # fmt: skip
GRAPH: dict[str, Any] = {
    "nodes": [
        {
            "id": "split",
            "type": "TrainTestSplitter",
            "params": {"target_column": "churned", "stratify": True},
        },
        {"id": "impute", "type": "SimpleImputer", "params": {"columns": ["age", "income"]}},
        {"id": "onehot", "type": "OneHotEncoder", "params": {"columns": ["city", "plan_type"]}},
        {"id": "scale", "type": "StandardScaler", "params": {"columns": ["age", "income"]}},
        {"id": "model", "type": "logistic_regression", "params": {}},
    ],
    "edges": [
        {"source": "split", "target": "impute"},
        {"source": "impute", "target": "onehot"},
        {"source": "onehot", "target": "scale"},
        {"source": "scale", "target": "model"},
    ],
}
KEEP = ["customer_id", "signup_date", "lat", "lon"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _wait(api: httpx.Client, path: str, done: set[str], timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, Any] = api.get(path).json()
        if body["status"] in done:
            return body
        time.sleep(0.25)
    raise RuntimeError(f"{path} did not finish in {timeout}s")


def deploy_churn(api: httpx.Client) -> dict[str, Any]:
    """Upload the churn sample, train the pipeline, deploy the version; the deployment."""
    created = api.post("/datasets", files={"file": ("churn.csv", CHURN.read_bytes(), "text/csv")})
    created.raise_for_status()
    dataset = _wait(api, f"/datasets/{created.json()['id']}", {"READY", "FAILED"})
    graph = json.loads(json.dumps(GRAPH))
    graph["nodes"].insert(0, {"id": "drop", "type": "DropMissingColumns",
                              "params": {"columns": KEEP}})  # fmt: skip
    graph["edges"].insert(0, {"source": "drop", "target": "split"})
    job = api.post(
        "/jobs", json={"dataset_id": dataset["id"], "graph": graph, "model_name": "load"}
    )
    job.raise_for_status()
    done = _wait(api, f"/jobs/{job.json()['id']}", {"SUCCEEDED", "FAILED", "CANCELLED"})
    if done["status"] != "SUCCEEDED":
        raise RuntimeError(f"training failed: {done}")
    dep = api.post(
        "/deployments", json={"model_name": "load", "model_version": done["model_version"]}
    )
    dep.raise_for_status()
    body: dict[str, Any] = dep.json()
    return body


def locust(env: dict[str, str], users: int, seconds: float, out: Path) -> list[dict[str, str]]:
    """Run locust headless; the rows of its stats table (one per request name, and Aggregated)."""
    prefix = out / "load"
    cmd = [
        str(Path(sys.executable).with_name("locust")), "-f", str(HERE / "locustfile.py"),
        "--headless", "--users", str(users), "--spawn-rate", str(users),
        "--run-time", f"{int(seconds)}s", "--csv", str(prefix), "--only-summary",
        "--loglevel", "WARNING", "--stop-timeout", "5",
    ]  # fmt: skip
    subprocess.run(
        cmd, env={**os.environ, **env}, check=False, capture_output=True, timeout=seconds + 120
    )
    with open(f"{prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def run(ns: argparse.Namespace, target: dict[str, Any], pids: dict[str, int]) -> dict[str, Any]:
    env = {
        "SKYULF_LOAD_GATEWAY": target["url"],
        "SKYULF_LOAD_PREDICTOR": target["predictor_url"],
        "SKYULF_LOAD_DEPLOYMENT": target["deployment"],
        "SKYULF_LOAD_MODEL": target["model"],
        "SKYULF_LOAD_API_KEY": target["api_key"],
        "SKYULF_LOAD_ROWS": json.dumps(ROWS),
    }
    with tempfile.TemporaryDirectory() as tmp:
        locust(env, ns.users, ns.warmup, Path(tmp))  # warm every cache and connection pool
        before = {name: rss_mb(pid) for name, pid in pids.items()}
        rows = locust(env, ns.users, ns.seconds, Path(tmp))
        after = {name: rss_mb(pid) for name, pid in pids.items()}
    paths = []
    for row in rows:
        requests, failures = int(row["Request Count"]), int(row["Failure Count"])
        paths.append({
            "path": row["Name"], "requests": requests, "failures": failures,
            "error_share": failures / requests if requests else 1.0,
            "rps": float(row["Requests/s"]), "p50_ms": float(row["50%"] or 0),
            "p99_ms": float(row["99%"] or 0),
        })  # fmt: skip
    memory = {
        name: {"before_mb": before[name], "after_mb": after[name],
               "growth": after[name] / before[name] - 1}
        for name in pids
    }  # fmt: skip
    return {"seconds": ns.seconds, "users": ns.users, "paths": paths, "memory": memory,
            "load_average": os.getloadavg()[0]}  # fmt: skip


def print_table(result: dict[str, Any]) -> None:
    print(f"{result['users']} locust users for {result['seconds']:g} s "
          f"(load average {result['load_average']:.1f})\n")  # fmt: skip
    print("| path | requests | errors | req/s | p50 (ms) | p99 (ms) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for p in result["paths"]:
        print(f"| {p['path']} | {p['requests']} | {p['error_share']:.2%} | {p['rps']:.1f} | "
              f"{p['p50_ms']:.0f} | {p['p99_ms']:.0f} |")  # fmt: skip
    print("\n| process | RSS after warm-up (MB) | RSS at the end (MB) | growth |")
    print("| --- | ---: | ---: | ---: |")
    for name, m in result["memory"].items():
        print(f"| {name} | {m['before_mb']:.0f} | {m['after_mb']:.0f} | {m['growth']:+.1%} |")


@contextlib.contextmanager
def own_platform() -> Iterator[tuple[dict[str, Any], dict[str, int]]]:
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(data_dir=Path(tmp) / "data", ports=Ports.free())
        with stack.running(timeout=180):
            with httpx.Client(
                base_url=f"{stack.url}/api/v1", headers=stack.auth_headers, timeout=60
            ) as api:
                dep = deploy_churn(api)
            target = {"url": stack.url, "predictor_url": stack.predictor_url,
                      "deployment": dep["id"], "model": dep["name"], "api_key": stack.api_key}  # fmt: skip
            yield target, {n: stack.procs[n].pid for n in ("gateway", "predictor")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--warmup", type=float, default=20)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--url")
    parser.add_argument("--predictor-url")
    parser.add_argument("--api-key")
    parser.add_argument("--deployment")
    parser.add_argument("--model")
    parser.add_argument("--pid", action="append", default=[], help="name=PID to watch")
    parser.add_argument("--json", type=Path)
    ns = parser.parse_args()
    if ns.url:
        target = {"url": ns.url, "predictor_url": ns.predictor_url, "api_key": ns.api_key,
                  "deployment": ns.deployment, "model": ns.model}  # fmt: skip
        pids = {k: int(v) for k, v in (p.split("=", 1) for p in ns.pid)}
        result = run(ns, target, pids)
    else:
        with own_platform() as (target, pids):
            result = run(ns, target, pids)
    print_table(result)
    if ns.json:
        ns.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
