"""Projects: which team's space a call acts in, and who may enter it.

Datasets, pipelines, jobs, models and deployments belong to one project; the services keep them
apart by the project id the gateway sends with every call (``skyulf_platform.projects``). Admins
see and may enter every project; editors and viewers the projects they are members of. A project
the caller may not enter is "not found", exactly like one that does not exist, so nobody learns
the names of other teams' projects.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from skyulf_errors import AlreadyExists, NotFound
from skyulf_gateway.accounts import API_KEY_TTL_SECONDS, Principal, User, user_record
from skyulf_gateway.db.tables import ProjectMemberRow, ProjectRow, UserRow
from skyulf_platform.db.uow import UnitOfWork
from skyulf_platform.names import check_name
from skyulf_platform.projects import DEFAULT_PROJECT

PROJECT_HEADER = "x-skyulf-project"
"""The HTTP header naming the project a request acts in (by name)."""


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    created_at: datetime


def _project(row: ProjectRow) -> Project:
    return Project(row.id, row.name, row.created_at)


def project_not_found() -> NotFound:
    # Names nothing more: not whether the project exists, nor who is in it.
    return NotFound("project not found", details={"field": PROJECT_HEADER})


_MAX_REMEMBERED = 10_000


class Projects:
    def __init__(self, uow: UnitOfWork, clock: Callable[[], float] = time.monotonic) -> None:
        self.uow = uow
        self.clock = clock
        # (caller, project name asked for) -> (until, project): a project entered moments ago
        # is entered again without a database read, for as long as a checked API key is
        # remembered. Membership changes on this gateway forget every entry at once.
        self._entered: dict[tuple[Principal, str | None], tuple[float, Project]] = {}

    def entered_recently(self, principal: Principal, name: str | None) -> Project | None:
        """The project :meth:`enter` gave this caller for ``name`` less than
        ``API_KEY_TTL_SECONDS`` ago; ``None`` when it must be entered again."""
        found = self._entered.get((principal, name))
        if found is None or found[0] <= self.clock():
            return None
        return found[1]

    def forget_entries(self) -> None:
        self._entered.clear()

    def create(self, name: str, creator_id: str) -> Project:
        check_name(name, "name", "project name")
        with self.uow() as s:
            if s.scalar(select(ProjectRow.id).where(ProjectRow.name == name)):
                raise AlreadyExists(f"a project named {name!r} exists", details={"field": "name"})
            row = ProjectRow(name=name)
            s.add(row)
            s.flush()
            s.add(ProjectMemberRow(project_id=row.id, user_id=creator_id))
            created = _project(row)
        self.forget_entries()
        return created

    def visible_to(self, principal: Principal) -> list[Project]:
        """Every project for an admin; a member's projects (their first membership first); an
        API key's own project."""
        with self.uow() as s:
            if principal.can("admin"):
                rows = s.scalars(select(ProjectRow).order_by(ProjectRow.name)).all()
            elif principal.project_id is not None:
                rows = s.scalars(
                    select(ProjectRow).where(ProjectRow.id == principal.project_id)
                ).all()
                rows = [r for r in rows if self._may_enter(s, principal, r.id)]
            else:
                rows = s.scalars(
                    select(ProjectRow)
                    .join(ProjectMemberRow, ProjectMemberRow.project_id == ProjectRow.id)
                    .where(ProjectMemberRow.user_id == principal.user_id)
                    .order_by(ProjectMemberRow.created_at, ProjectRow.name)
                ).all()
            return [_project(r) for r in rows]

    def enter(self, principal: Principal, name: str | None) -> Project:
        """The project a request acts in: the one ``name`` gives, else the caller's default (an
        API key's own project; a session's first membership, or ``default`` for an admin). An
        API key acts in its own project only, unless it carries the ``admin`` scope."""
        project = self._enter(principal, name)
        if len(self._entered) >= _MAX_REMEMBERED:
            self._entered.clear()
        self._entered[(principal, name)] = (self.clock() + API_KEY_TTL_SECONDS, project)
        return project

    def _enter(self, principal: Principal, name: str | None) -> Project:
        with self.uow() as s:
            if name is None and principal.project_id is not None:
                row = s.get(ProjectRow, principal.project_id)
                if row is None or not self._may_enter(s, principal, row.id):
                    raise project_not_found()
                return _project(row)
            if name is not None:
                row = s.scalar(select(ProjectRow).where(ProjectRow.name == name))
                if row is None or not self._may_enter(s, principal, row.id):
                    raise project_not_found()
                return _project(row)
        visible = self.visible_to(principal)
        if principal.can("admin"):
            visible = [p for p in visible if p.id == DEFAULT_PROJECT] or visible
        if not visible:
            raise project_not_found()
        return visible[0]

    @staticmethod
    def _may_enter(s: Session, principal: Principal, project_id: str) -> bool:
        """Admins (and keys with the admin scope) enter every project; anyone else a project
        they are a member of, and a key only its own project, while its owner is a member."""
        if principal.can("admin"):
            return True
        if principal.project_id is not None and principal.project_id != project_id:
            return False
        if principal.role == "admin":
            return True
        found = s.scalar(
            select(ProjectMemberRow.id).where(
                ProjectMemberRow.project_id == project_id,
                ProjectMemberRow.user_id == principal.user_id,
            )
        )
        return found is not None

    def names(self) -> dict[str, str]:
        """Every project's name by its id."""
        with self.uow() as s:
            return dict(s.execute(select(ProjectRow.id, ProjectRow.name)).tuples().all())

    # --- members, for admins -----------------------------------------------------------------
    def _by_name(self, name: str) -> ProjectRow:
        with self.uow() as s:
            row = s.scalar(select(ProjectRow).where(ProjectRow.name == name))
            if row is None:
                raise project_not_found()
            return row

    def members(self, name: str) -> list[User]:
        project = self._by_name(name)
        with self.uow() as s:
            rows = s.scalars(
                select(UserRow)
                .join(ProjectMemberRow, ProjectMemberRow.user_id == UserRow.id)
                .where(ProjectMemberRow.project_id == project.id)
                .order_by(UserRow.username)
            ).all()
            return [user_record(r) for r in rows]

    def add_member(self, name: str, user_id: str) -> list[User]:
        project = self._by_name(name)
        with self.uow() as s:
            if s.get(UserRow, user_id) is None:
                raise NotFound(f"user {user_id} not found", details={"user_id": user_id})
            member = s.scalar(
                select(ProjectMemberRow.id).where(
                    ProjectMemberRow.project_id == project.id, ProjectMemberRow.user_id == user_id
                )
            )
            if member is None:
                s.add(ProjectMemberRow(project_id=project.id, user_id=user_id))
        self.forget_entries()
        return self.members(name)

    def remove_member(self, name: str, user_id: str) -> list[User]:
        project = self._by_name(name)
        with self.uow() as s:
            s.query(ProjectMemberRow).filter(
                ProjectMemberRow.project_id == project.id, ProjectMemberRow.user_id == user_id
            ).delete()
        self.forget_entries()
        return self.members(name)
