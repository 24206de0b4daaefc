"""Regular expressions written by users: checked when the parameters are read, run with a time
limit.

A pattern must be valid Python ``re`` syntax and its replacement template must refer only to
groups the pattern has; both are checked with ``re`` (which reads a template even when nothing
matches), so a mistake is reported when the node is validated, not at the first matching row.
Patterns run on the ``regex`` module (in its ``re``-compatible mode), whose matcher gives up after
``TIMEOUT_SECONDS`` on one value: a pattern that backtracks catastrophically fails the node, naming
it and the field, instead of holding a worker or a prediction server.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import regex

from skyulf_errors import NodeError

# Time allowed for one pattern on one value; ordinary patterns take microseconds.
TIMEOUT_SECONDS = 0.5


def pattern_problem(pattern: str) -> str | None:
    if not pattern:
        return "is empty"
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"is not a valid regular expression ({exc})"
    return None


def template_problem(pattern: str, template: str) -> str | None:
    try:
        re.compile(pattern).sub(template, "")
    except (re.error, IndexError) as exc:
        return f"does not fit the pattern ({exc})"
    return None


def substitution(
    pattern: str, template: str, node_id: str, node_type: str, field: str
) -> Callable[[str], str]:
    """``text -> text`` with every match replaced; a timeout is a NodeError naming the field."""
    compiled = regex.compile(pattern, regex.V0)

    def sub(text: str) -> str:
        try:
            return str(compiled.sub(template, text, timeout=TIMEOUT_SECONDS))
        except TimeoutError as exc:
            raise NodeError(
                f"node '{node_id}' ({node_type}): parameter '{field}' took longer than "
                f"{TIMEOUT_SECONDS} s on one value (a pattern that backtracks catastrophically?)",
                node_id=node_id,
                node_type=node_type,
                field=field,
                details={"timeout_seconds": TIMEOUT_SECONDS},
            ) from exc
        except (regex.error, IndexError) as exc:
            raise NodeError(
                f"node '{node_id}' ({node_type}): parameter '{field}': {exc}",
                node_id=node_id,
                node_type=node_type,
                field=field,
            ) from exc

    return sub
