"""Running one training job to its end: what the Celery ``train`` task does.

Idempotent on the job id. A finished job is left alone; a job cancelled before it started is not
run. A delivery starts the next attempt only from QUEUED, or from RUNNING when the job's heartbeat
is stale (its worker vanished and the broker handed the task back): a second delivery while the
first attempt is alive changes nothing. Each attempt counts on the job row; past
``max_attempts`` the job is FAILED with the reason instead of run again. Each attempt writes its
bundles under its own key (``models/<name>/<job>/attempt-<n>``) and registers each model node
once: the registry answers a second registration of a job's model node with the version it
already holds, whose files are never overwritten. A job that ends FAILED or CANCELLED withdraws
the versions an attempt registered. While the job runs a heartbeat thread marks it alive, and the
queue's soft time limit stops it. Whatever happens, the job row is left finished when ``run``
returns, and every final change holds only while the job is RUNNING.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import cache
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded

from skyulf_core.graph import PipelineGraph
from skyulf_core.graph.executor import ModelResult as TrainedModel
from skyulf_core.graph.executor import TrainResult, train_pipeline
from skyulf_errors import (
    Cancelled,
    ErrorCode,
    FailedPrecondition,
    SkyulfError,
    Unavailable,
)
from skyulf_pipeline.datasets import load_frame
from skyulf_pipeline.evaluations import write_evaluation
from skyulf_pipeline.liveness import CancelProbe, Deadline, Heartbeat
from skyulf_pipeline.models import Job, JobChange, JobError, JobStatus, ModelResult
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
from skyulf_platform.tasks.app import queue_time_limits

log = logging.getLogger(__name__)

TRAINING_SHARE = 0.9


def job_error(error: SkyulfError) -> JobError:
    return JobError(code=error.code.value, message=error.message, details=error.details)


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
        stale_seconds: float = 120.0,
        max_attempts: int = 3,
        isolate_fit: bool = False,
        time_limits: tuple[float, float] | None = None,
    ) -> None:
        self.jobs = jobs
        self.store = store
        self.ingestion = ingestion
        self.registry = registry
        self.signing_key = signing_key
        self.cancel_poll_seconds = cancel_poll_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self.stale_seconds = stale_seconds
        self.max_attempts = max_attempts
        self.isolate_fit = isolate_fit
        self.time_limits = time_limits or queue_time_limits("train")

    def run(self, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job.status.finished:
            log.info(
                "job %s is already %s; nothing to do", job_id, job.status, extra={"job_id": job_id}
            )
            return job
        stale_before = utcnow() - timedelta(seconds=self.stale_seconds)
        if job.attempts >= self.max_attempts:
            return self._out_of_attempts(job, stale_before)
        started = self.jobs.start_attempt(
            job_id, stale_before=stale_before, message=f"started (attempt {job.attempts + 1})"
        )
        if started is None:
            current = self.jobs.get(job_id)
            log.info(
                "job %s is %s (attempt %d, heartbeat %s); this delivery does not run it",
                job_id,
                current.status,
                current.attempts,
                current.heartbeat_at,
                extra={"job_id": job_id},
            )
            return current
        soft, hard = self.time_limits
        with (
            Heartbeat(self.jobs, job_id, self.heartbeat_seconds, started.attempts) as heartbeat,
            Deadline(
                started, soft, hard, lambda error: self._fail(job_id, started.attempts, error)
            ) as deadline,
        ):
            return self._run_started(started, heartbeat, deadline)

    def _out_of_attempts(self, job: Job, stale_before: Any) -> Job:
        """A delivery of a job whose attempts are spent: FAILED with the reason, never run."""
        error = Unavailable(
            f"job {job.id} was tried {job.attempts} times and its worker stopped each time "
            f"(killed or out of memory); SKYULF_JOB_MAX_ATTEMPTS is {self.max_attempts}",
            details={"job_id": job.id, "attempts": job.attempts},
        )
        failed = self.jobs.change(
            job.id,
            when=[JobStatus.QUEUED, JobStatus.RUNNING],
            silent_since=stale_before,
            change=JobChange(
                status=JobStatus.FAILED,
                message=error.message,
                error=job_error(error),
                finished_at=utcnow(),
            ),
            event_type="failed",
        )
        if failed is None:
            return self.jobs.get(job.id)
        self._withdraw(job.id)
        return failed

    def _run_started(self, started: Job, heartbeat: Heartbeat, deadline: Deadline) -> Job:
        """Train, then record how it ended: every final change holds only while RUNNING, so a
        job the pipeline service failed as stale meanwhile stays FAILED."""
        job_id, attempt = started.id, started.attempts
        try:
            return self._train(started, heartbeat, deadline)
        except Cancelled as e:
            if deadline.passed:
                return self._fail(job_id, attempt, job_error(deadline.error()))
            return self._finish(
                job_id, attempt, JobStatus.CANCELLED, "cancelled", message=e.message
            )
        except SoftTimeLimitExceeded:
            # Celery's own soft limit (prefork pools), the same limit the deadline checks.
            return self._fail(job_id, attempt, job_error(deadline.error()))
        except SkyulfError as e:
            log.info("job %s failed: %s", job_id, e.message, extra={"job_id": job_id})
            return self._fail(job_id, attempt, job_error(e))
        except Exception:
            log.exception("job %s failed with an internal error", job_id, extra={"job_id": job_id})
            return self._fail(
                job_id,
                attempt,
                JobError(
                    code=ErrorCode.INTERNAL.value,
                    message=f"training failed with an internal error (job {job_id})",
                    details={"job_id": job_id},
                ),
            )

    def _train(self, job: Job, heartbeat: Heartbeat, deadline: Deadline) -> Job:
        # The version recorded when the job was created, even if a newer one came since.
        dataset = self.ingestion.get_dataset(job.dataset_id, version=job.dataset_version or 0)
        frame = load_frame(self.store, dataset)
        graph = PipelineGraph.model_validate(job.graph)
        cancel_requested = CancelProbe(self.jobs, job.id, self.cancel_poll_seconds)

        def should_cancel() -> bool:
            return heartbeat.lost or deadline.passed or cancel_requested()

        # A tuned node is searched first (TuningRunner); the graph trained is then fixed.
        graph, tags, base = self._search(job, frame, graph, should_cancel)

        def on_progress(fraction: float, message: str) -> None:
            # The executor's 0..1 maps to base..0.9: writing and registering the bundle follow.
            self._progress(job, base + (TRAINING_SHARE - base) * fraction, message)

        nodes = NodeProgress(self.jobs, job.id, graph)
        nodes.start()
        try:
            result = train_pipeline(
                graph,
                frame,
                on_progress=on_progress,
                should_cancel=should_cancel,
                on_step=nodes,
                isolate_fit=self.isolate_fit,
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
        results = self._register(job, result, tags)
        first = results[0]
        evaluations = [
            trained.evaluation.model_copy(
                update={"model_name": r.model_name, "model_version": r.model_version}
            )
            for trained, r in zip(result.models, results, strict=True)
            if trained.evaluation is not None
        ]
        if evaluations:
            write_evaluation(self.store, job.id, evaluations)
        done = self.jobs.change(
            job.id,
            when=[JobStatus.RUNNING],
            attempt=job.attempts,
            change=JobChange(
                status=JobStatus.SUCCEEDED,
                progress=1.0,
                message="registered "
                + ", ".join(f"{r.model_name} version {r.model_version}" for r in results),
                metrics=first.metrics,
                model_version=first.model_version,
                results=results,
                finished_at=utcnow(),
            ),
            event_type="succeeded",
        )
        if done is None:
            raise FailedPrecondition(
                f"job {job.id} is no longer running", details={"job_id": job.id}
            )
        return done

    def _search(
        self, job: Job, frame: Any, graph: PipelineGraph, should_cancel: Any
    ) -> tuple[PipelineGraph, dict[str, dict[str, str]], float]:
        """A training job trains its graph as it is: no search, no tags, progress from 0."""
        return graph, {}, 0.0

    def _register(
        self, job: Job, result: TrainResult, tags: dict[str, dict[str, str]] | None = None
    ) -> list[ModelResult]:
        """Write each model's bundle under this attempt's key and register it (with ``tags``
        per model node: a tuned node's best parameters and study summary)."""
        names = {r.node_id: r.model_name for r in job.results}
        results = []
        for index, trained in enumerate(result.models):
            name = names.get(trained.node_id) or job.model_name
            share = TRAINING_SHARE + 0.1 * index / len(result.models)
            self._progress(job, share, f"writing and registering {name}")
            node_tags = (tags or {}).get(trained.node_id, {})
            results.append(self._register_one(job, trained, name, result.task, node_tags))
        return results

    def _register_one(
        self,
        job: Job,
        trained: TrainedModel,
        name: str,
        task: str,
        tags: dict[str, str] | None = None,
    ) -> ModelResult:
        bundle = write_bundle(
            self.store,
            f"models/{name}/{job.id}/attempt-{job.attempts}",
            trained.fitted.to_files(),
            self.signing_key,
        )
        metrics = numeric_metrics(trained.metrics)
        version = self.registry.create_model_version(
            name=name,
            task=task,
            model_type=trained.model_type,
            bundle_uri=bundle.uri,
            bundle_checksum=bundle.manifest_sha256,
            metrics=metrics,
            signature=trained.fitted.signature,
            dataset_id=job.dataset_id,
            dataset_version=job.dataset_version or 0,
            job_id=job.id,
            node_id=trained.node_id,
            pipeline=job.graph,
            runtime=trained.fitted.runtime,
            tags=tags or {},
        )
        if version.bundle_checksum and version.bundle_checksum != bundle.manifest_sha256:
            # An earlier attempt registered this model node: its version (and its metrics)
            # stands; this attempt's bundle is not used.
            log.info(
                "job %s: %s version %d was registered by an earlier attempt",
                job.id,
                version.name,
                version.version,
                extra={"job_id": job.id},
            )
            metrics = version.metrics or metrics
        return ModelResult(
            node_id=trained.node_id,
            model_type=trained.model_type,
            model_name=version.name,
            model_version=version.version,
            metrics=metrics,
        )

    def _progress(self, job: Job, fraction: float, message: str) -> None:
        self.jobs.change(
            job.id,
            when=[JobStatus.RUNNING],
            attempt=job.attempts,
            change=JobChange(progress=max(0.0, min(float(fraction), 1.0)), message=message),
            event_type="progress",
        )

    def _fail(self, job_id: str, attempt: int, error: JobError) -> Job:
        return self._finish(
            job_id, attempt, JobStatus.FAILED, "failed", message=error.message, error=error
        )

    def _finish(
        self,
        job_id: str,
        attempt: int,
        status: JobStatus,
        event_type: str,
        *,
        message: str,
        error: JobError | None = None,
    ) -> Job:
        change = JobChange(status=status, message=message, finished_at=utcnow())
        if error is not None:
            change.error = error
        # Only while this attempt holds the job: a worker given up on (its job requeued or taken
        # over by a later attempt) leaves the job to whoever has it now.
        done = self.jobs.change(
            job_id, when=[JobStatus.RUNNING], attempt=attempt, change=change, event_type=event_type
        )
        if done is not None:
            self._withdraw(job_id)
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

    def _withdraw(self, job_id: str) -> None:
        """A job that did not succeed keeps no registered version (an attempt may have left one)."""
        try:
            self.registry.delete_job_versions(job_id)
        except Exception:
            log.exception(
                "could not withdraw the versions of job %s", job_id, extra={"job_id": job_id}
            )


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
        stale_seconds=settings.job_stale_seconds,
        max_attempts=settings.job_max_attempts,
        isolate_fit=settings.fit_in_child_process,
        time_limits=queue_time_limits("train", settings),
    )


def run_training_job(job_id: str) -> Job:
    return default_runner().run(job_id)
