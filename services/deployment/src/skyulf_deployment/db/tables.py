"""The deployments table. ``active_name`` is the name while ACTIVE and NULL once deleted, so a
unique constraint on it (with the project) allows at most one ACTIVE deployment per name and
project on any database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from skyulf_platform.db.base import UTCDateTime, new_id, service_metadata, utcnow
from skyulf_platform.db.projects import ProjectScoped


class Base(DeclarativeBase):
    metadata = service_metadata()


class DeploymentRow(ProjectScoped, Base):
    __tablename__ = "deployments"
    __table_args__ = (UniqueConstraint("project_id", "active_name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(128), index=True)
    model_name: Mapped[str] = mapped_column(String(128))
    model_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    active_name: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    model_alias: Mapped[str | None] = mapped_column(String(64), nullable=True)
    previous_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    canary_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    canary_percent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str] = mapped_column(Text, default="", server_default="")
    log_sample_rate: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    batch_max_size: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    batch_max_wait_ms: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class BatchJobRow(ProjectScoped, Base):
    """A batch scoring job; its result is a dataset owned by ingestion (output_dataset_id)."""

    __tablename__ = "batch_jobs"
    __table_args__ = (Index("ix_batch_jobs_created_at", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    deployment_id: Mapped[str | None] = mapped_column(String(36), index=True, nullable=True)
    model_name: Mapped[str] = mapped_column(String(128), index=True)
    model_version: Mapped[int] = mapped_column(Integer)
    dataset_id: Mapped[str] = mapped_column(String(36))
    dataset_version: Mapped[int] = mapped_column(Integer, default=0)
    key_columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    output_name: Mapped[str] = mapped_column(String(256), default="")
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str] = mapped_column(Text, default="", server_default="")
    n_rows: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    output_dataset_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DriftReportRow(ProjectScoped, Base):
    """A drift report of a deployment: its served version's reference against current data."""

    __tablename__ = "drift_reports"
    __table_args__ = (Index("ix_drift_reports_deployment_created", "deployment_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    deployment_id: Mapped[str] = mapped_column(String(36))
    model_name: Mapped[str] = mapped_column(String(128))
    model_version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))
    dataset_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    dataset_version: Mapped[int] = mapped_column(Integer, default=0)
    days: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str] = mapped_column(Text, default="", server_default="")
    severity: Mapped[str] = mapped_column(String(8), default="", server_default="")
    n_rows: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    result: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
