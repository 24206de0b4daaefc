"""Signing in and out, and who the caller is."""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from skyulf_errors import NotFound
from skyulf_gateway import auth_schemas as a
from skyulf_gateway import schemas as s
from skyulf_gateway.accounts import Principal
from skyulf_gateway.deps import SettingsDep
from skyulf_gateway.routing import StrictJsonRoute
from skyulf_gateway.security import (
    SESSION_COOKIE,
    CurrentPrincipal,
    get_accounts,
    get_projects,
    needs,
    require_service,
    session_of,
)

# On the public list: signing in, and the internal key check (which takes a service credential).
public = APIRouter(prefix="/auth", tags=["auth"], route_class=StrictJsonRoute)
router = APIRouter(prefix="/auth", tags=["auth"], route_class=StrictJsonRoute)


def me(principal: Principal) -> a.Me:
    return a.Me(
        id=principal.user_id,
        username=principal.username,
        role=cast(a.RoleName, principal.role),
        permissions=sorted(principal.permissions),  # type: ignore[arg-type]
        via=principal.via,
        csrf_token=principal.csrf_token,
    )


@public.post("/login", response_model=a.Me, responses=s.errors(400, 401, 429))
async def login(
    body: a.LoginRequest, request: Request, response: Response, settings: SettingsDep
) -> a.Me:
    """Signs in with a password: sets the session cookie and returns the CSRF token to send
    as ``X-CSRF-Token`` with every request that changes something."""
    client = request.client.host if request.client else "?"
    limiter = request.app.state.login_limiter
    limiter.hit(f"ip:{client}")
    limiter.hit(f"user:{body.username}")
    session = await run_in_threadpool(get_accounts(request).login, body.username, body.password)
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=int(settings.session_ttl_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies(),
        path="/",
    )
    return me(session.principal)


@public.get("/session", response_model=a.SessionState, responses={"5XX": s.errors()["5XX"]})
async def session(request: Request) -> a.SessionState:
    """Whether this browser is signed in, and as whom: answers 200 either way, so the web app
    can decide between the sign-in page and the app without a failed request."""
    principal = await run_in_threadpool(session_of, request)
    return a.SessionState(user=me(principal) if principal is not None else None)


@public.post("/introspect", response_model=a.IntrospectResult, include_in_schema=False)
async def introspect(
    body: a.IntrospectRequest, request: Request, _caller: str = Depends(require_service)
) -> a.IntrospectResult:
    """For prediction servers: whether an API key is valid, and what it may do."""
    principal = await run_in_threadpool(get_accounts(request).api_key_principal, body.api_key)
    if principal is None:
        return a.IntrospectResult(valid=False)
    try:
        # The key's project, while its owner may still enter it.
        project = await run_in_threadpool(get_projects(request).enter, principal, None)
    except NotFound:
        return a.IntrospectResult(valid=False)
    return a.IntrospectResult(
        valid=True,
        username=principal.username,
        permissions=sorted(principal.permissions),  # type: ignore[arg-type]
        project_id=project.id,
    )


@router.get("/me", response_model=a.Me, responses=s.errors())
@needs("")
async def whoami(principal: CurrentPrincipal) -> a.Me:
    return me(principal)


@router.post("/logout", status_code=204, responses=s.errors())
@needs("")
async def logout(request: Request, principal: CurrentPrincipal, settings: SettingsDep) -> Response:
    """Ends this web session (an API key stays valid: revoke it instead)."""
    if principal.session_id is not None:
        await run_in_threadpool(get_accounts(request).logout, principal.session_id)
    response = Response(status_code=204)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=settings.secure_cookies()
    )
    return response
