"""Serving settings of a deployment (input logging, adaptive batching), batch scoring jobs and
drift reports.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from skyulf_platform.db.base import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deployments") as batch:
        batch.add_column(
            sa.Column("log_sample_rate", sa.Float(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("batch_max_size", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("batch_max_wait_ms", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "batch_jobs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deployment_id", sa.String(length=36), nullable=True),
        sa.Column("model_name", sa.String(length=128), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("dataset_version", sa.Integer(), nullable=False),
        sa.Column("key_columns", sa.JSON(), nullable=False),
        sa.Column("output_name", sa.String(length=256), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=False, server_default=""),
        sa.Column("n_rows", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("output_dataset_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch_jobs")),
    )
    op.create_index("ix_batch_jobs_created_at", "batch_jobs", ["created_at"])
    op.create_index(op.f("ix_batch_jobs_deployment_id"), "batch_jobs", ["deployment_id"])
    op.create_index(op.f("ix_batch_jobs_model_name"), "batch_jobs", ["model_name"])
    op.create_table(
        "drift_reports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("deployment_id", sa.String(length=36), nullable=False),
        sa.Column("model_name", sa.String(length=128), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=True),
        sa.Column("dataset_version", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=False, server_default=""),
        sa.Column("severity", sa.String(length=8), nullable=False, server_default=""),
        sa.Column("n_rows", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drift_reports")),
    )
    op.create_index(
        "ix_drift_reports_deployment_created", "drift_reports", ["deployment_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_table("drift_reports")
    op.drop_table("batch_jobs")
    with op.batch_alter_table("deployments") as batch:
        for column in ("batch_max_wait_ms", "batch_max_size", "log_sample_rate"):
            batch.drop_column(column)
