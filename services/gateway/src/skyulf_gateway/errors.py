"""One error envelope for every failure: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

import logging
from typing import Any

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from skyulf_errors import ErrorCode, SkyulfError
from skyulf_platform.errors import HTTP_STATUS, from_rpc_error
from skyulf_platform.logs import request_id_var

log = logging.getLogger(__name__)

REQUEST_ID_SCOPE_KEY = "skyulf.request_id"

_HTTP_CODES = {
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.INVALID_ARGUMENT,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
}


def envelope(err: SkyulfError) -> JSONResponse:
    return JSONResponse({"error": err.to_dict()}, status_code=HTTP_STATUS[err.code])


def _field_path(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def _problem(error: dict[str, Any]) -> dict[str, str]:
    if error.get("type") == "json_invalid":
        # The location is a character offset into the body, not a field.
        loc = error.get("loc", ())
        reason = (error.get("ctx") or {}).get("error", "")
        at = f" at character {loc[-1]}" if loc and isinstance(loc[-1], int) else ""
        return {"field": "body", "message": f"the body is not valid JSON{at}: {reason}"}
    return {"field": _field_path(tuple(error.get("loc", ()))), "message": error.get("msg", "")}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SkyulfError)
    async def _skyulf(_: Request, exc: SkyulfError) -> JSONResponse:
        return envelope(exc)

    @app.exception_handler(grpc.RpcError)
    async def _rpc(_: Request, exc: grpc.RpcError) -> JSONResponse:
        return envelope(from_rpc_error(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [_problem(e) for e in exc.errors()]
        first = problems[0] if problems else {"field": "body", "message": "invalid request"}
        return envelope(
            SkyulfError(
                f"invalid request: {first['field']}: {first['message']}",
                code=ErrorCode.INVALID_ARGUMENT,
                details={"field": first["field"], "errors": problems},
            )
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, ErrorCode.INVALID_ARGUMENT)
        err = SkyulfError(str(exc.detail), code=code)
        resp = envelope(err)
        resp.status_code = exc.status_code
        return resp

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        rid = str(request.scope.get(REQUEST_ID_SCOPE_KEY, ""))
        token = request_id_var.set(rid)
        try:
            log.error("unhandled error", exc_info=exc)
        finally:
            request_id_var.reset(token)
        resp = envelope(SkyulfError(f"internal error (request id {rid})", code=ErrorCode.INTERNAL))
        resp.headers["x-request-id"] = rid
        return resp
