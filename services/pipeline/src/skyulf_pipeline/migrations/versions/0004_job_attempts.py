"""Jobs that never run twice: attempts, idempotency keys, retries and per-model results.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every change is in place (no batch table copy, which on SQLite would cascade-delete the
    # jobs' events): plain ADD COLUMN, and a unique index rather than a table constraint.
    op.add_column(
        "pipeline_jobs",
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.add_column("pipeline_jobs", sa.Column("idempotency_key", sa.String(255)))
    op.add_column("pipeline_jobs", sa.Column("request_sha256", sa.String(64)))
    op.add_column("pipeline_jobs", sa.Column("retry_of", sa.String(36)))
    op.add_column("pipeline_jobs", sa.Column("results", sa.JSON()))
    op.create_index(
        "ix_pipeline_jobs_idempotency_key", "pipeline_jobs", ["idempotency_key"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_pipeline_jobs_idempotency_key", table_name="pipeline_jobs")
    for column in ("results", "retry_of", "request_sha256", "idempotency_key", "attempts"):
        op.drop_column("pipeline_jobs", column)
