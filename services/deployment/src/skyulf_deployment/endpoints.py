"""An endpoint's key: its name within its project.

Deployment names are unique per project, so what a prediction server caches, counts and logs per
endpoint is keyed by the project as well: the name alone in the default project (as before
projects), ``<project id>/<name>`` in any other (a name holds no ``/``).
"""

from __future__ import annotations

from skyulf_platform.projects import DEFAULT_PROJECT, current_project


def endpoint_key(name: str, project: str | None = None) -> str:
    project = project or current_project()
    return name if project == DEFAULT_PROJECT else f"{project}/{name}"
