"""Aliases, version tags and description, the serving runtime, and look-alike model names.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from skyulf_platform.db.base import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("model_versions") as batch:
        batch.add_column(
            sa.Column("runtime", sa.String(length=32), nullable=False, server_default="sklearn")
        )
        batch.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("tags", sa.JSON(), nullable=True))
    with op.batch_alter_table("registered_models") as batch:
        batch.add_column(sa.Column("name_key", sa.String(length=128), nullable=True))
    op.execute("UPDATE registered_models SET name_key = lower(name)")
    with op.batch_alter_table("registered_models") as batch:
        batch.alter_column("name_key", existing_type=sa.String(length=128), nullable=False)
        batch.create_unique_constraint(op.f("uq_registered_models_name_key"), ["name_key"])
    op.create_table(
        "model_aliases",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("model_id", sa.String(length=36), nullable=False),
        sa.Column("alias", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("protected", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["registered_models.id"],
            name=op.f("fk_model_aliases_model_id_registered_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["model_id", "version"],
            ["model_versions.model_id", "model_versions.version"],
            name=op.f("fk_model_aliases_model_id_model_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_aliases")),
        sa.UniqueConstraint("model_id", "alias", name=op.f("uq_model_aliases_model_id_alias")),
    )


def downgrade() -> None:
    op.drop_table("model_aliases")
    with op.batch_alter_table("registered_models") as batch:
        batch.drop_constraint(op.f("uq_registered_models_name_key"), type_="unique")
        batch.drop_column("name_key")
    with op.batch_alter_table("model_versions") as batch:
        batch.drop_column("tags")
        batch.drop_column("description")
        batch.drop_column("runtime")
