"""Deployments, batch jobs and drift reports belong to a project, and an active deployment's
name is unique within its project; rows made before projects belong to ``default``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 15:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("deployments", "batch_jobs", "drift_reports")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("project_id", sa.String(36), nullable=False, server_default="default")
            )
            batch.create_index(op.f(f"ix_{table}_project_id"), ["project_id"])
    with op.batch_alter_table("deployments") as batch:
        batch.drop_constraint("uq_deployments_active_name", type_="unique")
        batch.create_unique_constraint(
            "uq_deployments_project_id_active_name", ["project_id", "active_name"]
        )


def downgrade() -> None:
    with op.batch_alter_table("deployments") as batch:
        batch.drop_constraint("uq_deployments_project_id_active_name", type_="unique")
        batch.create_unique_constraint("uq_deployments_active_name", ["active_name"])
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(op.f(f"ix_{table}_project_id"))
            batch.drop_column("project_id")
