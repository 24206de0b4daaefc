"""The Open Inference Protocol v2 REST face over the data plane.

Errors are ``{"error": {"code", "message", "details"}}`` with the status from
``skyulf_platform.errors.HTTP_STATUS``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skyulf_deployment.predictor.auth import ApiKeyVerifier
from skyulf_deployment.predictor.dataplane import SERVER_NAME, SERVER_VERSION, DataPlane
from skyulf_errors import ErrorCode, InvalidArgument, SkyulfError
from skyulf_platform.body_limit import BodyLimit, BodyLimitMiddleware
from skyulf_platform.errors import HTTP_STATUS
from skyulf_platform.inference.codec import infer_request_from_json, infer_response_to_json
from skyulf_platform.logs import new_request_id, request_id_var
from skyulf_platform.projects import PROJECT_KEY

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "x-request-id"
_HEADER = REQUEST_ID_HEADER.encode()


def _error(err: SkyulfError) -> JSONResponse:
    return JSONResponse({"error": err.to_dict()}, status_code=HTTP_STATUS[err.code])


def _parse(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        raise InvalidArgument(
            f"the request body is not valid JSON: {e}", details={"field": "body"}
        ) from e


class RequestIds:
    """Plain ASGI (no per-call task or body copy, unlike an ``http`` middleware): sets the
    request id for the logs, echoes it in the response, and turns errors into error bodies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = next((v.decode() for k, v in scope["headers"] if k == _HEADER), "")
        rid = rid or new_request_id()
        token = request_id_var.set(rid)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), (_HEADER, rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as e:
            if started:
                raise
            if isinstance(e, SkyulfError):
                if e.code == ErrorCode.INTERNAL:
                    log.error("internal error on %s: %s", scope["path"], e, exc_info=e)
                response = _error(e)
            else:
                log.error("unhandled error on %s", scope["path"], exc_info=e)
                response = _error(SkyulfError(f"internal error (request id {rid})"))
            await response(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


@dataclass(frozen=True)
class _Template:
    """What the metrics middleware reads of a matched route: its path template."""

    path: str


_INFER_PATH = re.compile(r"/v2/models/([^/]+)(?:/versions/([^/]+))?/infer")
_INFER = _Template("/v2/models/{name}/infer")
_INFER_VERSION = _Template("/v2/models/{name}/versions/{version}/infer")
_JSON_HEADERS = [(b"content-type", b"application/json")]


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise InvalidArgument("the client went away before sending the whole body")
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


class InferRoute:
    """``POST /v2/models/{name}[/versions/{version}]/infer`` as plain ASGI: the one route on
    every prediction's path skips the framework's routing, dependency solving and response
    encoding (about 40% of a small REST call); its API key is checked as every route's is."""

    def __init__(self, app: ASGIApp, dataplane: DataPlane, verifier: ApiKeyVerifier) -> None:
        self.app = app
        self.dataplane = dataplane
        self.verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = (
            _INFER_PATH.fullmatch(scope["path"])
            if scope["type"] == "http" and scope["method"] == "POST"
            else None
        )
        if match is None:
            await self.app(scope, receive, send)
            return
        name, version = match[1], match[2] or ""
        scope["route"] = _INFER_VERSION if match[2] is not None else _INFER
        scope["path_params"] = {"name": match[1], "version": match[2] or ""}
        headers = dict(scope["headers"])
        project = headers.get(PROJECT_KEY.encode())
        await self.verifier.check_header(
            headers.get(b"authorization", b"").decode("latin-1"),
            project.decode("latin-1") if project is not None else None,
        )
        body = _parse(await _read_body(receive))
        infer_request = infer_request_from_json(body, model_name=name, model_version=version)
        answer = orjson.dumps(infer_response_to_json(await self.dataplane.infer(infer_request)))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [*_JSON_HEADERS, (b"content-length", str(len(answer)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": answer})


def create_app(dataplane: DataPlane, verifier: ApiKeyVerifier, max_body_bytes: int) -> FastAPI:
    # Every route, including any added later, needs an API key unless it is a health probe.
    app = FastAPI(
        title="Skyulf prediction server",
        version=SERVER_VERSION,
        dependencies=[Depends(verifier.rest_dependency)],
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    # Added first, so it runs inside RequestIds (which turns its errors into error bodies).
    app.add_middleware(InferRoute, dataplane=dataplane, verifier=verifier)
    app.add_middleware(RequestIds)
    # Outermost of the two: an oversized body is refused before anything reads it.
    limit = BodyLimit(max_body_bytes)
    app.add_middleware(BodyLimitMiddleware, limit_for=lambda _scope: limit)

    @app.get("/v2/health/live")
    async def live() -> dict[str, bool]:
        return {"live": await dataplane.live()}

    @app.get("/v2/health/ready")
    async def ready() -> JSONResponse:
        ok, reason = await dataplane.ready()
        body: dict[str, Any] = {"ready": ok}
        if reason:
            body["reason"] = reason
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/v2")
    async def server_metadata() -> dict[str, Any]:
        return {"name": SERVER_NAME, "version": SERVER_VERSION, "extensions": []}

    @app.get("/v2/models/{name}")
    @app.get("/v2/models/{name}/versions/{version}")
    async def model_metadata(name: str, version: str = "") -> dict[str, Any]:
        return (await dataplane.model_metadata(name, version)).model_dump()

    @app.get("/v2/models/{name}/ready")
    @app.get("/v2/models/{name}/versions/{version}/ready")
    async def model_ready(name: str, version: str = "") -> dict[str, Any]:
        return {"name": name, "ready": await dataplane.model_ready(name, version)}

    return app
