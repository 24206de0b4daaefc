"""The one rule for the names people give models, deployments and pipelines' models.

A name is matched in full (``re.fullmatch``): with ``re.match`` and a ``$`` anchor, ``'churn\\n'``
passed, since ``$`` also matches before a final newline.
"""

from __future__ import annotations

import re

from skyulf_errors import InvalidArgument

NAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}"
_NAME = re.compile(NAME_PATTERN)
RULE = "use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit"


def is_valid_name(value: str) -> bool:
    return _NAME.fullmatch(value) is not None


def check_name(value: str, field: str = "name", what: str = "name") -> str:
    """``value`` if it is a valid name, else InvalidArgument naming ``field``."""
    if not is_valid_name(value):
        raise InvalidArgument(
            f"{field} {value!r} is not a valid {what}: {RULE}", details={"field": field}
        )
    return value
