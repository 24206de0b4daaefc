"""Tuning scale-out: one Optuna study of 40 random-forest trials with 3-fold CV on breast cancer,
run as a Skyulf tuning job with 1 and then 2 ``tune`` workers, against raw Optuna with 1 and 2
processes on the same PostgreSQL storage, in the same run.

    .venv/bin/python bench/bench_tuning.py [--trials 40]

Each Skyulf configuration is the whole platform as local processes (skyulf_platform.stack) on
a fresh PostgreSQL database and Redis database; its trials live in Optuna's RDB storage in the
``skyulf_tuning`` schema of that database, where the raw Optuna studies go too. The rate is
trials per minute from the first trial's start to the last trial's end (the search itself; the
job's queueing, refit and registration are shown apart, as "job wall"). The raw objective does
what a Skyulf trial does: a RandomForestClassifier (n_jobs=1) with the trial's parameters,
3-fold shuffled CV on the same 80% train split, ROC AUC. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import optuna
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import KFold, cross_val_score, train_test_split

from skyulf_platform.stack import Ports, Stack
from skyulf_platform.testing.containers import postgres_service, redis_service

SCHEMA = "skyulf_tuning"
SPACE = {
    "n_estimators": {"type": "int", "low": 10, "high": 100},
    "max_depth": {"type": "int", "low": 2, "high": 16},
    "min_samples_leaf": {"type": "int", "low": 1, "high": 8},
}


def _frame() -> pd.DataFrame:
    frame = load_breast_cancer(as_frame=True).frame
    frame.columns = [c.replace(" ", "_") for c in frame.columns]
    return frame


def _graph(trials: int) -> dict[str, Any]:
    return {
        "nodes": [
            {"id": "split", "type": "TrainTestSplitter", "params": {"target_column": "target"}},
            {
                "id": "forest",
                "type": "random_forest_classifier",
                "params": {
                    "run_mode": "tuned",
                    "tuning_config": {
                        "strategy": "optuna",
                        "metric": "roc_auc",
                        "n_trials": trials,
                        "cv_folds": 3,
                        "search_space": SPACE,
                    },
                },
            },
        ],
        "edges": [{"source": "split", "target": "forest"}],
    }


def _wait(api: httpx.Client, path: str, done: set[str], timeout: float = 1800.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = api.get(path).json()
        if body["status"] in done:
            return body
        time.sleep(0.5)
    raise TimeoutError(f"{path} did not reach {done}")


def _rate(starts: list[datetime], ends: list[datetime]) -> float:
    return len(ends) / (max(ends) - min(starts)).total_seconds() * 60


def skyulf(workers: int, env: dict[str, str], trials: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(data_dir=Path(tmp) / "data", ports=Ports.free(), env=env, workers=workers)
        with (
            stack.running(timeout=180),
            httpx.Client(
                base_url=f"{stack.url}/api/v1", timeout=60, headers=stack.auth_headers
            ) as api,
        ):
            buf = io.StringIO()
            _frame().to_csv(buf, index=False)
            files = {"file": ("breast_cancer.csv", buf.getvalue().encode(), "text/csv")}
            dataset = api.post("/datasets", files=files).json()
            _wait(api, f"/datasets/{dataset['id']}", {"READY"})
            started = time.monotonic()
            job = api.post("/jobs", json={"dataset_id": dataset["id"], "graph": _graph(trials)})
            job.raise_for_status()
            done = _wait(api, f"/jobs/{job.json()['id']}", {"SUCCEEDED", "FAILED"})
            wall = time.monotonic() - started
            assert done["status"] == "SUCCEEDED", done
            [study] = api.get(f"/jobs/{done['id']}/trials").json()["studies"]
    finished = [t for t in study["trials"] if t["finished_at"]]
    starts = [datetime.fromisoformat(t["started_at"]) for t in finished]
    ends = [datetime.fromisoformat(t["finished_at"]) for t in finished]
    return {
        "rate": _rate(starts, ends),
        "wall": wall,
        "workers": len({t["worker"] for t in finished}),
        "best": study["best_value"],
    }


def _objective(trial: optuna.Trial) -> float:
    frame = _frame()
    X, y = frame.drop(columns=["target"]), frame["target"]
    X_train, _, y_train, _ = train_test_split(X, y, test_size=0.2, random_state=42)
    model = RandomForestClassifier(
        n_estimators=trial.suggest_int("n_estimators", 10, 100),
        max_depth=trial.suggest_int("max_depth", 2, 16),
        min_samples_leaf=trial.suggest_int("min_samples_leaf", 1, 8),
        random_state=42,
        n_jobs=1,
    )
    folds = KFold(3, shuffle=True, random_state=42)
    return float(cross_val_score(model, X_train, y_train, cv=folds, scoring="roc_auc").mean())


def _storage(url: str) -> optuna.storages.RDBStorage:
    options = {"connect_args": {"options": f"-csearch_path={SCHEMA}"}}
    return optuna.storages.RDBStorage(url, engine_kwargs=options)


def _raw_worker(url: str, name: str, n_trials: int) -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(study_name=name, storage=_storage(url))
    study.optimize(_objective, n_trials=n_trials)


def raw(processes: int, url: str, trials: int) -> dict[str, Any]:
    name = f"raw-{processes}-{time.time_ns()}"
    optuna.create_study(study_name=name, storage=_storage(url), direction="maximize")
    share = [trials // processes + (i < trials % processes) for i in range(processes)]
    started = time.monotonic()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_raw_worker, args=(url, name, n)) for n in share]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    wall = time.monotonic() - started
    study = optuna.load_study(study_name=name, storage=_storage(url))
    done = [t for t in study.trials if t.datetime_complete and t.datetime_start]
    starts = [t.datetime_start for t in done if t.datetime_start]
    ends = [t.datetime_complete for t in done if t.datetime_complete]
    return {
        "rate": _rate(starts, ends),
        "wall": wall,
        "workers": processes,
        "best": study.best_value,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=40)
    ns = parser.parse_args()
    rows: list[tuple[str, int, dict[str, Any]]] = []
    with postgres_service() as pg, redis_service() as redis:
        env = {"SKYULF_DATABASE_URL": pg, "SKYULF_BROKER_URL": redis}
        for n in (1, 2):
            rows.append(("Skyulf tuning job", n, skyulf(n, env, ns.trials)))
        for n in (1, 2):  # the schema exists now: the stacks created it
            rows.append(("raw Optuna", n, raw(n, pg, ns.trials)))
    rates = {(kind, n): r["rate"] for kind, n, r in rows}
    print(f"{ns.trials} trials, random forest, 3-fold CV, breast cancer, PostgreSQL storage\n")
    print(
        "| runner | workers | trials/min | vs 1 worker | vs raw Optuna | job wall (s) | best ROC AUC |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for kind, n, r in rows:
        scale = r["rate"] / rates[(kind, 1)]
        vs_raw = r["rate"] / rates[("raw Optuna", n)]
        print(
            f"| {kind} | {n} (ran on {r['workers']}) | {r['rate']:.1f} | {scale:.2f}x "
            f"| {vs_raw:.0%} | {r['wall']:.1f} | {r['best']:.4f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
