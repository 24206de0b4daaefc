"""Alias targets, rollback, canary and the last load error of a deployment.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deployments") as batch:
        batch.add_column(sa.Column("model_alias", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("previous_version", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("canary_version", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("canary_percent", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("last_error", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("deployments") as batch:
        for column in (
            "last_error",
            "canary_percent",
            "canary_version",
            "previous_version",
            "model_alias",
        ):
            batch.drop_column(column)
