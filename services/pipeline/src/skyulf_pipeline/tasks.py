"""Celery tasks of the pipeline service, run by the platform's workers on the ``train`` queue."""

from __future__ import annotations

import logging

from celery import shared_task

from skyulf_core.errors import NotFound
from skyulf_pipeline.runner import run_training_job
from skyulf_platform.tasks.app import declare_task_queue

log = logging.getLogger(__name__)

# The training task's name: the contract between this service and the workers that run it.
TRAIN_PIPELINE = "skyulf.pipeline.train"
declare_task_queue(TRAIN_PIPELINE, "train")


@shared_task(name=TRAIN_PIPELINE)
def train(job_id: str) -> None:
    try:
        run_training_job(job_id)
    except NotFound:
        # A task for a job this database does not hold: nothing to run, nothing to retry.
        log.warning("train task for unknown job %s dropped", job_id, extra={"job_id": job_id})
