"""Celery tasks of the deployment service: batch scoring and drift reports.

They run on the ``train`` queue: its workers already load bundles and run fitted pipelines,
and are sized for it (memory, time limits); a queue of their own would need its own worker
pool for work that is, per row, far lighter than training.
"""

from __future__ import annotations

import logging
from functools import cache

from celery import shared_task

from skyulf_deployment.wiring import DRIFT_REPORT, QUEUE, SCORE_BATCH, WorkerServices, build_worker
from skyulf_errors import NotFound
from skyulf_platform.tasks.app import declare_task_queue

log = logging.getLogger(__name__)

declare_task_queue(SCORE_BATCH, QUEUE)
declare_task_queue(DRIFT_REPORT, QUEUE)


@cache
def worker() -> WorkerServices:
    """One set of clients (engine, store, peers) per worker process."""
    return build_worker()


@shared_task(name=SCORE_BATCH)
def score_batch(job_id: str) -> str:
    try:
        return worker().batch.run(job_id).status.value
    except NotFound:
        log.warning("batch task for unknown job %s dropped", job_id, extra={"job_id": job_id})
        return "NOT_FOUND"


@shared_task(name=DRIFT_REPORT)
def drift_report(report_id: str) -> str:
    try:
        return worker().drift.run(report_id).status.value
    except NotFound:
        log.warning("drift task for unknown report %s dropped", report_id)
        return "NOT_FOUND"
