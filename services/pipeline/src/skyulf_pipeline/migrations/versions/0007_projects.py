"""Jobs and saved pipelines belong to a project (those made before projects to ``default``),
and a job's idempotency key is unique within its project.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 15:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("pipeline_jobs", "pipeline_saved")


def upgrade() -> None:
    # Plain ADD COLUMN (no batch table copy, which on SQLite would cascade-delete events).
    for table in TABLES:
        op.add_column(
            table, sa.Column("project_id", sa.String(36), nullable=False, server_default="default")
        )
        op.create_index(op.f(f"ix_{table}_project_id"), table, ["project_id"])
    # An idempotency key is unique within its project.
    op.drop_index("ix_pipeline_jobs_idempotency_key", table_name="pipeline_jobs")
    op.create_index(
        "ix_pipeline_jobs_project_idempotency_key",
        "pipeline_jobs",
        ["project_id", "idempotency_key"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("ix_pipeline_jobs_project_idempotency_key", table_name="pipeline_jobs")
    op.create_index(
        "ix_pipeline_jobs_idempotency_key", "pipeline_jobs", ["idempotency_key"], unique=True
    )
    for table in TABLES:
        op.drop_index(op.f(f"ix_{table}_project_id"), table_name=table)
        op.drop_column(table, "project_id")
