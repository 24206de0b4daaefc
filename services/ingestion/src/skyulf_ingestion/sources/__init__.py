"""Where a dataset's data comes from besides an upload: a database, an HTTP API, an S3 object."""

from __future__ import annotations

import re

from skyulf_errors import InvalidArgument

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def refuse_control_characters(value: str, field: str, what: str) -> None:
    """A NUL or another control character in a URL, a key or a file path ends or bends it in the
    library that gets it (a C string, a header); refused up front, naming the field."""
    if _CONTROL.search(value):
        raise InvalidArgument(
            f"the {what} contains a control character (such as NUL or a line break)",
            details={"field": field},
        )
