"""A job registers one version per model node: lineage gains the node id.

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
    with op.batch_alter_table("model_versions") as batch:
        batch.add_column(
            sa.Column("node_id", sa.String(length=128), nullable=False, server_default="")
        )
        batch.drop_constraint("uq_model_versions_job_id", type_="unique")
        batch.create_unique_constraint("uq_model_versions_job_id_node_id", ["job_id", "node_id"])


def downgrade() -> None:
    with op.batch_alter_table("model_versions") as batch:
        batch.drop_constraint("uq_model_versions_job_id_node_id", type_="unique")
        batch.create_unique_constraint("uq_model_versions_job_id", ["job_id"])
        batch.drop_column("node_id")
