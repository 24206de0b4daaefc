"""The one way a service keeps its rows in their project.

A table of a team's resources mixes in :class:`ProjectScoped`: its ``project_id`` is stamped
from the call's project (:func:`skyulf_platform.projects.current_project`) when a row is added.
A repository reads rows through :func:`in_project` (a query's condition) and :func:`visible`
(a row fetched by id), so a row of another project is not found exactly like a missing one.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, String
from sqlalchemy.orm import Mapped, mapped_column

from skyulf_platform.projects import DEFAULT_PROJECT, current_project


class ProjectScoped:
    """Mixin for a table whose rows belong to a project."""

    project_id: Mapped[str] = mapped_column(
        String(36), default=current_project, server_default=DEFAULT_PROJECT, index=True
    )


class _HasProject(Protocol):
    project_id: Any


R = TypeVar("R", bound=_HasProject)


def in_project(table: type[_HasProject]) -> ColumnElement[bool]:
    """The condition "in the call's project", for a query over ``table``."""
    condition: ColumnElement[bool] = table.project_id == current_project()
    return condition


def visible(row: R | None) -> R | None:
    """``row`` if it belongs to the call's project, else None (as if it did not exist)."""
    if row is None or row.project_id != current_project():
        return None
    return row
