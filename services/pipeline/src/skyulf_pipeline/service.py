"""Pipeline's business logic, transport-free and synchronous (the servicer runs it in threads).

Datasets arrive already fetched from ingestion (``DatasetInfo``): the servicer asks ingestion over
its asyncio channel, so nothing here blocks on the network except the task broker.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import PurePosixPath
from typing import Any

from skyulf_core.errors import FailedPrecondition, InvalidArgument, Unavailable
from skyulf_core.evaluation import JobEvaluation
from skyulf_core.graph import PipelineGraph, ValidationReport, preview_pipeline, validate_graph
from skyulf_core.models import is_model, model_catalog
from skyulf_core.nodes import node_catalog
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
    NodeEntry,
    PipelineSource,
    PreviewEntry,
    ValidationResult,
)
from skyulf_pipeline.previews import preview_entry
from skyulf_pipeline.repository import JobRepository
from skyulf_platform.artifacts.base import ArtifactStore
from skyulf_platform.db.base import utcnow

log = logging.getLogger(__name__)

Enqueue = Callable[[str], None]

MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".json", ".jsonl", ".xlsx", ".xls")
MAX_PAGE = 500
DEFAULT_PAGE = 50
MAX_PREVIEW_ROWS = 200


def _name_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("._-")


def default_model_name(dataset_name: str, model_type: str) -> str:
    """``<dataset name>-<model type>`` reduced to what the registry accepts as a name."""
    stem = dataset_name
    suffix = PurePosixPath(stem).suffix
    if suffix.lower() in _DATA_SUFFIXES:
        stem = stem[: -len(suffix)]
    model = _name_part(model_type)[:64] or "model"
    stem = _name_part(stem)[: 127 - len(model)].rstrip("._-")
    name = f"{stem}-{model}" if stem else model
    return name if MODEL_NAME.match(name) else f"model-{model}"


def model_type_of(graph: PipelineGraph) -> str:
    for node in graph.nodes:
        if is_model(node.type):
            return node.type
    raise InvalidArgument("the pipeline has no model node", details={"field": "graph"})


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
    ) -> None:
        self.jobs = jobs
        self.store = store
        self.enqueue = enqueue
        self.preview_sample_rows = preview_sample_rows

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

    def validate(self, graph: PipelineGraph, dataset: DatasetInfo | None) -> ValidationResult:
        columns = dataset.column_names if dataset is not None else None
        report = validate_graph(graph, columns)
        return ValidationResult(valid=report.valid, errors=issues_of(report))

    def preview(self, dataset: DatasetInfo, graph: PipelineGraph, rows: int) -> list[PreviewEntry]:
        require_ready(dataset)
        # A graph still being drawn may lack its model or split: preview what is there.
        self._check(graph, dataset, partial=True)
        frame = load_frame(self.store, dataset, limit=self.preview_sample_rows)
        n = min(max(rows, 1), MAX_PREVIEW_ROWS) if rows > 0 else 20
        return [preview_entry(p) for p in preview_pipeline(graph, frame, rows=n)]

    # -- jobs --------------------------------------------------------------------------------

    def create_job(
        self,
        dataset: DatasetInfo,
        graph: PipelineGraph,
        model_name: str,
        *,
        source: PipelineSource | None = None,
    ) -> Job:
        require_ready(dataset)
        self._check(graph, dataset)
        model_type = model_type_of(graph)
        if model_name:
            if not MODEL_NAME.match(model_name):
                raise InvalidArgument(
                    f"model name {model_name!r} is invalid: use 1-128 letters, digits, '.', '_' "
                    "or '-', starting with a letter or digit",
                    details={"field": "model_name"},
                )
        else:
            model_name = default_model_name(dataset.name, model_type)
        job = self.jobs.create(
            dataset_id=dataset.id,
            graph=graph.model_dump(mode="json", exclude_none=True),
            model_name=model_name,
            event_message="queued",
            source=source,
        )
        try:
            self.enqueue(job.id)
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

    def list_jobs(self, page_size: int, offset: int) -> tuple[list[Job], int]:
        limit = DEFAULT_PAGE if page_size <= 0 else min(page_size, MAX_PAGE)
        return self.jobs.page(limit=limit, offset=max(offset, 0))

    def cancel_job(self, job_id: str) -> Job:
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
        """Fail every RUNNING job whose worker has not reported in for ``stale_seconds``.

        Its worker died (killed, out of memory, machine lost) and nothing else would ever finish
        the job. Each job is failed by one UPDATE that holds only while the job is still RUNNING
        and still silent, so a worker beating or finishing meanwhile, or another pipeline replica
        reaping the same job, wins or loses cleanly and the job gets exactly one terminal event.
        """
        now = utcnow()
        cutoff = now - timedelta(seconds=stale_seconds)
        reaped = []
        for job_id, last_beat in self.jobs.silent_running(cutoff):
            error = Unavailable(
                f"the worker running job {job_id} stopped responding (no heartbeat for "
                f"{span(now - last_beat)}); run the job again",
                details={"job_id": job_id, "last_heartbeat": last_beat.isoformat()},
            )
            job = self.jobs.change(
                job_id,
                when=[JobStatus.RUNNING],
                silent_since=cutoff,
                change=JobChange(
                    status=JobStatus.FAILED,
                    message=error.message,
                    error=JobError(
                        code=error.code.value, message=error.message, details=error.details
                    ),
                    finished_at=now,
                ),
                event_type="failed",
            )
            if job is not None:
                log.warning(error.message, extra={"job_id": job_id})
                reaped.append(job)
        return reaped

    def _check(self, graph: PipelineGraph, dataset: DatasetInfo, *, partial: bool = False) -> None:
        report = validate_graph(graph, dataset.column_names, partial=partial)
        if not report.valid:
            raise invalid_graph(issues_of(report))
