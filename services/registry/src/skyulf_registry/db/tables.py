"""Registry tables: a registered model and its numbered versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
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


class RegisteredModelRow(ProjectScoped, Base):
    __tablename__ = "registered_models"
    # A name is unique within its project.
    __table_args__ = (
        UniqueConstraint("project_id", "name"),
        UniqueConstraint("project_id", "name_key"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(128))
    # The name as looked up: look-alike names (case, spaces, URL-encoding) share one key.
    name_key: Mapped[str] = mapped_column(String(128))
    task: Mapped[str] = mapped_column(String(64))
    latest_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModelVersionRow(Base):
    __tablename__ = "model_versions"
    __table_args__ = (
        UniqueConstraint("model_id", "version"),
        UniqueConstraint("job_id", "node_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    model_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("registered_models.id", ondelete="CASCADE")
    )
    version: Mapped[int] = mapped_column(Integer)
    task: Mapped[str] = mapped_column(String(64))
    model_type: Mapped[str] = mapped_column(String(128))
    bundle_uri: Mapped[str] = mapped_column(String(1024))
    bundle_checksum: Mapped[str] = mapped_column(String(64))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    signature: Mapped[Any | None] = mapped_column(JSON, nullable=True)
    dataset_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    dataset_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    job_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The model node of the job's graph (a branching graph registers one version per model).
    # Empty for a version registered without one (never NULL, so the pair stays unique).
    node_id: Mapped[str] = mapped_column(String(128), default="", server_default="")
    pipeline: Mapped[Any | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    runtime: Mapped[str] = mapped_column(String(32), default="sklearn", server_default="sklearn")
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    tags: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)


class ModelAliasRow(Base):
    """An alias points at exactly one version of its model (unique per model and alias)."""

    __tablename__ = "model_aliases"
    __table_args__ = (
        UniqueConstraint("model_id", "alias"),
        ForeignKeyConstraint(
            ["model_id", "version"], ["model_versions.model_id", "model_versions.version"]
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    model_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("registered_models.id", ondelete="CASCADE")
    )
    alias: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    protected: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
