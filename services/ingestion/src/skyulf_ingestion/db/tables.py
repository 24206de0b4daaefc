"""Ingestion's tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from skyulf_platform.db.base import UTCDateTime, new_id, service_metadata, utcnow
from skyulf_platform.db.projects import ProjectScoped


class Base(DeclarativeBase):
    metadata = service_metadata()


STATUSES = ("PENDING", "READY", "FAILED")


class DatasetRow(ProjectScoped, Base):
    __tablename__ = "datasets"
    __table_args__ = (
        CheckConstraint("status IN ('PENDING', 'READY', 'FAILED')", name="status"),
        Index("ix_datasets_created_at", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="PENDING")
    source_filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    raw_uri: Mapped[str] = mapped_column(Text)
    raw_sha256: Mapped[str] = mapped_column(String(64))
    data_uri: Mapped[str | None] = mapped_column(Text, default=None)
    data_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    n_rows: Mapped[int | None] = mapped_column(BigInteger, default=None)
    n_columns: Mapped[int | None] = mapped_column(Integer, default=None)
    columns: Mapped[list[dict[str, str]] | None] = mapped_column(JSON, default=None)
    # The latest version's number; the row mirrors that version once it is READY.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    source_kind: Mapped[str] = mapped_column(String(16), default="upload", server_default="upload")
    # The dataset's source as a Fernet token (it may hold credentials).
    source_config: Mapped[str | None] = mapped_column(Text, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class DatasetVersionRow(Base):
    """One READY version of a dataset: its canonical Parquet and what it holds."""

    __tablename__ = "dataset_versions"
    __table_args__ = (UniqueConstraint("dataset_id", "version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("datasets.id", ondelete="CASCADE")
    )
    version: Mapped[int] = mapped_column(Integer)
    source_filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    data_uri: Mapped[str] = mapped_column(Text)
    data_sha256: Mapped[str] = mapped_column(String(64))
    n_rows: Mapped[int] = mapped_column(BigInteger)
    n_columns: Mapped[int] = mapped_column(Integer)
    columns: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    # skyulf_core.profiling.DatasetProfile as JSON; None for a version older than migration 0004
    # that was not the newest then (its profile is computed from its Parquet when first asked).
    profile: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
