"""Serving speed: Skyulf's prediction paths against `mlflow models serve` and in-process
scikit-learn, on the same two fitted pipelines, in one run.

    .venv/bin/python bench/bench_serving.py [--seconds 5] [--rounds 1] [--no-mlflow]

The two pipelines, both on scikit-learn's breast cancer data (569 rows, 30 numeric columns):

- ``lr``: StandardScaler + LogisticRegression;
- ``rf``: SimpleImputer (median) + OneHotEncoder + StandardScaler + a 100-tree RandomForest, on
  the same data with a category column (``size_band``) and about 5% missing values (fixed seed).

Skyulf trains them through the platform (every service in its own process, embedded defaults,
a temporary folder) and deploys each as an endpoint. The same pipelines are fitted as
scikit-learn ``Pipeline`` objects for the in-process floor and for MLflow, which the script
installs into its own virtual environment under ``--cache-dir`` (``mlflow`` and the same
scikit-learn version, from PyPI, once); when that fails the script says so and runs the rest.

Paths, each measured with 1 and 8 concurrent clients (one client process and connection each,
so that the load generator's GIL does not limit the servers) sending 1-row and 100-row requests
in a closed loop for ``--seconds`` per round; request bodies are encoded before timing:

- ``predictor v2 gRPC``: ``GRPCInferenceService/ModelInfer`` on the prediction server;
- ``predictor v2 REST``: ``POST /v2/models/{name}/infer`` on the prediction server;
- ``gateway /predict``: ``POST /api/v1/deployments/{id}/predict`` with ``{"rows": [...]}``;
- ``mlflow models serve``: ``POST /invocations`` with ``dataframe_split``;
- ``sklearn in-process``: ``Pipeline.predict`` on a DataFrame (the floor; no transport).

Every path returns the predicted labels and is checked to agree with scikit-learn before timing.
Prints a Markdown table: p50 and p99 latency, requests per second, and the throughput ratio
against MLflow on the same pipeline, batch size and client count.

``--batching`` adds a second table: adaptive batching (per endpoint; ``--batch-size`` rows,
``--batch-wait-ms``) off and on for the same endpoint, 1-row requests at 8 and 32 clients, over
the predictor's v2 gRPC and the gateway's /predict, alternating off/on each round.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import joblib
import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import skyulf_platform.inference.codec as codec
from inference import grpc_predict_v2_pb2_grpc
from skyulf_platform.grpc.client import sync_channel
from skyulf_platform.stack import Ports, Stack

ROOT = Path(__file__).resolve().parents[1]
SEED = 7
TARGET = "target"
CATEGORY = "size_band"
CLIENTS = (1, 8)
BATCHES = (1, 100)


# ---------------------------------------------------------------------------------- the data


def breast_cancer() -> pd.DataFrame:
    frame = load_breast_cancer(as_frame=True).frame
    frame.columns = [str(c).replace(" ", "_") for c in frame.columns]
    return frame


def with_category_and_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """A text column derived from the mean radius, and ~5% missing values in 5 numeric columns."""
    rng = np.random.default_rng(SEED)
    out = frame.copy()
    bands = pd.qcut(out["mean_radius"], 3, labels=["small", "medium", "large"]).astype(object)
    out.insert(0, CATEGORY, bands)
    for column in [c for c in out.columns if c not in (TARGET, CATEGORY)][:5]:
        out.loc[rng.random(len(out)) < 0.05, column] = np.nan
    out.loc[rng.random(len(out)) < 0.05, CATEGORY] = None
    return out


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in (TARGET, CATEGORY)]


def skyulf_graph(kind: str, frame: pd.DataFrame) -> dict[str, Any]:
    numbers = numeric_columns(frame)
    split = {
        "id": "split",
        "type": "TrainTestSplitter",
        "params": {"target_column": TARGET, "test_size": 0.25, "stratify": True},
    }
    scale = {"id": "scale", "type": "StandardScaler", "params": {"columns": numbers}}
    if kind == "lr":
        nodes = [split, scale, {"id": "model", "type": "logistic_regression", "params": {}}]
    else:
        nodes = [
            split,
            {
                "id": "impute",
                "type": "SimpleImputer",
                "params": {"strategy": "median", "columns": numbers},
            },
            {"id": "onehot", "type": "OneHotEncoder", "params": {"columns": [CATEGORY]}},
            scale,
            {"id": "model", "type": "random_forest_classifier", "params": {}},
        ]
    edges = [{"source": a["id"], "target": b["id"]} for a, b in itertools.pairwise(nodes)]
    return {"nodes": nodes, "edges": edges}


def sklearn_pipeline(kind: str, frame: pd.DataFrame) -> Pipeline:
    X, y = frame.drop(columns=[TARGET]), frame[TARGET]
    if kind == "lr":
        pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    else:
        numbers = numeric_columns(frame)
        pipe = Pipeline(
            [
                (
                    "prep",
                    ColumnTransformer(
                        [
                            (
                                "num",
                                make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                                numbers,
                            ),
                            ("cat", OneHotEncoder(handle_unknown="ignore"), [CATEGORY]),
                        ]
                    ),
                ),
                ("model", RandomForestClassifier(n_estimators=100, random_state=SEED)),
            ]
        )
    return pipe.fit(X, y)


# ------------------------------------------------------------------------------- measurement


@dataclass
class Cell:
    path: str
    pipeline: str
    rows: int
    clients: int
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


@dataclass
class Path_:
    """One way to call a model: payloads are prepared before timing; only ``send`` is timed."""

    prepare: Callable[[pd.DataFrame], Any]  # batch -> payload (untimed)
    connect: Callable[[], Callable[[Any], Any]]  # -> send(payload) -> raw response (timed)
    decode: Callable[[Any], list[Any]]  # raw response -> predictions (checked, untimed)
    # ("grpc", address, endpoint) or ("http", base url, route): measured from client processes
    # (kind, address, route or model, API key)
    remote: tuple[str, str, str, str] | None = None


class ClientPool:
    """Client processes (one per concurrent client) for the remote paths, so that the load
    generator's own Python (and its GIL) does not limit what is measured."""

    def __init__(self, n: int) -> None:
        ctx = mp.get_context("spawn")
        self.tasks = [ctx.Queue() for _ in range(n)]
        self.results = ctx.Queue()
        self.procs = [
            ctx.Process(target=_client_main, args=(q, self.results), daemon=True)
            for q in self.tasks
        ]
        for proc in self.procs:
            proc.start()
        # Each client says when it has imported what it needs: on a busy machine that takes a
        # while, and it must not eat into the first cell's time.
        for _ in self.procs:
            assert self.results.get(timeout=900) == "ready"

    def run(
        self, remote: tuple[str, str, str, str], payloads: list[bytes], clients: int, seconds: float
    ) -> tuple[list[float], int, float]:
        start_at = time.time() + 1.5  # every client connected and warm by then
        for i in range(clients):
            self.tasks[i].put((remote, payloads, i, clients, start_at, seconds))
        latencies: list[float] = []
        errors = 0
        for _ in range(clients):
            lat, err = self.results.get(timeout=seconds + 120)
            latencies += lat
            errors += err
        return latencies, errors, seconds

    def close(self) -> None:
        for q in self.tasks:
            q.put(None)
        for proc in self.procs:
            proc.join(timeout=10)


