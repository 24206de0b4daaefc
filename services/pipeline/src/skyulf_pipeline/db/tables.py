"""Pipeline's tables: training jobs (the source of truth) and their ordered events."""

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


class Base(DeclarativeBase):
    metadata = service_metadata()


STATUS_CHECK = "status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')"


class JobRow(Base):
    __tablename__ = "pipeline_jobs"
    __table_args__ = (
        CheckConstraint(STATUS_CHECK, name="status"),
        Index("ix_pipeline_jobs_created_at", "created_at"),
        Index("ix_pipeline_jobs_status", "status"),
        Index("ix_pipeline_jobs_idempotency_key", "idempotency_key", unique=True),
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
    # Attempts started: a redelivered task whose first worker vanished starts another.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # The client's Idempotency-Key and the SHA-256 of the request it came with.
    idempotency_key: Mapped[str | None] = mapped_column(String(255), default=None)
    request_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    # The FAILED or CANCELLED job this one retries.
    retry_of: Mapped[str | None] = mapped_column(String(36), default=None)
    # One entry per model node: its node id, model type and name, version and metrics.
    results: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)


class JobEventRow(Base):
    __tablename__ = "pipeline_job_events"
    __table_args__ = (
        UniqueConstraint("job_id", "seq"),
        CheckConstraint(STATUS_CHECK, name="status"),
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
