"""Lineage: the dataset version a model version was trained on.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 12:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Versions registered before dataset versions existed keep NULL (not known).
    op.add_column("model_versions", sa.Column("dataset_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("model_versions") as batch:
        batch.drop_column("dataset_version")