def _remote_sender(
    remote: tuple[str, str, str, str], payloads: list[bytes]
) -> tuple[Any, list[Any]]:
    kind, where, what, key = remote
    if kind == "grpc":
        from inference import grpc_predict_v2_pb2 as ipb

        stub = grpc_predict_v2_pb2_grpc.GRPCInferenceServiceStub(sync_channel(where))
        auth = (("authorization", f"Bearer {key}"),)
        return (
            lambda request: stub.ModelInfer(request, metadata=auth),
            [ipb.ModelInferRequest.FromString(p) for p in payloads],
        )
    return http_post(where, what, key)(), payloads


def _client_main(tasks: Any, results: Any) -> None:
    results.put("ready")
    while (task := tasks.get()) is not None:
        remote, payloads, offset, step, start_at, seconds = task
        latencies: list[float] = []
        errors = 0
        try:
            send, items = _remote_sender(remote, payloads)
            send(items[offset % len(items)])
        except Exception:
            results.put(([], 1))
            continue
        time.sleep(max(0.0, start_at - time.time()))
        stop = time.perf_counter() + seconds
        n = offset
        while (t0 := time.perf_counter()) < stop:
            try:
                send(items[n % len(items)])
            except Exception:
                errors += 1
            else:
                if time.perf_counter() <= stop:
                    latencies.append(time.perf_counter() - t0)
            n += step
        results.put((latencies, errors))


