"""The only code touching pipeline's ORM rows; it hands out pydantic models, never rows.

Every state change is one conditional UPDATE of the job row (so a change that lost a race, say a
worker starting a job the user just cancelled, changes nothing) followed, in the same
transaction, by the job's next event. Taking the row's write lock first serialises event numbers
per job on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from skyulf_errors import NotFound
from skyulf_pipeline.db.tables import JobEventRow, JobRow
from skyulf_pipeline.models import (
    Job,
    JobChange,
    JobError,
    JobEvent,
    JobStatus,
    ModelResult,
    NodeStatus,
    PipelineSource,
)
from skyulf_platform.db.base import new_id, utcnow
from skyulf_platform.db.projects import in_project, visible
from skyulf_platform.db.uow import UnitOfWork


def _job(row: JobRow) -> Job:
    error = None
    if row.error_code:
        error = JobError(
            code=row.error_code, message=row.error_message or "", details=row.error_details or {}
        )
    return Job(
        id=row.id,
        kind=row.kind,
        dataset_id=row.dataset_id,
        graph=row.graph,
        model_name=row.model_name,
        status=JobStatus(row.status),
        progress=row.progress,
        message=row.message,
        metrics=row.metrics or {},
        model_version=row.model_version,
        error=error,
        cancel_requested=row.cancel_requested,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        heartbeat_at=row.heartbeat_at,
        updated_at=row.updated_at,
        pipeline_id=row.pipeline_id,
        pipeline_version=row.pipeline_version,
        attempts=row.attempts or 0,
        idempotency_key=row.idempotency_key,
        request_sha256=row.request_sha256,
        retry_of=row.retry_of,
        results=[ModelResult.model_validate(r) for r in row.results or []],
        dataset_version=row.dataset_version,
    )


def _last_beat() -> ColumnElement[datetime]:
    """A job's last sign of life: its heartbeat, or when it started if it has not beaten yet."""
    return func.coalesce(JobRow.heartbeat_at, JobRow.started_at, JobRow.updated_at)


def _event(row: JobEventRow) -> JobEvent:
    return JobEvent(
        job_id=row.job_id,
        seq=row.seq,
        type=row.type,
        status=JobStatus(row.status),
        progress=row.progress,
        message=row.message,
        time=row.time,
        node_id=row.node_id,
        node_status=cast(NodeStatus | None, row.node_status),
        trial=row.trial,
    )


def _values(change: JobChange) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in change.model_fields_set:
        value = getattr(change, name)
        if name == "error":
            values["error_code"] = value.code if value else None
            values["error_message"] = value.message if value else None
            values["error_details"] = value.details if value else None
        elif name == "status":
            values["status"] = str(value)
        elif name == "results":
            values["results"] = [r.model_dump(mode="json") for r in value or []]
        else:
            values[name] = value
    values["updated_at"] = utcnow()
    return values


def check_job_id(job_id: str) -> str:
    try:
        uuid.UUID(job_id)
    except ValueError:
        raise NotFound(f"job {job_id!r} not found", details={"job_id": job_id}) from None
    return job_id


class JobRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def create(
        self,
        *,
        dataset_id: str,
        graph: dict[str, Any],
        model_name: str,
        event_message: str,
        source: PipelineSource | None = None,
        results: list[ModelResult] | None = None,
        idempotency_key: str | None = None,
        request_sha256: str | None = None,
        retry_of: str | None = None,
        kind: str = "train",
        dataset_version: int | None = None,
    ) -> Job:
        """A new QUEUED job; with an ``idempotency_key`` already taken, AlreadyExists."""
        now = utcnow()
        with self.uow() as session:
            row = JobRow(
                id=new_id(),
                kind=kind,
                dataset_id=dataset_id,
                graph=graph,
                model_name=model_name,
                status=JobStatus.QUEUED.value,
                progress=0.0,
                message=event_message,
                cancel_requested=False,
                created_at=now,
                updated_at=now,
                pipeline_id=source.pipeline_id if source else None,
                pipeline_version=source.version if source else None,
                attempts=0,
                idempotency_key=idempotency_key,
                request_sha256=request_sha256,
                retry_of=retry_of,
                dataset_version=dataset_version,
                results=[r.model_dump(mode="json") for r in results or []],
            )
            session.add(row)
            session.flush()
            session.add(
                JobEventRow(
                    job_id=row.id,
                    seq=1,
                    type="queued",
                    status=row.status,
                    progress=0.0,
                    message=event_message,
                    time=now,
                )
            )
            return _job(row)

    def by_idempotency_key(self, key: str) -> Job | None:
        with self.uow() as session:
            row = session.scalar(
                select(JobRow).where(JobRow.idempotency_key == key, in_project(JobRow))
            )
            return _job(row) if row is not None else None

    def start_attempt(self, job_id: str, *, stale_before: datetime, message: str) -> Job | None:
        """Start the next attempt: a QUEUED job, or a RUNNING one whose worker went silent
        before ``stale_before`` (its task was handed back after the worker vanished).

        One conditional UPDATE: of two deliveries racing for the job, one starts it. None when
        the job is neither (finished, cancelled, or alive in another worker).
        """
        check_job_id(job_id)
        now = utcnow()
        startable = or_(
            JobRow.status == JobStatus.QUEUED.value,
            and_(JobRow.status == JobStatus.RUNNING.value, _last_beat() < stale_before),
        )
        with self.uow() as session:
            result = session.execute(
                update(JobRow)
                .where(JobRow.id == job_id, startable)
                .values(
                    status=JobStatus.RUNNING.value,
                    attempts=JobRow.attempts + 1,
                    progress=0.0,
                    message=message,
                    started_at=now,
                    heartbeat_at=now,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                self._row(session, job_id)
                return None
            row = self._row(session, job_id)
            session.refresh(row)
            self._append_event(session, row, "started")
            return _job(row)

    def get(self, job_id: str) -> Job:
        """The job, if it is in the call's project (else NotFound, like a missing one)."""
        check_job_id(job_id)
        with self.uow() as session:
            row = visible(session.get(JobRow, job_id))
            if row is None:
                raise NotFound(f"job {job_id} not found", details={"job_id": job_id})
            return _job(row)

    def page(self, *, limit: int, offset: int) -> tuple[list[Job], int]:
        with self.uow() as session:
            total = (
                session.scalar(select(func.count()).select_from(JobRow).where(in_project(JobRow)))
                or 0
            )
            rows = session.scalars(
                select(JobRow)
                .where(in_project(JobRow))
                .order_by(JobRow.created_at.desc(), JobRow.id.desc())
                .limit(limit)
                .offset(offset)
            ).all()
            return [_job(r) for r in rows], int(total)

    def change(
        self,
        job_id: str,
        *,
        when: Iterable[JobStatus],
        change: JobChange,
        event_type: str | None,
        silent_since: datetime | None = None,
        attempt: int | None = None,
        unchanged_since: datetime | None = None,
    ) -> Job | None:
        """Apply ``change`` if the job's status is one of ``when``; None if it was not.

        With ``silent_since`` the change also needs the job's last sign of life (see
        ``_last_beat``) to be older than that instant; with ``attempt``, the job to be on that
        attempt (a worker whose attempt was given up on changes nothing). With an
        ``event_type`` the job's next event records the state after the change.
        """
        check_job_id(job_id)
        statuses = [str(s) for s in when]
        conditions = [JobRow.id == job_id, JobRow.status.in_(statuses)]
        if silent_since is not None:
            conditions.append(_last_beat() < silent_since)
        if attempt is not None:
            conditions.append(JobRow.attempts == attempt)
        if unchanged_since is not None:
            conditions.append(JobRow.updated_at < unchanged_since)
        with self.uow() as session:
            result = session.execute(
                update(JobRow)
                .where(*conditions)
                .values(**_values(change))
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                self._row(session, job_id)
                return None
            row = self._row(session, job_id)
            session.refresh(row)
            if event_type is not None:
                self._append_event(session, row, event_type)
            return _job(row)

    def heartbeat(self, job_id: str, attempt: int | None = None) -> bool:
        """Record that the job's worker is alive; False once the job is no longer RUNNING (on
        ``attempt``, when given: a later attempt has taken the job over)."""
        conditions = [JobRow.id == job_id, JobRow.status == JobStatus.RUNNING.value]
        if attempt is not None:
            conditions.append(JobRow.attempts == attempt)
        with self.uow() as session:
            result = session.execute(
                update(JobRow)
                .where(*conditions)
                # A heartbeat is not a change of the job: updated_at stays as it was.
                .values(heartbeat_at=utcnow(), updated_at=JobRow.updated_at)
                .execution_options(synchronize_session=False)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def node_events(self, job_id: str, changes: list[tuple[str, NodeStatus, str]]) -> bool:
        """Append one ``node`` event per (node id, status, message) while the job is RUNNING.

        The job row is not changed (a node event is only a sign of life for the heartbeat);
        False, and nothing written, once the job is no longer RUNNING.
        """
        with self.uow() as session:
            result = session.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.status == JobStatus.RUNNING.value)
                .values(heartbeat_at=utcnow(), updated_at=JobRow.updated_at)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                return False
            row = self._row(session, job_id)
            for node_id, node_status, message in changes:
                self._append_event(
                    session, row, "node", node_id=node_id, node_status=node_status, message=message
                )
                session.flush()
            return True

    def trial_event(self, job_id: str, node_id: str, trial: dict[str, Any], message: str) -> bool:
        """Append a ``trial`` event while the job is RUNNING (False, nothing written, after)."""
        with self.uow() as session:
            result = session.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.status == JobStatus.RUNNING.value)
                .values(heartbeat_at=JobRow.heartbeat_at, updated_at=JobRow.updated_at)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                return False
            row = self._row(session, job_id)
            self._append_event(session, row, "trial", node_id=node_id, message=message, trial=trial)
            return True

    def silent_running(self, silent_since: datetime) -> list[tuple[str, datetime, int, str]]:
        """RUNNING jobs of every project with no sign of life since ``silent_since``: (id, last
        sign of life, attempts started, project id)."""
        last = _last_beat()
        with self.uow() as session:
            rows = session.execute(
                select(JobRow.id, last, JobRow.attempts, JobRow.project_id)
                .where(JobRow.status == JobStatus.RUNNING.value, last < silent_since)
                .order_by(last)
            ).all()
            return [
                (job_id, beat, attempts or 0, project) for job_id, beat, attempts, project in rows
            ]

    def queued_unchanged(self, since: datetime) -> list[tuple[str, datetime]]:
        """QUEUED jobs whose row has not changed since ``since``: (id, last change)."""
        with self.uow() as session:
            rows = session.execute(
                select(JobRow.id, JobRow.updated_at)
                .where(JobRow.status == JobStatus.QUEUED.value, JobRow.updated_at < since)
                .order_by(JobRow.updated_at)
            ).all()
            return [(job_id, changed) for job_id, changed in rows]

    def cancel_requested(self, job_id: str) -> bool:
        with self.uow() as session:
            value = session.scalar(select(JobRow.cancel_requested).where(JobRow.id == job_id))
            return bool(value)

    def events_after(self, job_id: str, after_seq: int, *, limit: int = 500) -> list[JobEvent]:
        with self.uow() as session:
            rows = session.scalars(
                select(JobEventRow)
                .where(JobEventRow.job_id == job_id, JobEventRow.seq > after_seq)
                .order_by(JobEventRow.seq)
                .limit(limit)
            ).all()
            return [_event(r) for r in rows]

    def events(self, job_id: str) -> list[JobEvent]:
        return self.events_after(job_id, 0, limit=100_000)

    @staticmethod
    def _row(session: Session, job_id: str) -> JobRow:
        row = session.get(JobRow, job_id)
        if row is None:
            raise NotFound(f"job {job_id} not found", details={"job_id": job_id})
        return row

    @staticmethod
    def _append_event(
        session: Session,
        row: JobRow,
        event_type: str,
        *,
        node_id: str | None = None,
        node_status: NodeStatus | None = None,
        message: str | None = None,
        trial: dict[str, Any] | None = None,
    ) -> None:
        last = session.scalar(select(func.max(JobEventRow.seq)).where(JobEventRow.job_id == row.id))
        session.add(
            JobEventRow(
                job_id=row.id,
                seq=(last or 0) + 1,
                type=event_type,
                status=row.status,
                progress=row.progress,
                message=row.message if message is None else message,
                time=utcnow(),
                node_id=node_id,
                node_status=node_status,
                trial=trial,
            )
        )
