"""Every dataset version keeps its own profile; the dataset row no longer holds one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The newest READY version of each dataset: the one the dataset row's profile described (the
# row's own version number may already be the next one, being ingested or failed).
_NEWEST = (
    "dataset_versions.version = (SELECT MAX(v.version) FROM dataset_versions v "
    "WHERE v.dataset_id = dataset_versions.dataset_id)"
)


def upgrade() -> None:
    with op.batch_alter_table("dataset_versions") as batch:
        batch.add_column(sa.Column("profile", sa.Text(), nullable=True))
    op.execute(
        "UPDATE dataset_versions SET profile = (SELECT d.profile FROM datasets d "
        f"WHERE d.id = dataset_versions.dataset_id) WHERE {_NEWEST}"
    )
    with op.batch_alter_table("datasets") as batch:
        batch.drop_column("profile")


def downgrade() -> None:
    with op.batch_alter_table("datasets") as batch:
        batch.add_column(sa.Column("profile", sa.Text(), nullable=True))
    op.execute(
        "UPDATE datasets SET profile = (SELECT dataset_versions.profile FROM dataset_versions "
        f"WHERE dataset_versions.dataset_id = datasets.id AND {_NEWEST})"
    )
    with op.batch_alter_table("dataset_versions") as batch:
        batch.drop_column("profile")