def closed_loop(
    path: Path_, payloads: list[Any], clients: int, seconds: float
) -> tuple[list[float], int, float]:
    """``clients`` threads, each with its own connection, calling back to back for ``seconds``."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    stop_at = [time.perf_counter() + 3600]

    def worker(i: int) -> None:
        try:
            send = path.connect()
            send(payloads[i % len(payloads)])  # warm this connection
        except Exception:
            errors[i] += 1
            start.wait()
            return
        start.wait()
        n = i
        while time.perf_counter() < stop_at[0]:
            payload = payloads[n % len(payloads)]
            n += clients
            t0 = time.perf_counter()
            try:
                send(payload)
            except Exception:
                errors[i] += 1
                continue
            latencies[i].append(time.perf_counter() - t0)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    stop_at[0] = t0 + seconds
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    return [x for lat in latencies for x in lat], sum(errors), elapsed


# ------------------------------------------------------------------------------------- paths


def http_post(base: str, route: str, key: str = "") -> Callable[[], Callable[[bytes], bytes]]:
    """A keep-alive connection (stdlib http.client: the lightest Python client) per caller."""
    url = urlsplit(base)

    def connect() -> Callable[[bytes], bytes]:
        conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=60)
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"

        def send(body: bytes) -> bytes:
            conn.request("POST", route, body, headers)
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}: {data[:300]!r}")
            return data

        return send

    return connect


def grpc_path(addr: str, endpoint: str, key: str) -> Path_:
    def connect() -> Callable[[Any], Any]:
        stub = grpc_predict_v2_pb2_grpc.GRPCInferenceServiceStub(sync_channel(addr))
        auth = (("authorization", f"Bearer {key}"),)
        return lambda request: stub.ModelInfer(request, metadata=auth)

    return Path_(
        prepare=lambda batch: codec.frame_to_infer_request(batch, model_name=endpoint),
        connect=connect,
        decode=lambda resp: codec.infer_response_to_prediction(resp).predictions,
        remote=("grpc", addr, endpoint, key),
    )


def rest_v2_path(base: str, endpoint: str, key: str) -> Path_:
    def prepare(batch: pd.DataFrame) -> bytes:
        return json.dumps(codec.infer_request_to_json(codec.frame_to_infer_request(batch))).encode()

    def decode(raw: bytes) -> list[Any]:
        response = codec.infer_response_from_json(json.loads(raw))
        return codec.infer_response_to_prediction(response).predictions

    route = f"/v2/models/{endpoint}/infer"
    return Path_(prepare, http_post(base, route, key), decode, ("http", base, route, key))


def _records(batch: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
        for row in batch.to_dict("records")
    ]


def gateway_path(base: str, deployment_id: str, key: str) -> Path_:
    route = f"/api/v1/deployments/{deployment_id}/predict"
    return Path_(
        prepare=lambda batch: json.dumps({"rows": _records(batch)}).encode(),
        connect=http_post(base, route, key),
        decode=lambda raw: json.loads(raw)["predictions"],
        remote=("http", base, route, key),
    )


def mlflow_path(base: str) -> Path_:
    def prepare(batch: pd.DataFrame) -> bytes:
        split = json.loads(batch.to_json(orient="split", index=False))
        return json.dumps({"dataframe_split": split}).encode()

    return Path_(
        prepare,
        http_post(base, "/invocations"),
        lambda raw: json.loads(raw)["predictions"],
        ("http", base, "/invocations", ""),
    )


def in_process_path(pipe: Pipeline) -> Path_:
    return Path_(
        prepare=lambda batch: batch,
        connect=lambda: pipe.predict,
        decode=lambda out: out.tolist(),
    )


# ----------------------------------------------------------------------------------- MLflow


def mlflow_env(cache: Path) -> Path | None:
    """A virtual environment with mlflow and this scikit-learn; ``None`` (said why) on failure."""
    venv = cache / f"mlflow-venv-sklearn-{sklearn.__version__}"
    python = venv / "bin" / "python"
    if (venv / ".ready").exists():
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    uv = ROOT / "tools" / "uv" / "bin" / "uv"
    pins = ["mlflow", f"scikit-learn=={sklearn.__version__}", f"pandas=={pd.__version__}"]
    print(f"installing {' '.join(pins)} into {venv} (once)", file=sys.stderr, flush=True)
    try:
        if uv.exists():
            subprocess.run(
                [str(uv), "venv", "--quiet", "--python", sys.executable, str(venv)], check=True
            )
            subprocess.run(
                [str(uv), "pip", "install", "--quiet", "--python", str(python), *pins], check=True
            )
        else:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", *pins], check=True)
    except (subprocess.CalledProcessError, OSError) as e:
        print(f"MLflow could not be installed ({e}); measuring without it", file=sys.stderr)
        return None
    (venv / ".ready").touch()
    return venv


@contextmanager
def mlflow_server(venv: Path, pipe: Pipeline, workdir: Path, port: int) -> Iterator[str]:
    model_dir = workdir / "mlflow-model"
    joblib.dump(pipe, workdir / "pipe.joblib")
    save = (
        "import joblib, mlflow.sklearn, sys; "
        "mlflow.sklearn.save_model(joblib.load(sys.argv[1]), sys.argv[2], "
        "serialization_format='cloudpickle')"
    )
    subprocess.run(
        [str(venv / "bin" / "python"), "-c", save, str(workdir / "pipe.joblib"), str(model_dir)],
        check=True,
        capture_output=True,
    )
    log = (workdir / "mlflow.log").open("wb")
    env = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}"}
    proc = subprocess.Popen(
        [str(venv / "bin" / "mlflow"), "models", "serve", "-m", str(model_dir),
         "--env-manager", "local", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{base}/ping", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"mlflow models serve did not start: see {workdir / 'mlflow.log'}"
                )
            time.sleep(0.5)
        yield base
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
        log.close()


# ------------------------------------------------------------------------------------ Skyulf


def train_and_deploy(api: httpx.Client, kind: str, frame: pd.DataFrame) -> dict[str, Any]:
    csv = frame.to_csv(index=False).encode()
    ds = api.post("/datasets", files={"file": (f"{kind}.csv", csv, "text/csv")})
    ds.raise_for_status()
    dataset = _wait(api, f"/datasets/{ds.json()['id']}", {"READY", "FAILED"})
    assert dataset["status"] == "READY", dataset
    job = api.post(
        "/jobs",
        json={
            "dataset_id": dataset["id"],
            "graph": skyulf_graph(kind, frame),
            "model_name": f"bench-{kind}",
        },
    )
    if job.status_code != 201:
        raise RuntimeError(f"training {kind} was refused: {job.text}")
    done = _wait(api, f"/jobs/{job.json()['id']}", {"SUCCEEDED", "FAILED", "CANCELLED"}, 600)
    assert done["status"] == "SUCCEEDED", done
    dep = api.post("/deployments", json={"model_name": f"bench-{kind}"})
    dep.raise_for_status()
    return dep.json()


def _wait(api: httpx.Client, path: str, done: set[str], timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = api.get(path).json()
        if body["status"] in done:
            return body
        time.sleep(0.25)
    raise RuntimeError(f"{path} did not finish in {timeout}s")


def batches_of(frame: pd.DataFrame, rows: int) -> list[pd.DataFrame]:
    X = frame.drop(columns=[TARGET])
    starts = range(0, len(X) - rows + 1, max(1, rows)) if rows > 1 else range(100)
    return [X.iloc[s : s + rows].reset_index(drop=True) for s in starts][:100]


def check_agrees(name: str, path: Path_, pipe: Pipeline, batch: pd.DataFrame) -> None:
    """Every path answers with labels, 95% of them those of the scikit-learn pipeline (Skyulf
    fits on its train split, the scikit-learn pipeline on all rows: a forest differs a little)."""
    got = [int(v) for v in path.decode(path.connect()(path.prepare(batch)))]
    expected = pipe.predict(batch).tolist()
    same = sum(g == e for g, e in zip(got, expected, strict=True)) / len(expected)
    if same < 0.95:
        raise AssertionError(f"{name} agrees with scikit-learn on {same:.0%} of the rows only")


# -------------------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="per round and cell")
    parser.add_argument("--rounds", type=int, default=1, help="rounds (cells alternate within)")
    parser.add_argument("--no-mlflow", action="store_true")
    parser.add_argument(
        "--cache-dir", type=Path, default=Path.home() / ".cache" / "skyulf-bench",
        help="where the MLflow environment is kept between runs",
    )  # fmt: skip
    parser.add_argument("--pipelines", default="lr,rf")
    parser.add_argument("--batching", action="store_true", help="also measure adaptive batching")
    parser.add_argument("--batching-only", action="store_true", help="only the batching table")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--batch-wait-ms", type=int, default=2)
    ns = parser.parse_args()
    ns.batching = ns.batching or ns.batching_only

    frames = {"lr": breast_cancer(), "rf": with_category_and_missing(breast_cancer())}
    kinds = [k for k in ns.pipelines.split(",") if k in frames]
    pipes = {k: sklearn_pipeline(k, frames[k]) for k in kinds}
    venv = None if ns.no_mlflow else mlflow_env(ns.cache_dir)
    cells: dict[tuple[str, str, int, int], Cell] = {}

    n_clients = max(*CLIENTS, *(BATCHING_CLIENTS if ns.batching else ()))
    batching_cells: dict[tuple[str, str, int, str], Cell] = {}
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(
            data_dir=Path(tmp) / "data", ports=Ports.free(), env={"SKYULF_LOG_LEVEL": "WARNING"}
        )
        with (
            stack.running(timeout=150),
            httpx.Client(
                base_url=f"{stack.url}/api/v1", timeout=60, headers=stack.auth_headers
            ) as api,
        ):
            deployments = {k: train_and_deploy(api, k, frames[k]) for k in kinds}
            key = stack.api_key or ""
            # Started once the platform is up: 32 client processes starting slow its start.
            pool = ClientPool(n_clients)
            if ns.batching:
                for kind in kinds:
                    measure_batching(
                        api, stack, deployments[kind], kind, frames[kind], pool, ns, batching_cells
                    )
            for kind in kinds if not ns.batching_only else []:
                dep = deployments[kind]
                grpc_addr = f"127.0.0.1:{stack.ports.predictor_grpc}"
                paths: dict[str, Path_] = {
                    "predictor v2 gRPC": grpc_path(grpc_addr, dep["name"], key),
                    "predictor v2 REST": rest_v2_path(stack.predictor_url, dep["name"], key),
                    "gateway /predict": gateway_path(stack.url, dep["id"], key),
                    "sklearn in-process": in_process_path(pipes[kind]),
                }
                with _maybe_mlflow(venv, pipes[kind], Path(tmp) / kind) as mlflow_base:
                    if mlflow_base:
                        paths["mlflow models serve"] = mlflow_path(mlflow_base)
                    for rows in BATCHES:
                        batches = batches_of(frames[kind], rows)
                        for name, path in paths.items():
                            check_agrees(name, path, pipes[kind], batches[0])
                        payloads = {n: [p.prepare(b) for b in batches] for n, p in paths.items()}
                        for _ in range(ns.rounds):
                            for clients in CLIENTS:
                                for name, path in paths.items():
                                    cell = cells.setdefault(
                                        (kind, name, rows, clients), Cell(name, kind, rows, clients)
                                    )
                                    if path.remote is not None:
                                        wire = [
                                            p if isinstance(p, bytes) else p.SerializeToString()
                                            for p in payloads[name]
                                        ]
                                        lat, errors, elapsed = pool.run(
                                            path.remote, wire, clients, ns.seconds
                                        )
                                    else:
                                        lat, errors, elapsed = closed_loop(
                                            path, payloads[name], clients, ns.seconds
                                        )
                                    cell.latencies += lat
                                    cell.errors += errors
                                    cell.seconds += elapsed
                                    print(
                                        f"{kind} {name} rows={rows} clients={clients}: "
                                        f"p50 {cell.percentile(0.5):.2f} ms, {len(lat) / elapsed:.1f} req/s",
                                        file=sys.stderr, flush=True,
                                    )  # fmt: skip

    pool.close()
    if cells:
        print_table(cells, ns, venv is not None)
    if batching_cells:
        print_batching_table(batching_cells, ns)
    return 0


BATCHING_CLIENTS = (8, 32)


def measure_batching(
    api: httpx.Client,
    stack: Stack,
    dep: dict[str, Any],
    kind: str,
    frame: pd.DataFrame,
    pool: ClientPool,
    ns: argparse.Namespace,
    cells: dict[tuple[str, str, int, str], Cell],
) -> None:
    """The same endpoint with adaptive batching off and on (alternating each round)."""
    grpc_addr = f"127.0.0.1:{stack.ports.predictor_grpc}"
    paths = {
        "predictor v2 gRPC": grpc_path(grpc_addr, dep["name"], stack.api_key or ""),
        "gateway /predict": gateway_path(stack.url, dep["id"], stack.api_key or ""),
    }
    batches = batches_of(frame, 1)
    wire = {
        n: [q if isinstance(q, bytes) else q.SerializeToString() for q in map(p.prepare, batches)]
        for n, p in paths.items()
    }
    settings = {"off": (0, 0), "on": (ns.batch_size, ns.batch_wait_ms)}
    for _ in range(ns.rounds):
        for mode, (size, wait) in settings.items():
            resp = api.patch(
                f"/deployments/{dep['id']}",
                json={"batch_max_size": size, "batch_max_wait_ms": wait, "settings_only": True},
            )
            resp.raise_for_status()
            time.sleep(3.5)  # past the prediction server's deployment TTL
            for clients in BATCHING_CLIENTS:
                for name, path in paths.items():
                    assert path.remote is not None
                    cell = cells.setdefault(
                        (kind, name, clients, mode), Cell(name, kind, 1, clients)
                    )
                    lat, errors, elapsed = pool.run(path.remote, wire[name], clients, ns.seconds)
                    cell.latencies += lat
                    cell.errors += errors
                    cell.seconds += elapsed
                    print(
                        f"batching {mode} {kind} {name} clients={clients}: "
                        f"p50 {cell.percentile(0.5):.2f} ms, {len(lat) / elapsed:.1f} req/s",
                        file=sys.stderr, flush=True,
                    )  # fmt: skip
    api.patch(f"/deployments/{dep['id']}", json={"batch_max_size": 0, "settings_only": True})


def print_batching_table(
    cells: dict[tuple[str, str, int, str], Cell], ns: argparse.Namespace
) -> None:
    print(
        f"\nAdaptive batching (max {ns.batch_size} rows, max wait {ns.batch_wait_ms} ms), "
        f"1-row requests, {ns.rounds} round(s) x {ns.seconds:g} s per cell, {os.cpu_count()} CPUs"
    )
    print("\n| pipeline | clients | path | batching | p50 ms | p99 ms | req/s | gain | errors |")
    print("|---|---:|---|---|---:|---:|---:|---:|---:|")
    for (kind, name, clients, mode), cell in cells.items():
        off = cells.get((kind, name, clients, "off"))
        gain = f"{cell.rps / off.rps:.2f}x" if off and off.rps and mode == "on" else "-"
        print(
            f"| {kind} | {clients} | {name} | {mode} | {cell.percentile(0.5):.2f} | "
            f"{cell.percentile(0.99):.2f} | {cell.rps:.0f} | {gain} | {cell.errors} |"
        )


@contextmanager
def _maybe_mlflow(venv: Path | None, pipe: Pipeline, workdir: Path) -> Iterator[str | None]:
    if venv is None:
        yield None
        return
    workdir.mkdir(parents=True, exist_ok=True)
    from skyulf_platform.stack import free_port

    try:
        server = mlflow_server(venv, pipe, workdir, free_port())
        base = server.__enter__()
    except (RuntimeError, subprocess.CalledProcessError) as e:
        log = workdir / "mlflow.log"
        tail = log.read_text()[-2000:] if log.exists() else ""
        print(f"MLflow not measured for this pipeline: {e}\n{tail}", file=sys.stderr)
        yield None
        return
    try:
        yield base
    finally:
        server.__exit__(None, None, None)


def print_table(
    cells: dict[tuple[str, str, int, int], Cell], ns: argparse.Namespace, mlflow: bool
) -> None:
    cpus = os.cpu_count()
    print(
        f"\n{ns.rounds} round(s) x {ns.seconds:g} s per cell, {cpus} CPUs, Python {sys.version.split()[0]}, "
        f"scikit-learn {sklearn.__version__}" + ("" if mlflow else "; MLflow not installed")
    )
    print("\n| pipeline | rows | clients | path | p50 ms | p99 ms | req/s | x MLflow | errors |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|")
    for (kind, name, rows, clients), cell in cells.items():
        ref = cells.get((kind, "mlflow models serve", rows, clients))
        ratio = f"{cell.rps / ref.rps:.1f}x" if ref and ref.rps else "-"
        print(
            f"| {kind} | {rows} | {clients} | {name} | {cell.percentile(0.5):.2f} | "
            f"{cell.percentile(0.99):.2f} | {cell.rps:.0f} | {ratio} | {cell.errors} |"
        )


if __name__ == "__main__":
    sys.exit(main())
