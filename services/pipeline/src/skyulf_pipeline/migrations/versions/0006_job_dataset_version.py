"""Lineage: the dataset version a job reads.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 12:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch table copy, which on SQLite would cascade-delete events).
    # Jobs from before versions existed keep NULL: the version they read is not known.
    op.add_column("pipeline_jobs", sa.Column("dataset_version", sa.Integer()))


def downgrade() -> None:
    op.drop_column("pipeline_jobs", "dataset_version")
