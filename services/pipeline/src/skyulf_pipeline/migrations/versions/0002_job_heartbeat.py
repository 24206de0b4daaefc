"""Job heartbeats: when the worker running a job last reported in.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Both are done in place on SQLite too (no batch table copy; see downgrade).
    op.add_column("pipeline_jobs", sa.Column("heartbeat_at", sa.DateTime(timezone=True)))
    # The reaper looks for RUNNING jobs: an index keeps that cheap as finished jobs pile up.
    op.create_index("ix_pipeline_jobs_status", "pipeline_jobs", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_pipeline_jobs_status", table_name="pipeline_jobs")
    # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a batch table copy: on SQLite the
    # copy drops the old table, and with foreign keys on that deletes every job's events.
    op.drop_column("pipeline_jobs", "heartbeat_at")
