"""Saved pipelines and their versions; per-node job events; the pipeline a job came from.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NODE_STATUS = (
    "node_status IS NULL OR node_status IN ('queued', 'running', 'done', 'failed', 'skipped')"
)


def upgrade() -> None:
    op.create_table(
        "pipeline_saved",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_pipeline_saved_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_saved")),
    )
    op.create_index("ix_pipeline_saved_updated_at", "pipeline_saved", ["updated_at"])
    op.create_table(
        "pipeline_saved_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pipeline_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("graph", sa.JSON(), nullable=False),
        sa.Column("layout", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "version >= 1", name=op.f("ck_pipeline_saved_versions_version_positive")
        ),
        sa.ForeignKeyConstraint(
            ["pipeline_id"],
            ["pipeline_saved.id"],
            name=op.f("fk_pipeline_saved_versions_pipeline_id_pipeline_saved"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_saved_versions")),
        sa.UniqueConstraint(
            "pipeline_id", "version", name=op.f("uq_pipeline_saved_versions_pipeline_id_version")
        ),
    )
    # Plain ADD COLUMN on SQLite too: no batch table copy (see 0002 on why that matters).
    op.add_column("pipeline_jobs", sa.Column("pipeline_id", sa.String(length=36)))
    op.add_column("pipeline_jobs", sa.Column("pipeline_version", sa.Integer()))
    op.add_column("pipeline_job_events", sa.Column("node_id", sa.String(length=128)))
    op.add_column("pipeline_job_events", sa.Column("node_status", sa.String(length=16)))
    # SQLite cannot add a constraint to an existing table without copying it, and copying
    # pipeline_job_events is harmless (nothing references it): only there is a batch used.
    with op.batch_alter_table("pipeline_job_events") as batch:
        batch.create_check_constraint(op.f("ck_pipeline_job_events_node_status"), _NODE_STATUS)


def downgrade() -> None:
    with op.batch_alter_table("pipeline_job_events") as batch:
        batch.drop_constraint(op.f("ck_pipeline_job_events_node_status"), type_="check")
    op.drop_column("pipeline_job_events", "node_status")
    op.drop_column("pipeline_job_events", "node_id")
    op.drop_column("pipeline_jobs", "pipeline_version")
    op.drop_column("pipeline_jobs", "pipeline_id")
    op.drop_table("pipeline_saved_versions")
    op.drop_index("ix_pipeline_saved_updated_at", table_name="pipeline_saved")
    op.drop_table("pipeline_saved")
