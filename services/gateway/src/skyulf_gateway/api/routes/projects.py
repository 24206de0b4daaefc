"""Projects: the caller's list, and for admins new projects and their members."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from skyulf_errors import NotFound
from skyulf_gateway import auth_schemas as a
from skyulf_gateway import schemas as s
from skyulf_gateway.accounts import User
from skyulf_gateway.api.routes.users import public as user_public
from skyulf_gateway.projects import Project
from skyulf_gateway.routing import StrictJsonRoute
from skyulf_gateway.security import (
    AdminPrincipal,
    CurrentPrincipal,
    get_projects,
    needs,
    require_admin,
)

router = APIRouter(prefix="/projects", tags=["projects"], route_class=StrictJsonRoute)


def public(project: Project) -> a.ProjectPublic:
    return a.ProjectPublic(id=project.id, name=project.name, created_at=project.created_at)


@router.get("", response_model=a.ProjectList, responses=s.errors())
@needs("")
async def list_projects(request: Request, principal: CurrentPrincipal) -> a.ProjectList:
    """The projects the caller may enter (every one, for an admin), and the one a request
    without ``X-Skyulf-Project`` acts in."""
    projects = get_projects(request)
    visible = await run_in_threadpool(projects.visible_to, principal)
    try:
        default: str | None = (await run_in_threadpool(projects.enter, principal, None)).name
    except NotFound:
        default = None
    return a.ProjectList(projects=[public(p) for p in visible], default=default)


@router.post(
    "",
    response_model=a.ProjectPublic,
    status_code=201,
    responses=s.errors(400, 409),
    dependencies=[Depends(require_admin)],
)
async def create_project(
    body: a.ProjectCreate, request: Request, principal: AdminPrincipal
) -> a.ProjectPublic:
    """A new, empty project; its creator is its first member."""
    project = await run_in_threadpool(get_projects(request).create, body.name, principal.user_id)
    return public(project)


def _members(name: str, users: list[User]) -> a.ProjectMembers:
    return a.ProjectMembers(project=name, members=[user_public(u) for u in users])


@router.get(
    "/{name}/members",
    response_model=a.ProjectMembers,
    responses=s.errors(404),
    dependencies=[Depends(require_admin)],
)
async def list_members(name: str, request: Request) -> a.ProjectMembers:
    return _members(name, await run_in_threadpool(get_projects(request).members, name))


@router.post(
    "/{name}/members",
    response_model=a.ProjectMembers,
    status_code=201,
    responses=s.errors(400, 404),
    dependencies=[Depends(require_admin)],
)
async def add_member(name: str, body: a.ProjectMemberAdd, request: Request) -> a.ProjectMembers:
    """Lets a user enter the project (an admin enters every project without being a member)."""
    users = await run_in_threadpool(get_projects(request).add_member, name, body.user_id)
    return _members(name, users)


@router.delete(
    "/{name}/members/{user_id}",
    response_model=a.ProjectMembers,
    responses=s.errors(404),
    dependencies=[Depends(require_admin)],
)
async def remove_member(name: str, user_id: str, request: Request) -> a.ProjectMembers:
    """The user no longer sees the project or anything in it."""
    users = await run_in_threadpool(get_projects(request).remove_member, name, user_id)
    return _members(name, users)
