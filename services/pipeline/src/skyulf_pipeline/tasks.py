"""Celery tasks of the pipeline service, run by the platform's workers on the ``train`` and
``tune`` queues.

Each task imports its runner when it runs: the runners load the ML core, which a worker that
only takes other queues' tasks (ingestion) should never hold in memory.
"""

from __future__ import annotations

import logging

from celery import shared_task

from skyulf_errors import NotFound
from skyulf_platform.tasks.app import declare_task_queue

log = logging.getLogger(__name__)

# The training task's name: the contract between this service and the workers that run it.
TRAIN_PIPELINE = "skyulf.pipeline.train"
declare_task_queue(TRAIN_PIPELINE, "train")
# A job with a tuned model node: search, then refit and register.
TUNE_PIPELINE = "skyulf.pipeline.tune"
declare_task_queue(TUNE_PIPELINE, "tune")
# Trials of one running study, taken from its budget (the tune task puts several up).
TUNE_TRIALS = "skyulf.pipeline.tune_trials"
declare_task_queue(TUNE_TRIALS, "tune")
QUEUE_OF_KIND = {"train": ("train", TRAIN_PIPELINE), "tune": ("tune", TUNE_PIPELINE)}


@shared_task(name=TRAIN_PIPELINE)
def train(job_id: str) -> None:
    from skyulf_pipeline.runner import run_training_job

    try:
        run_training_job(job_id)
    except NotFound:
        # A task for a job this database does not hold: nothing to run, nothing to retry.
        log.warning("train task for unknown job %s dropped", job_id, extra={"job_id": job_id})


@shared_task(name=TUNE_PIPELINE)
def tune(job_id: str) -> None:
    from skyulf_pipeline.wiring import tuning_runner

    try:
        tuning_runner().run(job_id)
    except NotFound:
        log.warning("tune task for unknown job %s dropped", job_id, extra={"job_id": job_id})


@shared_task(name=TUNE_TRIALS)
def tune_trials(job_id: str, node_id: str) -> None:
    from skyulf_pipeline.wiring import trial_worker

    try:
        trial_worker().run(job_id, node_id)
    except NotFound:
        log.warning("trial task for unknown job %s dropped", job_id, extra={"job_id": job_id})
