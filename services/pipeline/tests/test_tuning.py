"""Tuning jobs in the pipeline service: a tune job searches, fans trials out, refits and
registers with its best params; the budget is claimed atomically; Optuna's storage keeps to its
own schema on PostgreSQL."""

from __future__ import annotations

import asyncio
import copy
import json
import threading
import time
from pathlib import Path
from typing import Any

import optuna
import sqlalchemy as sa
from optuna.trial import TrialState

from skyulf.pipeline.v1 import pipeline_pb2
from skyulf_pipeline.__main__ import MIGRATIONS
from skyulf_pipeline.datasets import load_frame
from skyulf_pipeline.peers import IngestionClient, RegistryClient
from skyulf_pipeline.study_repository import StudyRepository
from skyulf_pipeline.trials import TrialsReader
from skyulf_pipeline.tuning_runner import TrialWorker, TuningRunner, study_name
from skyulf_pipeline.tuning_storage import open_storage
from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.migrations import upgrade
from skyulf_platform.grpc.client import sync_channel

from .conftest import SIGNING_KEY, Harness


def _tuned(graph: dict[str, Any], n_trials: int = 4) -> dict[str, Any]:
    graph = copy.deepcopy(graph)
    graph["nodes"][-1]["params"] = {
        "run_mode": "tuned",
        "tuning_config": {
            "strategy": "optuna",
            "metric": "accuracy",
            "n_trials": n_trials,
            "cv_folds": 3,
            "search_space": {"C": {"type": "float", "low": 0.01, "high": 10.0, "log": True}},
        },
    }
    return graph


async def test_a_tuning_job_searches_fans_out_refits_and_registers(
    harness: Harness, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'tuning.db'}"

    def storage() -> Any:
        return open_storage(url, "unused", 1, 2)

    studies = StudyRepository(harness.jobs.uow)
    harness.service.trials = TrialsReader(studies, storage)
    fanned: list[tuple[str, str, int]] = []
    channel = sync_channel(harness.ingestion_addr)
    runner = TuningRunner(
        harness.jobs,
        harness.store,
        IngestionClient(channel),
        RegistryClient(channel),
        SIGNING_KEY,
        cancel_poll_seconds=0.0,
        studies=studies,
        storage=storage,
        fan_out=lambda job_id, node_id, n: fanned.append((job_id, node_id, n)),
        parallel_tasks=2,
    )
    job = await harness.create(_tuned(harness.slice_graph))
    assert job.kind == "tune" and harness.enqueued.kinds == ["tune"]

    done = await asyncio.to_thread(runner.run, job.id)
    channel.close()
    assert done.status == "SUCCEEDED", done.error
    assert fanned == [(job.id, "model", 2)]
    # A trial task arriving after the study is done finds nothing to do.
    worker = TrialWorker(harness.jobs, studies, storage, load=lambda j: None)
    assert worker.run(job.id, "model") == 0

    resp = await harness.stub.ListJobTrials(pipeline_pb2.ListJobTrialsRequest(job_id=job.id))
    [study] = json.loads(resp.trials_json)["studies"]
    assert study["state"] == "COMPLETE" and study["n_trials"] == 4
    assert [t["state"] for t in study["trials"]] == ["COMPLETE"] * 4
    assert set(study["param_importances"]) == {"C"}
    [call] = harness.registry.calls
    assert json.loads(call.tags["tuning.best_params.C"]) == study["best_params"]["C"]
    assert call.tags["tuning.metric"] == "accuracy"
    trial_events = [e for e in harness.jobs.events(job.id) if e.type == "trial"]
    assert sorted(e.trial["number"] for e in trial_events if e.trial) == [0, 1, 2, 3]


async def test_trials_go_on_while_the_job_waits_for_its_next_attempt(
    harness: Harness, tmp_path: Path
) -> None:
    """A job whose worker died is QUEUED again until its next attempt starts; the trials other
    workers run meanwhile complete (only a finished or cancelled job stops them)."""
    url = f"sqlite:///{tmp_path / 'tuning.db'}"

    def storage() -> Any:
        return open_storage(url, "unused", 1, 2)

    studies = StudyRepository(harness.jobs.uow)
    job = await harness.create(_tuned(harness.slice_graph, n_trials=2))
    row = studies.ensure(
        job_id=job.id,
        node_id="model",
        study_name=study_name(job.id, "model"),
        strategy="optuna",
        metric="accuracy",
        direction="maximize",
        n_trials=2,
        timeout=None,
    )
    assert harness.jobs.get(job.id).status == "QUEUED"
    channel = sync_channel(harness.ingestion_addr)
    ingestion = IngestionClient(channel)

    def load(j: Any) -> Any:
        return load_frame(harness.store, ingestion.get_dataset(j.dataset_id, version=0))

    worker = TrialWorker(harness.jobs, studies, storage, load=load, cancel_poll_seconds=0.0)
    try:
        ran = await asyncio.to_thread(worker.run, job.id, "model")
    finally:
        channel.close()
    trials = optuna.load_study(study_name=row.study_name, storage=storage()).get_trials()
    assert ran == 2 and [t.state for t in trials] == [TrialState.COMPLETE] * 2


