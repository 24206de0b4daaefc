"""Running one training job to its end: what the Celery ``train`` task does.

Idempotent on the job id: a finished job is left alone (so is one the pipeline service failed
because its worker stopped beating), a job cancelled before it started is not run, and a job found
RUNNING (its worker died and the broker handed the task back before the job was failed as stale)
is run again; the registry answers a second registration for the same job with the first version.
While the job runs a heartbeat thread marks it alive. Whatever happens, the job row is left
finished when ``run`` returns, and every final change holds only while the job is RUNNING.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import cache
from typing import Any

from skyulf_core.errors import Cancelled, ErrorCode, FailedPrecondition, SkyulfError
from skyulf_core.graph import PipelineGraph
from skyulf_core.graph.executor import train_pipeline
from skyulf_pipeline.datasets import load_frame
from skyulf_pipeline.evaluations import write_evaluation
from skyulf_pipeline.models import Job, JobChange, JobError, JobStatus
from skyulf_pipeline.node_progress import NodeProgress
from skyulf_pipeline.peers import IngestionClient, RegistryClient
from skyulf_pipeline.repository import JobRepository
from skyulf_pipeline.settings import get_settings
from skyulf_platform.artifacts import ArtifactStore, open_store
from skyulf_platform.bundles import write_bundle
from skyulf_platform.db.base import utcnow
from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.uow import UnitOfWork
from skyulf_platform.grpc.client import sync_channel

log = logging.getLogger(__name__)

TRAINING_SHARE = 0.9


class CancelProbe:
    """``should_cancel`` for the executor: reads the job's flag at most every ``interval`` s."""

    def __init__(self, jobs: JobRepository, job_id: str, interval: float) -> None:
        self.jobs = jobs
        self.job_id = job_id
        self.interval = interval
        self._last = 0.0
        self._value = False

    def __call__(self) -> bool:
        now = time.monotonic()
        if not self._value and now - self._last >= self.interval:
            self._last = now
            self._value = self.jobs.cancel_requested(self.job_id)
        return self._value


class Heartbeat:
    """Writes the job's ``heartbeat_at`` every ``interval`` seconds from a daemon thread.

    The pipeline service fails a RUNNING job whose heartbeat goes stale (its worker died). Once
    the job is no longer RUNNING (it finished, or was failed as stale while this worker stalled)
    the beating stops and ``lost`` turns true, which stops the training early.
    """

    def __init__(self, jobs: JobRepository, job_id: str, interval: float) -> None:
        self.jobs = jobs
        self.job_id = job_id
        self.interval = interval
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=max(self.interval, 5.0))

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                alive = self.jobs.heartbeat(self.job_id)
            except Exception:
                # A database hiccup: the next beat may get through before the job goes stale.
                log.warning(
                    "could not record the heartbeat of job %s",
                    self.job_id,
                    exc_info=True,
                    extra={"job_id": self.job_id},
                )
                continue
            if not alive:
                self.lost = True
                return


def numeric_metrics(metrics: dict[str, Any]) -> dict[str, float]:
    return {
        k: float(v)
        for k, v in metrics.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }


