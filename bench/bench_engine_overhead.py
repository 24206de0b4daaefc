"""Engine overhead: a 100,000-row dataset through impute + one-hot + scale + logistic regression,
run as a Skyulf job against a hand-written scikit-learn script doing the same in-process.

    .venv/bin/python bench/bench_engine_overhead.py [--rows 100000] [--repeats 3]

Skyulf: the whole platform as local processes on its embedded defaults (skyulf_platform.stack:
SQLite, a SQLite broker, an artifact folder); the dataset is uploaded and READY first, then the
clock runs from POST /jobs to the job read back SUCCEEDED (queueing, loading the Parquet data,
fitting, evaluation and its evaluation data, the bundle and the registration), taken from the
job row's own ``finished_at`` so that how often the bench looks does not count. The job's own
events split that time: queue wait, nodes and model fit, evaluation, bundle and registration.
scikit-learn: read the same CSV with pandas, the same split, a ColumnTransformer (median
imputer, one-hot, standard scaler) and LogisticRegression in a Pipeline, test accuracy and ROC
AUC. Median of ``--repeats`` runs each, the two alternating. Goal: Skyulf / scikit-learn <= 1.10. Prints a Markdown
table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skyulf_platform.stack import Ports, Stack

NUMERIC = ["age", "income", "tenure", "spend", "visits"]
CATEGORICAL = ["city", "plan"]


def make_csv(rows: int, path: Path) -> None:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({c: rng.normal(size=rows) for c in NUMERIC})
    for c in ("age", "income"):
        frame.loc[rng.random(rows) < 0.05, c] = np.nan
    frame["city"] = rng.choice(["Oslo", "Lima", "Pune", "Kyiv", "Accra"], size=rows)
    frame["plan"] = rng.choice(["basic", "plus", "pro"], size=rows)
    signal = frame["tenure"] - frame["spend"] + (frame["plan"] == "pro") + rng.normal(size=rows)
    frame["churned"] = (signal > 0).astype(int)
    frame.to_csv(path, index=False)


GRAPH: dict[str, Any] = {
    "nodes": [
        {"id": "split", "type": "TrainTestSplitter", "params": {"target_column": "churned"}},
        {
            "id": "impute",
            "type": "SimpleImputer",
            "params": {"strategy": "median", "columns": NUMERIC},
        },
        {"id": "onehot", "type": "OneHotEncoder", "params": {"columns": CATEGORICAL}},
        {"id": "scale", "type": "StandardScaler", "params": {"columns": NUMERIC}},
        {"id": "model", "type": "logistic_regression", "params": {}},
    ],
    "edges": [
        {"source": "split", "target": "impute"},
        {"source": "impute", "target": "onehot"},
        {"source": "onehot", "target": "scale"},
        {"source": "scale", "target": "model"},
    ],
}


def sklearn_run(path: Path) -> float:
    started = time.perf_counter()
    frame = pd.read_csv(path)
    X, y = frame.drop(columns=["churned"]), frame["churned"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    prep = ColumnTransformer(
        [
            (
                "num",
                Pipeline(
                    [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
                ),
                NUMERIC,
            ),
            ("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
        ]
    )
    model = Pipeline([("prep", prep), ("model", LogisticRegression(max_iter=1000))])
    model.fit(X_train, y_train)
    accuracy_score(y_test, model.predict(X_test))
    roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])
    return time.perf_counter() - started


def _wait(api: httpx.Client, path: str, done: set[str], poll: float) -> dict[str, Any]:
    while True:
        body: dict[str, Any] = api.get(path).json()
        if body["status"] in done:
            return body
        time.sleep(poll)


def _phases(api: httpx.Client, job_id: str) -> dict[str, float]:
    """Seconds between the job's events: queued -> started -> model done -> registering ->
    succeeded."""
    events = []
    with api.stream("GET", f"/jobs/{job_id}/events") as resp:
        for line in resp.iter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line.removeprefix("data:").strip()))
    at = {}
    for e in events:
        t = datetime.fromisoformat(e["time"])
        if e["type"] in ("queued", "started", "succeeded"):
            at.setdefault(e["type"], t)
        if e["type"] == "node" and e["node_id"] == "model" and e["node_status"] == "running":
            at.setdefault("model", t)
        if e["type"] == "node" and e["node_id"] == "model" and e["node_status"] == "done":
            at["model_done"] = t
        if e["type"] == "progress" and e["message"].startswith("writing and registering"):
            at.setdefault("register", t)
    order = ["queued", "started", "model", "model_done", "register", "succeeded"]
    names = ["queue wait", "load + nodes", "fit + evaluate", "to bundle", "bundle + register"]
    return {
        n: (at[b] - at[a]).total_seconds()
        for n, a, b in zip(names, order, order[1:], strict=False)
        if a in at and b in at
    }


def skyulf_runs(path: Path, repeats: int, between: Any) -> tuple[list[float], dict[str, float]]:
    """Skyulf's runs, ``between()`` (the scikit-learn run) after each: the two alternate, so a
    machine whose load changes weighs on both alike."""
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(
            data_dir=Path(tmp) / "data", ports=Ports.free(), env={"SKYULF_LOG_FORMAT": "json"}
        )
        with (
            stack.running(timeout=180),
            httpx.Client(
                base_url=f"{stack.url}/api/v1", timeout=120, headers=stack.auth_headers
            ) as api,
        ):
            files = {"file": (path.name, path.read_bytes(), "text/csv")}
            dataset = api.post("/datasets", files=files).json()
            _wait(api, f"/datasets/{dataset['id']}", {"READY", "FAILED"}, 0.5)
            times, phases = [], {}
            for i in range(repeats + 1):  # the first run warms the worker's imports
                started = datetime.now(UTC)
                job = api.post("/jobs", json={"dataset_id": dataset["id"], "graph": GRAPH}).json()
                # Read back at leisure (a tight poll would load the machine the job runs on):
                # the job row's own finished_at is when it became SUCCEEDED.
                done = _wait(api, f"/jobs/{job['id']}", {"SUCCEEDED", "FAILED"}, 0.25)
                assert done["status"] == "SUCCEEDED", done
                elapsed = (datetime.fromisoformat(done["finished_at"]) - started).total_seconds()
                if i:
                    times.append(elapsed)
                    phases = _phases(api, job["id"])
                    between()
    return times, phases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "overhead.csv"
        make_csv(ns.rows, path)
        sk_runs: list[float] = []
        runs, phases = skyulf_runs(path, ns.repeats, lambda: sk_runs.append(sklearn_run(path)))
    sk, sky = statistics.median(sk_runs), statistics.median(runs)
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"{ns.rows:,} rows: impute + one-hot + scale + logistic regression")
    print(f"(load average at the end: {load}; {os.cpu_count()} CPUs)\n")
    print("| runner | seconds (median) | ratio |")
    print("| --- | --- | --- |")
    print(f"| scikit-learn script, in-process | {sk:.2f} | 1.00x |")
    print(f"| Skyulf job, submit to SUCCEEDED | {sky:.2f} | {sky / sk:.2f}x |")
    print("\nWhere the Skyulf job's time goes (last run, from its events):\n")
    print("| phase | seconds |")
    print("| --- | --- |")
    for name, seconds in phases.items():
        print(f"| {name} | {seconds:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
