"""projects and their members; API keys bound to a project

Revision ID: 0002_projects
Revises: 0001_accounts
Create Date: 2026-12-03
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from skyulf_platform.db.base import UTCDateTime, utcnow

revision: str = "0002_projects"
down_revision: str | None = "0001_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The id and name of the project everything made before projects belongs to.
DEFAULT = "default"


def upgrade() -> None:
    projects = op.create_table(
        "projects",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("name", name=op.f("uq_projects_name")),
    )
    members = op.create_table(
        "project_members",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("project_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_members_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_project_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_members")),
        sa.UniqueConstraint(
            "project_id", "user_id", name=op.f("uq_project_members_project_id_user_id")
        ),
    )
    now = utcnow()
    op.bulk_insert(projects, [{"id": DEFAULT, "name": DEFAULT, "created_at": now}])
    # Every existing user works in the default project, as they did before projects.
    users = op.get_bind().execute(sa.text("SELECT id FROM users")).scalars().all()
    op.bulk_insert(
        members,
        [
            {"id": str(uuid.uuid4()), "project_id": DEFAULT, "user_id": u, "created_at": now}
            for u in users
        ],
    )
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(
            sa.Column("project_id", sa.String(36), nullable=False, server_default=DEFAULT)
        )
        batch.create_foreign_key(
            op.f("fk_api_keys_project_id_projects"),
            "projects",
            ["project_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_constraint(op.f("fk_api_keys_project_id_projects"), type_="foreignkey")
        batch.drop_column("project_id")
    op.drop_table("project_members")
    op.drop_table("projects")
