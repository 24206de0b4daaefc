"""Pipeline's business logic, transport-free and synchronous (the servicer runs it in threads).

Datasets arrive already fetched from ingestion (``DatasetInfo``): the servicer asks ingestion over
its asyncio channel, so nothing here blocks on the network except the task broker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from skyulf_core.evaluation import JobEvaluation
from skyulf_core.graph import PipelineGraph, ValidationReport, preview_pipeline, validate_graph
from skyulf_core.models import model_catalog
from skyulf_core.nodes import node_catalog
from skyulf_core.tuning.objective import tuned_nodes
from skyulf_core.tuning.records import TrialList
from skyulf_errors import AlreadyExists, FailedPrecondition, InvalidArgument, Unavailable
from skyulf_pipeline.datasets import load_frame, require_ready
from skyulf_pipeline.evaluations import read_evaluation
from skyulf_pipeline.models import (
    DatasetInfo,
    Issue,
    Job,
    JobChange,
    JobError,
    JobEvent,
    JobStatus,
    ModelResult,
    NodeEntry,
    PipelineSource,
    PreviewEntry,
    ValidationResult,
)
from skyulf_pipeline.previews import preview_entry
from skyulf_pipeline.repository import JobRepository
from skyulf_pipeline.submission import (
    IDEMPOTENCY_HEADER,
    model_results,
    request_digest,
)
from skyulf_pipeline.trials import TrialsReader
from skyulf_platform.artifacts.base import ArtifactStore
from skyulf_platform.artifacts.cache import LocalCopies
from skyulf_platform.db.base import utcnow
from skyulf_platform.names import is_valid_name
from skyulf_platform.projects import acting_in

log = logging.getLogger(__name__)

# enqueue(job_id, kind): put the job's task on its queue ("train" or "tune").
Enqueue = Callable[[str, str], None]
# Deletes the model versions a job registered (the registry's DeleteJobVersions).
WithdrawVersions = Callable[[str], object]

MAX_PAGE = 500
DEFAULT_PAGE = 50
MAX_PREVIEW_ROWS = 200


def issues_of(report: ValidationReport) -> list[Issue]:
    return [
        Issue(node_id=i.node_id, field=i.field, column=i.column, message=i.message)
        for i in report.errors
    ]


def invalid_graph(issues: list[Issue]) -> InvalidArgument:
    first = issues[0]
    more = f" (and {len(issues) - 1} more issue(s))" if len(issues) > 1 else ""
    message = first.message
    if first.node_id and f"'{first.node_id}'" not in message:
        message = f"node '{first.node_id}': {message}"
    details: dict[str, Any] = {"issues": [i.model_dump() for i in issues]}
    if first.node_id:
        details["node"] = first.node_id
    if first.column:
        details["column"] = first.column
    return InvalidArgument(f"invalid pipeline: {message}{more}", details=details)


def job_kind(graph: PipelineGraph) -> str:
    """``tune`` for a graph with a tuned model node, else ``train``."""
    return "tune" if tuned_nodes(graph) else "train"


def span(delta: timedelta) -> str:
    """A duration as people say it: ``45s``, ``2m``, ``2m 5s``, ``1h 3m``."""
    seconds = max(int(delta.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    if minutes:
        return f"{minutes}m {seconds}s" if seconds else f"{minutes}m"
    return f"{seconds}s"


class PipelineService:
    def __init__(
        self,
        jobs: JobRepository,
        store: ArtifactStore,
        enqueue: Enqueue,
        *,
        preview_sample_rows: int = 5000,
        max_attempts: int = 3,
        withdraw_versions: WithdrawVersions | None = None,
        trials: TrialsReader | None = None,
        copies: LocalCopies | None = None,
    ) -> None:
        self.jobs = jobs
        self.store = store
        self.enqueue = enqueue
        self.preview_sample_rows = preview_sample_rows
        self.max_attempts = max_attempts
        self.withdraw_versions = withdraw_versions
        self.trials = trials
        # Local copies of datasets' Parquet: a preview decodes its sample's row groups only.
        self.copies = copies

    # -- design time -------------------------------------------------------------------------

    def list_nodes(self) -> list[NodeEntry]:
        entries = {
            n.id: NodeEntry(
                id=n.id,
                group=n.group,
                description=n.description,
                learns=n.learns,
                train_only=n.train_only,
                params_schema=n.params_schema,
            )
            for n in node_catalog()
        }
        for m in model_catalog():
            entries.setdefault(
                m.id,
                NodeEntry(
                    id=m.id,
                    group="model",
                    description=m.description,
                    learns=True,
                    train_only=False,
                    params_schema=m.params_schema,
                ),
            )
        return list(entries.values())

    def validate(
        self, graph: PipelineGraph, dataset: DatasetInfo | None, *, partial: bool = False
    ) -> ValidationResult:
        columns = dataset.column_names if dataset is not None else None
        dtypes = {c.name: c.dtype for c in dataset.columns} if dataset is not None else None
        report = validate_graph(graph, columns, partial=partial, dtypes=dtypes)
        return ValidationResult(valid=report.valid, errors=issues_of(report))

    def preview(self, dataset: DatasetInfo, graph: PipelineGraph, rows: int) -> list[PreviewEntry]:
        require_ready(dataset)
        # A graph still being drawn may lack its model or split: preview what is there.
        self._check(graph, dataset, partial=True)
        frame = load_frame(self.store, dataset, limit=self.preview_sample_rows, copies=self.copies)
        n = min(max(rows, 1), MAX_PREVIEW_ROWS) if rows > 0 else 20
        return [preview_entry(p) for p in preview_pipeline(graph, frame, rows=n)]

    # -- jobs --------------------------------------------------------------------------------

    def create_job(
        self,
        dataset: DatasetInfo,
        graph: PipelineGraph,
        model_name: str,
        idempotency_key: str = "",
        *,
        source: PipelineSource | None = None,
    ) -> Job:
        """Queue a training job; the same ``idempotency_key`` and request give the same job."""
        digest = request_digest(dataset.id, graph, model_name)
        if idempotency_key:
            existing = self._replayed(idempotency_key, digest)
            if existing is not None:
                return existing
        require_ready(dataset)
        self._check(graph, dataset)
        if model_name and not is_valid_name(model_name):
            raise InvalidArgument(
                f"model name {model_name!r} is invalid: use 1-128 letters, digits, '.', '_' "
                "or '-', starting with a letter or digit",
                details={"field": "model_name"},
            )
        results = model_results(graph, model_name, dataset.name)
        try:
            job = self.jobs.create(
                dataset_id=dataset.id,
                dataset_version=dataset.version or None,
                graph=graph.model_dump(mode="json", exclude_none=True),
                model_name=results[0].model_name,
                event_message="queued",
                results=results,
                idempotency_key=idempotency_key or None,
                request_sha256=digest,
                source=source,
                kind=job_kind(graph),
            )
        except AlreadyExists:
            # Another request with this key won the race: it is the job.
            replayed = self._replayed(idempotency_key, digest) if idempotency_key else None
            if replayed is None:
                raise
            return replayed
        return self._enqueue(job)

    def _replayed(self, key: str, digest: str) -> Job | None:
        if len(key) > 255:
            raise InvalidArgument(
                f"the {IDEMPOTENCY_HEADER} header is longer than 255 characters",
                details={"header": IDEMPOTENCY_HEADER},
            )
        existing = self.jobs.by_idempotency_key(key)
        if existing is None:
            return None
        if existing.request_sha256 != digest:
            raise AlreadyExists(
                f"the {IDEMPOTENCY_HEADER} header {key!r} was already used for job {existing.id} "
                f"with a different request; send a new {IDEMPOTENCY_HEADER} for a new job",
                details={"header": IDEMPOTENCY_HEADER, "job_id": existing.id},
            )
        return existing

    def retry_job(self, job: Job, dataset: DatasetInfo) -> Job:
        """A new job from the stored graph of a FAILED or CANCELLED job."""
        if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
            raise FailedPrecondition(
                f"job {job.id} is {job.status.value}; only a FAILED or CANCELLED job can be "
                "retried",
                details={"job_id": job.id, "status": job.status.value},
            )
        require_ready(dataset)
        graph = PipelineGraph.model_validate(job.graph)
        self._check(graph, dataset)
        results = [
            ModelResult(node_id=r.node_id, model_type=r.model_type, model_name=r.model_name)
            for r in job.results
        ] or model_results(graph, job.model_name, dataset.name)
        retry = self.jobs.create(
            dataset_id=job.dataset_id,
            # A retry reads the version its job read.
            dataset_version=job.dataset_version,
            graph=job.graph,
            model_name=job.model_name,
            event_message=f"queued (retry of job {job.id})",
            results=results,
            retry_of=job.id,
            kind=job_kind(graph),
        )
        return self._enqueue(retry)

    def _enqueue(self, job: Job) -> Job:
        try:
            self.enqueue(job.id, job.kind)
        except Exception as e:
            log.exception("could not enqueue training job %s", job.id, extra={"job_id": job.id})
            error = Unavailable(
                f"job {job.id} could not be queued: the task broker is not reachable",
                details={"job_id": job.id},
            )
            self.jobs.change(
                job.id,
                when=[JobStatus.QUEUED],
                change=JobChange(
                    status=JobStatus.FAILED,
                    message=error.message,
                    error=JobError(
                        code=error.code.value, message=error.message, details=error.details
                    ),
                    finished_at=utcnow(),
                ),
                event_type="failed",
            )
            raise error from e
        return job

    def get_job(self, job_id: str) -> Job:
        return self.jobs.get(job_id)

    def get_job_evaluation(
        self, job_id: str, model_name: str = "", model_version: int = 0
    ) -> JobEvaluation:
        """The evaluation data of a SUCCEEDED job (or of one of its model versions)."""
        job = self.jobs.get(job_id)
        if job.status != JobStatus.SUCCEEDED:
            raise FailedPrecondition(
                f"job {job_id} is {job.status.value}; evaluation data exists once it SUCCEEDED",
                details={"job_id": job_id, "status": job.status.value},
            )
        return read_evaluation(
            self.store, job_id, model_name=model_name, model_version=model_version
        )

    def job_trials(self, job_id: str) -> TrialList:
        """The job's tuning studies and their trials (none for a job without a tuned node)."""
        job = self.jobs.get(job_id)
        if self.trials is None or job.kind != "tune":
            return TrialList(job_id=job.id)
        return self.trials.trials(job)

    def list_jobs(self, page_size: int, offset: int) -> tuple[list[Job], int]:
        limit = DEFAULT_PAGE if page_size <= 0 else min(page_size, MAX_PAGE)
        return self.jobs.page(limit=limit, offset=max(offset, 0))

    def cancel_job(self, job_id: str) -> Job:
        self.jobs.get(job_id)  # NotFound unless the job is in the call's project
        job = self.jobs.change(
            job_id,
            when=[JobStatus.QUEUED],
            change=JobChange(
                status=JobStatus.CANCELLED,
                message="cancelled before it started",
                finished_at=utcnow(),
            ),
            event_type="cancelled",
        )
        if job is not None:
            return job
        job = self.jobs.change(
            job_id,
            when=[JobStatus.RUNNING],
            change=JobChange(cancel_requested=True, message="cancellation requested"),
            event_type="cancel_requested",
        )
        if job is not None:
            return job
        current = self.jobs.get(job_id)
        raise FailedPrecondition(
            f"job {job_id} is already {current.status.value}; only a queued or running job "
            "can be cancelled",
            details={"job_id": job_id, "status": current.status.value},
        )

    def job_events(self, job_id: str, after_seq: int) -> tuple[list[JobEvent], bool]:
        """Events after ``after_seq`` and whether the job had finished before they were read."""
        finished = self.jobs.get(job_id).status.finished
        return self.jobs.events_after(job_id, after_seq), finished

    def reap_silent_jobs(self, stale_seconds: float) -> list[Job]:
        """Requeue, or fail, every RUNNING job whose worker has not reported for ``stale_seconds``.

        Its worker died (killed, out of memory, machine lost) and nothing else would finish the
        job. Below ``max_attempts`` the job goes back to QUEUED and is enqueued again (a task the
        broker hands back meanwhile finds it QUEUED and only one of them starts it); at the limit
        it is FAILED with the reason, and the versions an attempt registered are withdrawn. Each
        change is one UPDATE that holds only while the job is still RUNNING and silent, so a
        worker beating or finishing meanwhile, or another replica reaping, wins or loses cleanly.
        """
        now = utcnow()
        cutoff = now - timedelta(seconds=stale_seconds)
        reaped = []
        for job_id, last_beat, started, project in self.jobs.silent_running(cutoff):
            silence = span(now - last_beat)
            # A RUNNING job has started at least one attempt (rows from before attempts counted
            # show 0).
            attempts = max(started, 1)
            # The task enqueued again, and the versions withdrawn, are in the job's project.
            with acting_in(project):
                if attempts < self.max_attempts:
                    job = self._requeue(job_id, cutoff, silence, attempts)
                else:
                    job = self._fail_silent(job_id, cutoff, now, silence, attempts, last_beat)
            if job is not None:
                reaped.append(job)
        return reaped

    def _requeue(self, job_id: str, cutoff: Any, silence: str, attempts: int) -> Job | None:
        message = (
            f"the worker running attempt {attempts} stopped responding (no heartbeat for "
            f"{silence}); attempt {attempts + 1} of {self.max_attempts} is queued"
        )
        job = self.jobs.change(
            job_id,
            when=[JobStatus.RUNNING],
            silent_since=cutoff,
            change=JobChange(status=JobStatus.QUEUED, progress=0.0, message=message),
            event_type="requeued",
        )
        if job is not None:
            log.warning(message, extra={"job_id": job_id})
            try:
                self.enqueue(job_id, job.kind)
            except Exception:
                # The job stays QUEUED; the broker still holds the first delivery's task.
                log.exception("could not enqueue job %s again", job_id, extra={"job_id": job_id})
        return job

    def requeue_unclaimed_jobs(self, waiting_seconds: float) -> list[Job]:
        """Put every job QUEUED for ``waiting_seconds`` without a worker taking it on its queue
        again: the broker may have lost its task (a Redis restarted without persistence).

        Each job is touched by one conditional UPDATE first, so two replicas never both requeue
        it; a task delivered twice still starts the job once (starting is atomic too).
        """
        now = utcnow()
        cutoff = now - timedelta(seconds=waiting_seconds)
        requeued = []
        for job_id, changed in self.jobs.queued_unchanged(cutoff):
            message = (
                f"no worker took the job in {span(now - changed)}; its task is queued again "
                "(the task broker may have lost it)"
            )
            job = self.jobs.change(
                job_id,
                when=[JobStatus.QUEUED],
                unchanged_since=cutoff,
                change=JobChange(message=message),
                event_type="requeued",
            )
            if job is None:
                continue
            log.warning(message, extra={"job_id": job_id})
            try:
                self.enqueue(job_id, job.kind)
            except Exception:
                # Still QUEUED: the next sweep after another wait tries again.
                log.exception("could not enqueue job %s again", job_id, extra={"job_id": job_id})
            requeued.append(job)
        return requeued

    def _fail_silent(
        self, job_id: str, cutoff: Any, now: Any, silence: str, attempts: int, last_beat: Any
    ) -> Job | None:
        error = Unavailable(
            f"the worker running job {job_id} stopped responding (no heartbeat for {silence}) "
            f"on attempt {attempts} of {self.max_attempts} (SKYULF_JOB_MAX_ATTEMPTS); "
            "run the job again",
            details={
                "job_id": job_id,
                "last_heartbeat": last_beat.isoformat(),
                "attempts": attempts,
            },
        )
        job = self.jobs.change(
            job_id,
            when=[JobStatus.RUNNING],
            silent_since=cutoff,
            change=JobChange(
                status=JobStatus.FAILED,
                message=error.message,
                error=JobError(code=error.code.value, message=error.message, details=error.details),
                finished_at=now,
            ),
            event_type="failed",
        )
        if job is not None:
            log.warning(error.message, extra={"job_id": job_id})
            self._withdraw(job_id)
        return job

    def _withdraw(self, job_id: str) -> None:
        if self.withdraw_versions is None:
            return
        try:
            self.withdraw_versions(job_id)
        except Exception:
            log.exception(
                "could not withdraw the versions of failed job %s", job_id, extra={"job_id": job_id}
            )

    def _check(self, graph: PipelineGraph, dataset: DatasetInfo, *, partial: bool = False) -> None:
        dtypes = {c.name: c.dtype for c in dataset.columns}
        report = validate_graph(graph, dataset.column_names, partial=partial, dtypes=dtypes)
        if not report.valid:
            raise invalid_graph(issues_of(report))
