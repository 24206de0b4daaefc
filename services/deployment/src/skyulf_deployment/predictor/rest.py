"""The Open Inference Protocol v2 REST face over the data plane.

Errors are ``{"error": {"code", "message", "details"}}`` with the status from
``skyulf_platform.errors.HTTP_STATUS``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from skyulf_core.errors import ErrorCode, InvalidArgument, SkyulfError
from skyulf_deployment.predictor.dataplane import SERVER_NAME, SERVER_VERSION, DataPlane
from skyulf_platform.errors import HTTP_STATUS
from skyulf_platform.inference.codec import infer_request_from_json, infer_response_to_json
from skyulf_platform.logs import new_request_id, request_id_var

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "x-request-id"


def _error(err: SkyulfError) -> JSONResponse:
    return JSONResponse({"error": err.to_dict()}, status_code=HTTP_STATUS[err.code])


async def _body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw)
    except ValueError as e:
        raise InvalidArgument(
            f"the request body is not valid JSON: {e}", details={"field": "body"}
        ) from e


def create_app(dataplane: DataPlane) -> FastAPI:
    app = FastAPI(title="Skyulf prediction server", version=SERVER_VERSION)

    @app.middleware("http")
    async def request_id(request: Request, call_next: Any) -> Any:
        rid = request.headers.get(REQUEST_ID_HEADER) or new_request_id()
        token = request_id_var.set(rid)
        try:
            try:
                response = await call_next(request)
            except SkyulfError as e:
                if e.code == ErrorCode.INTERNAL:
                    log.error("internal error on %s: %s", request.url.path, e, exc_info=e)
                response = _error(e)
            except Exception as e:
                log.error("unhandled error on %s", request.url.path, exc_info=e)
                response = _error(SkyulfError(f"internal error (request id {rid})"))
            response.headers[REQUEST_ID_HEADER] = rid
            return response
        finally:
            request_id_var.reset(token)

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

    @app.post("/v2/models/{name}/infer")
    @app.post("/v2/models/{name}/versions/{version}/infer")
    async def infer(name: str, request: Request, version: str = "") -> dict[str, Any]:
        body = await _body(request)
        infer_request = infer_request_from_json(body, model_name=name, model_version=version)
        return infer_response_to_json(await dataplane.infer(infer_request))

    return app