async def test_a_cancel_stops_a_tuning_trial_in_the_middle_of_its_fit(
    harness: Harness, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'tuning.db'}"

    def storage() -> Any:
        return open_storage(url, "unused", 1, 2)

    channel = sync_channel(harness.ingestion_addr)
    runner = TuningRunner(
        harness.jobs,
        harness.store,
        IngestionClient(channel),
        RegistryClient(channel),
        SIGNING_KEY,
        cancel_poll_seconds=0.0,
        isolate_fit=True,
        studies=StudyRepository(harness.jobs.uow),
        storage=storage,
        fan_out=lambda job_id, node_id, n: None,
    )
    graph = copy.deepcopy(harness.slice_graph)
    # One trial whose folds each fit far longer than the test waits.
    slow = {"n_estimators": {"type": "categorical", "choices": [5000]}}
    config = {"strategy": "grid", "n_trials": 1, "cv_folds": 2, "search_space": slow}
    graph["nodes"][-1] = {
        "id": "model",
        "type": "random_forest_classifier",
        "params": {"run_mode": "tuned", "tuning_config": config},
    }
    job = await harness.create(graph)
    run = asyncio.create_task(asyncio.to_thread(runner.run, job.id))
    try:
        while harness.jobs.get(job.id).status != "RUNNING":
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.5)  # the trial's first fold is fitting
        asked = time.monotonic()
        harness.service.cancel_job(job.id)
        done = await asyncio.wait_for(run, 60)
    finally:
        channel.close()
    assert done.status == "CANCELLED"
    assert time.monotonic() - asked < 5.0


async def test_a_training_job_has_no_studies(harness: Harness) -> None:
    job = await harness.create(harness.slice_graph)
    assert job.kind == "train" and harness.enqueued.kinds == ["train"]
    resp = await harness.stub.ListJobTrials(pipeline_pb2.ListJobTrialsRequest(job_id=job.id))
    assert json.loads(resp.trials_json) == {"job_id": job.id, "studies": []}


async def test_workers_racing_for_trials_never_exceed_the_budget(harness: Harness) -> None:
    job = await harness.create(_tuned(harness.slice_graph))
    studies = StudyRepository(harness.jobs.uow)
    row = studies.ensure(
        job_id=job.id,
        node_id="model",
        study_name="s",
        strategy="optuna",
        metric="accuracy",
        direction="maximize",
        n_trials=7,
        timeout=None,
    )
    granted: list[bool] = []

    def claim_many() -> None:
        for _ in range(10):
            granted.append(studies.claim(row.id))

    threads = [threading.Thread(target=claim_many) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert granted.count(True) == 7
    # A second attempt of the job goes on with the same study and its spent budget.
    again = studies.ensure(
        job_id=job.id,
        node_id="model",
        study_name="other",
        strategy="optuna",
        metric="accuracy",
        direction="maximize",
        n_trials=7,
        timeout=None,
    )
    assert (again.id, again.study_name, again.claimed) == (row.id, "s", 7)


def test_optuna_keeps_to_its_own_schema_on_postgresql(fresh_postgres_url: str) -> None:
    upgrade(MIGRATIONS, fresh_postgres_url, "pipeline")
    storage = open_storage(fresh_postgres_url, "skyulf_tuning", 1, 2)
    storage.create_new_study([], "a-study")
    upgrade(MIGRATIONS, fresh_postgres_url, "pipeline")  # the service's history is untouched
    engine = make_engine(fresh_postgres_url)
    try:
        inspector = sa.inspect(engine)
        public = set(inspector.get_table_names(schema="public"))
        tuning = set(inspector.get_table_names(schema="skyulf_tuning"))
        assert {"studies", "trials", "alembic_version"} <= tuning
        assert "studies" not in public and "alembic_version" not in public
        assert "pipeline_tuning_studies" in public and "alembic_version_pipeline" in public
    finally:
        engine.dispose()
        storage.engine.dispose()
