"""Authentication and permissions for every route: deny unless a route is on the public list.

Every route under ``/api/v1`` goes through :func:`authorize`, a dependency of the API router
itself, so a route added to any module there needs no edit to be protected. A caller is either
a web session (an HttpOnly, SameSite=Strict cookie; unsafe methods also need the session's CSRF
token in ``X-CSRF-Token``) or a program with an API key (``Authorization: Bearer <key>``, which
browsers never attach on their own, so it needs no CSRF token). Safe methods need the ``read``
permission, others ``write``; a route marked with :func:`needs` names its own.

Every route of a team's resources also acts in one project (:func:`enter_project`): the one the
``X-Skyulf-Project`` header (or, for links and event streams, the ``project`` query parameter)
names, else the caller's default; its id goes to the services with every gRPC call.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from skyulf_errors import PermissionDenied, Unauthenticated
from skyulf_gateway.accounts import Accounts, Principal
from skyulf_gateway.projects import PROJECT_HEADER, Project, Projects
from skyulf_platform.grpc.auth import TOKEN_PREFIX, installed
from skyulf_platform.projects import project_var

SESSION_COOKIE = "skyulf_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

PUBLIC_PATHS = frozenset({"/healthz", "/api/v1/auth/login", "/api/v1/auth/session"})
"""Every path answered without a signed-in caller, besides the web app's static files (served at
``/`` by the mount) and the API description (``/openapi.json``, ``/docs``: the shape of the API
is public in the source; no data is). A test holds the app's routes to this list."""

_PERMISSION_ATTR = "__skyulf_permission__"

F = TypeVar("F", bound=Callable[..., Any])


def needs(permission: str) -> Callable[[F], F]:
    """Marks a route (put it under the ``@router.<method>`` line) as needing ``permission``
    instead of the method's default; ``""``: any signed-in caller."""

    def mark(endpoint: F) -> F:
        setattr(endpoint, _PERMISSION_ATTR, permission)
        return endpoint

    return mark


def get_accounts(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def get_projects(request: Request) -> Projects:
    projects: Projects = request.app.state.projects
    return projects


def session_of(request: Request) -> Principal | None:
    """The signed-in web session the request's cookie names, if any (never an error)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    return get_accounts(request).session_principal(cookie) if cookie else None


async def authenticate(request: Request) -> Principal:
    """The caller; an API key checked moments ago is answered from memory, without a thread
    hop or a database read (see ``accounts.API_KEY_TTL_SECONDS``)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and token:
        principal = get_accounts(request).cached_api_key_principal(token)
        if principal is not None:
            request.state.principal = principal
            return principal
    return await run_in_threadpool(_authenticate, request)


def _authenticate(request: Request) -> Principal:
    accounts = get_accounts(request)
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated(
                "the Authorization header must be 'Bearer <API key>'",
                details={"field": "authorization"},
            )
        principal = accounts.api_key_principal(token)
        if principal is None:
            raise Unauthenticated(
                "the API key is unknown or revoked", details={"field": "authorization"}
            )
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            raise Unauthenticated(
                "sign in, or send an API key as 'Authorization: Bearer <key>'",
                details={"field": "authorization"},
            )
        principal = accounts.session_principal(cookie)
        if principal is None:
            raise Unauthenticated("the session has ended: sign in again")
        if request.method not in SAFE_METHODS and not hmac.compare_digest(
            request.headers.get(CSRF_HEADER, ""), principal.csrf_token or ""
        ):
            raise PermissionDenied(
                "the X-CSRF-Token header is missing or wrong for this session",
                details={"field": CSRF_HEADER},
            )
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]


def _deny(principal: Principal, permission: str) -> PermissionDenied:
    via = "this API key" if principal.via == "api_key" else f"a {principal.role}"
    return PermissionDenied(
        f"{via} may not {permission}: ask an admin for the '{permission}' permission",
        details={"permission": permission, "role": principal.role},
    )


async def authorize(request: Request, principal: CurrentPrincipal) -> Principal:
    """The API router's dependency: the permission the method (or the route) needs."""
    default = "read" if request.method in SAFE_METHODS else "write"
    needed = getattr(request.scope.get("endpoint"), _PERMISSION_ATTR, default)
    if needed and not principal.can(needed):
        raise _deny(principal, needed)
    return principal


async def require_admin(principal: CurrentPrincipal) -> Principal:
    if not principal.can("admin"):
        raise _deny(principal, "admin")
    return principal


AdminPrincipal = Annotated[Principal, Depends(require_admin)]

PROJECT_QUERY = "project"


async def enter_project(
    request: Request, principal: Annotated[Principal, Depends(authorize)]
) -> Project:
    """The project the request acts in; every gRPC call the route makes carries its id. Async,
    so that the project it sets is the one the route's own coroutine sees; a project this
    caller entered moments ago is entered again without a thread hop or a database read."""
    name = request.headers.get(PROJECT_HEADER) or request.query_params.get(PROJECT_QUERY) or None
    projects = get_projects(request)
    project = projects.entered_recently(principal, name)
    if project is None:
        project = await run_in_threadpool(projects.enter, principal, name)
    project_var.set(project.id)
    return project


CurrentProject = Annotated[Project, Depends(enter_project)]


def require_service(request: Request) -> str:
    """For routes only other Skyulf processes call: a valid service token; returns the caller."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    credentials = installed()
    caller = (
        credentials.verify(token.strip())
        if credentials is not None and scheme.lower() == "bearer" and token.startswith(TOKEN_PREFIX)
        else None
    )
    if caller is None:
        raise Unauthenticated("this route takes a Skyulf service credential")
    return caller
