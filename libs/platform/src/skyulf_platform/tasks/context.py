"""The project a task acts in travels with it as a message header.

Publishing a task adds the project of the call at hand (:data:`skyulf_platform.projects.project_var`)
to the message's headers; before the task runs, the worker sets the contextvar from that header,
so the calls the task makes (and the tasks it enqueues) act in the same project. A message without
the header (sent before projects existed) acts in the default project.
"""

from __future__ import annotations

import contextvars
from typing import Any

from celery import signals

from skyulf_platform.projects import DEFAULT_PROJECT, PROJECT_KEY, project_var

_tokens: dict[str, contextvars.Token[str]] = {}


def _add_project(headers: dict[str, Any] | None = None, **_: Any) -> None:
    project = project_var.get()
    if headers is not None and project and PROJECT_KEY not in headers:
        headers[PROJECT_KEY] = project


def task_project(task: Any) -> str:
    """The project id a running task's message carried."""
    value = getattr(task.request, PROJECT_KEY, None)
    if not value and isinstance(task.request.headers, dict):
        value = task.request.headers.get(PROJECT_KEY)
    return value if isinstance(value, str) and value else DEFAULT_PROJECT


def _enter_project(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    if task_id is not None and task is not None:
        _tokens[task_id] = project_var.set(task_project(task))


def _leave_project(task_id: str | None = None, **_: Any) -> None:
    token = _tokens.pop(task_id or "", None)
    if token is not None:
        project_var.reset(token)


def install_project_propagation() -> None:
    """Connects the signals once per process (the app factory calls it)."""
    signals.before_task_publish.connect(_add_project, weak=False, dispatch_uid="skyulf-project-out")
    signals.task_prerun.connect(_enter_project, weak=False, dispatch_uid="skyulf-project-in")
    signals.task_postrun.connect(_leave_project, weak=False, dispatch_uid="skyulf-project-done")
