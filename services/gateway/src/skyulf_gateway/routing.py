"""The gateway's route class: JSON bodies must be valid JSON of valid Unicode.

Python's JSON parser accepts a lone surrogate escape (``"\\ud800"``), which is no character at
all: it cannot be encoded as UTF-8, so it would fail later in a gRPC message or a pandas frame as
a 500. Bodies are parsed by orjson, which refuses it (and ``NaN``, ``Infinity`` and numbers beyond
a double, which JSON does not have either); the error handlers turn that into a 400.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.routing import APIRoute


def loads(body: bytes) -> Any:
    """The JSON document ``body``; a :class:`json.JSONDecodeError` when it is not valid JSON or
    holds a string that is not valid Unicode."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as e:
        if "surrogate" in e.msg:
            raise json.JSONDecodeError(
                "a lone surrogate escape is not a valid character", e.doc, e.pos
            ) from None
        raise


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
