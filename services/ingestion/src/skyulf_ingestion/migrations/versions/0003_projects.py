"""Datasets belong to a project; those made before projects to ``default``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("datasets") as batch:
        batch.add_column(
            sa.Column("project_id", sa.String(36), nullable=False, server_default="default")
        )
        batch.create_index(op.f("ix_datasets_project_id"), ["project_id"])


def downgrade() -> None:
    with op.batch_alter_table("datasets") as batch:
        batch.drop_index(op.f("ix_datasets_project_id"))
        batch.drop_column("project_id")
