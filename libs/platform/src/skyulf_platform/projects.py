"""The project a call acts in: one contextvar, set where a call or a task comes in.

The gateway decides which project a request acts in and sends its id to the services as the
``x-skyulf-project`` gRPC metadata; the server interceptor sets :data:`project_var` from it, the
client interceptors (and :func:`skyulf_platform.grpc.client.call_metadata`) pass it on to the
next call, and a Celery task carries it as a message header (``skyulf_platform.tasks.context``),
so a worker acts in the project of the call that enqueued it. Only Skyulf processes (holding a
service token) reach the services, so only they can set it. A call without it acts in
:data:`DEFAULT_PROJECT`.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from typing import Any

PROJECT_KEY = "x-skyulf-project"
"""The gRPC metadata key (and Celery message header) naming the project's id."""

DEFAULT_PROJECT = "default"
"""The id (and name) of the project every install starts with; rows made before projects
existed belong to it."""

project_var: contextvars.ContextVar[str] = contextvars.ContextVar("project", default="")


def current_project() -> str:
    """The id of the project the call at hand acts in."""
    return project_var.get() or DEFAULT_PROJECT


@contextlib.contextmanager
def acting_in(project_id: str) -> Iterator[str]:
    """Runs the block in ``project_id`` (a worker re-enqueueing a job, a test)."""
    token = project_var.set(project_id)
    try:
        yield project_id
    finally:
        project_var.reset(token)


def project_from_metadata(metadata: Iterable[tuple[str, Any]] | None) -> str:
    """The project id the metadata names, or :data:`DEFAULT_PROJECT`."""
    for key, value in metadata or ():
        if key == PROJECT_KEY and isinstance(value, str) and value:
            return value
    return DEFAULT_PROJECT
