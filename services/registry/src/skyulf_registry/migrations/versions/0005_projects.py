"""Models belong to a project, and a model's name is unique within its project; models
registered before projects belong to ``default``.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("registered_models") as batch:
        batch.add_column(
            sa.Column("project_id", sa.String(36), nullable=False, server_default="default")
        )
        batch.create_index(op.f("ix_registered_models_project_id"), ["project_id"])
        batch.drop_constraint("uq_registered_models_name", type_="unique")
        batch.drop_constraint("uq_registered_models_name_key", type_="unique")
        batch.create_unique_constraint(
            "uq_registered_models_project_id_name", ["project_id", "name"]
        )
        batch.create_unique_constraint(
            "uq_registered_models_project_id_name_key", ["project_id", "name_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("registered_models") as batch:
        batch.drop_constraint("uq_registered_models_project_id_name_key", type_="unique")
        batch.drop_constraint("uq_registered_models_project_id_name", type_="unique")
        batch.create_unique_constraint("uq_registered_models_name_key", ["name_key"])
        batch.create_unique_constraint("uq_registered_models_name", ["name"])
        batch.drop_index(op.f("ix_registered_models_project_id"))
        batch.drop_column("project_id")
