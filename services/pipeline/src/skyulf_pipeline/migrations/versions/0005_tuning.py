"""Tuning: a study row per tuned model node, and the trial carried by "trial" events.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from skyulf_platform.db.base import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pipeline_tuning_studies",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "job_id",
            sa.String(36),
            sa.ForeignKey(
                "pipeline_jobs.id",
                ondelete="CASCADE",
                name="fk_pipeline_tuning_studies_job_id_pipeline_jobs",
            ),
            nullable=False,
        ),
        sa.Column("node_id", sa.String(128), nullable=False),
        sa.Column("study_name", sa.String(255), nullable=False),
        sa.Column("strategy", sa.String(32), nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("n_trials", sa.Integer(), nullable=False),
        sa.Column("timeout", sa.Float()),
        sa.Column("claimed", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("deadline_at", UTCDateTime()),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("importances", sa.JSON()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_pipeline_tuning_studies"),
        sa.UniqueConstraint("job_id", "node_id", name="uq_pipeline_tuning_studies_job_id_node_id"),
        sa.CheckConstraint(
            "state IN ('RUNNING', 'COMPLETE', 'FAILED')", name="ck_pipeline_tuning_studies_state"
        ),
        sa.CheckConstraint("claimed >= 0", name="ck_pipeline_tuning_studies_claimed_positive"),
    )
    op.add_column("pipeline_job_events", sa.Column("trial", sa.JSON()))


def downgrade() -> None:
    op.drop_column("pipeline_job_events", "trial")
    op.drop_table("pipeline_tuning_studies")
