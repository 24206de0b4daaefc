"""The gateway's route class: JSON bodies must be valid Unicode.

Python's JSON parser accepts a lone surrogate escape (``"\\ud800"``), which is no character at all:
it cannot be encoded as UTF-8, so it would fail later in a gRPC message or a pandas frame as a 500.
Such a body is refused here as invalid JSON, which the error handlers turn into a 400.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

# A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _strings(value: Any) -> Any:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def loads(body: bytes) -> Any:
    """``json.loads``, raising JSONDecodeError for strings that are not valid Unicode."""
    data = json.loads(body)
    for text in _strings(data):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as e:
            doc = body.decode("utf-8", errors="replace")
            found = _LONE_SURROGATE.search(doc)
            raise json.JSONDecodeError(
                f"lone surrogate \\u{ord(text[e.start]):04x} is not a valid character",
                doc,
                found.start() if found else 0,
            ) from None
    return data


class _StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads(await self.body())
        return self._json


class StrictJsonRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(_StrictJsonRequest(request.scope, request.receive))

        return strict_handler
