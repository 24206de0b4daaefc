"""Pipeline's tables: training jobs (the source of truth), their ordered events, the tuning
studies of tuned model nodes, and saved pipelines with one row per saved version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from skyulf_platform.db.base import UTCDateTime, new_id, service_metadata, utcnow
from skyulf_platform.db.projects import ProjectScoped


class Base(DeclarativeBase):
    metadata = service_metadata()


STATUS_CHECK = "status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')"


class JobRow(ProjectScoped, Base):
    __tablename__ = "pipeline_jobs"
    __table_args__ = (
        CheckConstraint(STATUS_CHECK, name="status"),
        Index("ix_pipeline_jobs_created_at", "created_at"),
        Index("ix_pipeline_jobs_status", "status"),
        # A key is the caller's, within their project: another project's keys stay unseen.
        Index(
            "ix_pipeline_jobs_project_idempotency_key", "project_id", "idempotency_key", unique=True
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16), default="train")
    dataset_id: Mapped[str] = mapped_column(String(36))
    graph: Mapped[dict[str, Any]] = mapped_column(JSON)
    model_name: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="QUEUED")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    metrics: Mapped[dict[str, float] | None] = mapped_column(JSON, default=None)
    model_version: Mapped[int | None] = mapped_column(Integer, default=None)
    error_code: Mapped[str | None] = mapped_column(String(32), default=None)
    error_message: Mapped[str | None] = mapped_column(Text, default=None)
    error_details: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # Written every few seconds by the worker running the job; the reaper fails a RUNNING job
    # whose worker has gone silent.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # The saved pipeline the job was submitted from, if any. Not a foreign key: a job outlives
    # the pipeline it came from.
    pipeline_id: Mapped[str | None] = mapped_column(String(36), default=None)
    pipeline_version: Mapped[int | None] = mapped_column(Integer, default=None)
    # Attempts started: a redelivered task whose first worker vanished starts another.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # The client's Idempotency-Key and the SHA-256 of the request it came with.
    idempotency_key: Mapped[str | None] = mapped_column(String(255), default=None)
    request_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    # The FAILED or CANCELLED job this one retries.
    retry_of: Mapped[str | None] = mapped_column(String(36), default=None)
    # One entry per model node: its node id, model type and name, version and metrics.
    results: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)
    # The dataset version the job reads: the current one when it was created (lineage).
    dataset_version: Mapped[int | None] = mapped_column(Integer, default=None)


class JobEventRow(Base):
    __tablename__ = "pipeline_job_events"
    __table_args__ = (
        UniqueConstraint("job_id", "seq"),
        CheckConstraint(STATUS_CHECK, name="status"),
        CheckConstraint(
            "node_status IS NULL OR node_status IN "
            "('queued', 'running', 'done', 'failed', 'skipped')",
            name="node_status",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("pipeline_jobs.id", ondelete="CASCADE")
    )
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set on "node" events only: which node, and how far it got.
    node_id: Mapped[str | None] = mapped_column(String(128), default=None)
    node_status: Mapped[str | None] = mapped_column(String(16), default=None)
    # Set on "trial" events only: the finished trial (REST contract's trial object).
    trial: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class TuningStudyRow(Base):
    """One tuned model node of a job: its Optuna study (trials live in the tuning storage) and
    the budget its workers claim trials from, one atomic UPDATE each."""

    __tablename__ = "pipeline_tuning_studies"
    __table_args__ = (
        UniqueConstraint("job_id", "node_id"),
        CheckConstraint("state IN ('RUNNING', 'COMPLETE', 'FAILED')", name="state"),
        CheckConstraint("claimed >= 0", name="claimed_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("pipeline_jobs.id", ondelete="CASCADE")
    )
    node_id: Mapped[str] = mapped_column(String(128))
    study_name: Mapped[str] = mapped_column(String(255))
    strategy: Mapped[str] = mapped_column(String(32))
    metric: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(8))
    n_trials: Mapped[int] = mapped_column(Integer)
    timeout: Mapped[float | None] = mapped_column(Float, default=None)
    # Trials handed out so far; a trial runs only if its claim kept this within n_trials.
    claimed: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # Past this instant no trial is handed out (the timeout, from the study's start).
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    state: Mapped[str] = mapped_column(String(16), default="RUNNING")
    importances: Mapped[dict[str, float] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class SavedPipelineRow(ProjectScoped, Base):
    """A pipeline the canvas saved; its graph and layout live in its versions."""

    __tablename__ = "pipeline_saved"
    __table_args__ = (
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_pipeline_saved_updated_at", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    dataset_id: Mapped[str | None] = mapped_column(String(36), default=None)
    # The current (latest) version number.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SavedPipelineVersionRow(Base):
    __tablename__ = "pipeline_saved_versions"
    __table_args__ = (
        UniqueConstraint("pipeline_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pipeline_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("pipeline_saved.id", ondelete="CASCADE")
    )
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    graph: Mapped[dict[str, Any]] = mapped_column(JSON)
    layout: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