class TrainingRunner:
    def __init__(
        self,
        jobs: JobRepository,
        store: ArtifactStore,
        ingestion: IngestionClient,
        registry: RegistryClient,
        signing_key: bytes,
        *,
        cancel_poll_seconds: float = 0.5,
        heartbeat_seconds: float = 15.0,
    ) -> None:
        self.jobs = jobs
        self.store = store
        self.ingestion = ingestion
        self.registry = registry
        self.signing_key = signing_key
        self.cancel_poll_seconds = cancel_poll_seconds
        self.heartbeat_seconds = heartbeat_seconds

    def run(self, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job.status.finished:
            log.info(
                "job %s is already %s; nothing to do", job_id, job.status, extra={"job_id": job_id}
            )
            return job
        now = utcnow()
        started = self.jobs.change(
            job_id,
            when=[JobStatus.QUEUED, JobStatus.RUNNING],
            change=JobChange(
                status=JobStatus.RUNNING,
                progress=0.0,
                message="started",
                started_at=now,
                heartbeat_at=now,
            ),
            event_type="started",
        )
        if started is None:  # cancelled (or finished) between the read and the update
            return self.jobs.get(job_id)
        with Heartbeat(self.jobs, job_id, self.heartbeat_seconds) as heartbeat:
            return self._run_started(started, heartbeat)

    def _run_started(self, started: Job, heartbeat: Heartbeat) -> Job:
        """Train, then record how it ended: every final change holds only while RUNNING, so a
        job the pipeline service failed as stale meanwhile stays FAILED."""
        job_id = started.id
        try:
            return self._train(started, heartbeat)
        except Cancelled as e:
            return self._finish(job_id, JobStatus.CANCELLED, "cancelled", message=e.message)
        except SkyulfError as e:
            log.info("job %s failed: %s", job_id, e.message, extra={"job_id": job_id})
            return self._fail(
                job_id, JobError(code=e.code.value, message=e.message, details=e.details)
            )
        except Exception:
            log.exception("job %s failed with an internal error", job_id, extra={"job_id": job_id})
            return self._fail(
                job_id,
                JobError(
                    code=ErrorCode.INTERNAL.value,
                    message=f"training failed with an internal error (job {job_id})",
                    details={"job_id": job_id},
                ),
            )

    def _train(self, job: Job, heartbeat: Heartbeat) -> Job:
        dataset = self.ingestion.get_dataset(job.dataset_id)
        frame = load_frame(self.store, dataset)
        graph = PipelineGraph.model_validate(job.graph)
        cancel_requested = CancelProbe(self.jobs, job.id, self.cancel_poll_seconds)

        def should_cancel() -> bool:
            return heartbeat.lost or cancel_requested()

        def on_progress(fraction: float, message: str) -> None:
            # The executor's 0..1 maps to 0..0.9: writing and registering the bundle follow.
            self._progress(job.id, TRAINING_SHARE * fraction, message)

        nodes = NodeProgress(self.jobs, job.id, graph)
        nodes.start()
        try:
            result = train_pipeline(
                graph, frame, on_progress=on_progress, should_cancel=should_cancel, on_step=nodes
            )
        except BaseException:
            nodes.failed()
            raise
        nodes.finished()
        if heartbeat.lost:
            # Failed as stale while this worker stalled: registering a model now would leave
            # a version behind for a FAILED job.
            raise Cancelled(f"job {job.id} is no longer running", details={"job_id": job.id})
        if self.jobs.cancel_requested(job.id):
            raise Cancelled(f"job {job.id} was cancelled", details={"job_id": job.id})
        self._progress(job.id, TRAINING_SHARE, "writing the model bundle")
        bundle = write_bundle(
            self.store,
            f"models/{job.model_name}/{job.id}",
            result.fitted.to_files(),
            self.signing_key,
        )
        metrics = numeric_metrics(result.metrics)
        self._progress(job.id, 0.95, f"registering {job.model_name}")
        version = self.registry.create_model_version(
            name=job.model_name,
            task=result.task,
            model_type=result.model_type,
            bundle_uri=bundle.uri,
            bundle_checksum=bundle.manifest_sha256,
            metrics=metrics,
            signature=result.fitted.signature,
            dataset_id=job.dataset_id,
            job_id=job.id,
            pipeline=job.graph,
        )
        if result.evaluation is not None:
            update = {"model_name": version.name, "model_version": version.version}
            write_evaluation(self.store, job.id, [result.evaluation.model_copy(update=update)])
        done = self.jobs.change(
            job.id,
            when=[JobStatus.RUNNING],
            change=JobChange(
                status=JobStatus.SUCCEEDED,
                progress=1.0,
                message=f"registered {version.name} version {version.version}",
                metrics=metrics,
                model_version=version.version,
                finished_at=utcnow(),
            ),
            event_type="succeeded",
        )
        if done is None:
            raise FailedPrecondition(
                f"job {job.id} is no longer running", details={"job_id": job.id}
            )
        return done

    def _progress(self, job_id: str, fraction: float, message: str) -> None:
        self.jobs.change(
            job_id,
            when=[JobStatus.RUNNING],
            change=JobChange(progress=max(0.0, min(float(fraction), 1.0)), message=message),
            event_type="progress",
        )

    def _fail(self, job_id: str, error: JobError) -> Job:
        return self._finish(job_id, JobStatus.FAILED, "failed", message=error.message, error=error)

    def _finish(
        self,
        job_id: str,
        status: JobStatus,
        event_type: str,
        *,
        message: str,
        error: JobError | None = None,
    ) -> Job:
        change = JobChange(status=status, message=message, finished_at=utcnow())
        if error is not None:
            change.error = error
        done = self.jobs.change(
            job_id, when=[JobStatus.QUEUED, JobStatus.RUNNING], change=change, event_type=event_type
        )
        if done is not None:
            return done
        current = self.jobs.get(job_id)
        log.info(
            "job %s is already %s; this run's outcome (%s) is dropped",
            job_id,
            current.status,
            status,
            extra={"job_id": job_id},
        )
        return current


@cache
def default_runner() -> TrainingRunner:
    """The runner a worker process uses, built once from the pipeline's settings."""
    settings = get_settings()
    jobs = JobRepository(UnitOfWork(make_engine(settings.resolved_database_url())))
    return TrainingRunner(
        jobs,
        open_store(settings),
        IngestionClient(sync_channel(settings.ingestion_addr)),
        RegistryClient(sync_channel(settings.registry_addr)),
        settings.signing_key(),
        cancel_poll_seconds=settings.cancel_poll_seconds,
        heartbeat_seconds=settings.job_heartbeat_seconds,
    )


def run_training_job(job_id: str) -> Job:
    return default_runner().run(job_id)
