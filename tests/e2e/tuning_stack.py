"""A platform with two workers on PostgreSQL and Redis of its own, for the tuning tests."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

from sklearn.datasets import load_breast_cancer

from skyulf_platform.stack import Ports, Stack
from skyulf_platform.testing.containers import postgres_service, redis_service
from skyulf_platform.testing.databases import ServiceUnavailable
from skyulf_platform.testing.pytest_plugin import unavailable

# Short heartbeats: a killed worker's job and trial are noticed within seconds.
FAST_FAILURE = {
    "SKYULF_JOB_HEARTBEAT_SECONDS": "0.5",
    "SKYULF_JOB_STALE_SECONDS": "4",
    "SKYULF_JOB_REAP_INTERVAL_SECONDS": "0.5",
    "SKYULF_JOB_MAX_ATTEMPTS": "3",
    "SKYULF_TUNING_HEARTBEAT_SECONDS": "1",
    "SKYULF_TUNING_GRACE_SECONDS": "4",
}


@contextlib.contextmanager
def real_parts() -> Iterator[dict[str, str]]:
    """A PostgreSQL database and a Redis database number of this stack alone."""
    with contextlib.ExitStack() as stack:
        try:
            pg = stack.enter_context(postgres_service())
            redis = stack.enter_context(redis_service())
        except ServiceUnavailable as exc:
            unavailable("PostgreSQL or Redis", exc)
        yield {"SKYULF_DATABASE_URL": pg, "SKYULF_BROKER_URL": redis}


@contextlib.contextmanager
def tuning_stack(tmp: Path, workers: int = 2, **env: str) -> Iterator[Stack]:
    with real_parts() as parts:
        s = Stack(
            data_dir=tmp / "data",
            ports=Ports.free(),
            env={**parts, **FAST_FAILURE, **env},
            workers=workers,
        )
        try:
            with s.running(timeout=150):
                yield s
        except Exception:
            for name in s.procs:
                print(f"--- {name} log ---\n{s.log_tail(name, 40)}")
            raise


def breast_cancer_csv(copies: int = 1) -> bytes:
    frame = load_breast_cancer(as_frame=True).frame
    frame.columns = [c.replace(" ", "_") for c in frame.columns]
    if copies > 1:
        import pandas as pd

        frame = pd.concat([frame] * copies, ignore_index=True)
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    return buf.getvalue().encode()


def tuned_forest(n_trials: int, trees: tuple[int, int], **config: object) -> dict[str, object]:
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
                        "n_trials": n_trials,
                        "cv_folds": 3,
                        "search_space": {
                            "n_estimators": {"type": "int", "low": trees[0], "high": trees[1]},
                            "max_depth": {"type": "int", "low": 2, "high": 12},
                            "min_samples_leaf": {"type": "int", "low": 1, "high": 8},
                        },
                        **config,
                    },
                },
            },
        ],
        "edges": [{"source": "split", "target": "forest"}],
    }
