"""API keys: a caller manages their own; an admin sees and revokes everyone's."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from skyulf_gateway import auth_schemas as a
from skyulf_gateway import schemas as s
from skyulf_gateway.accounts import ApiKey
from skyulf_gateway.routing import StrictJsonRoute
from skyulf_gateway.security import (
    CurrentPrincipal,
    enter_project,
    get_accounts,
    get_projects,
    needs,
)

router = APIRouter(prefix="/api-keys", tags=["api-keys"], route_class=StrictJsonRoute)


def public(key: ApiKey, project_names: dict[str, str]) -> a.ApiKeyPublic:
    return a.ApiKeyPublic(
        id=key.id,
        name=key.name,
        prefix=key.prefix,
        scopes=key.scopes,  # type: ignore[arg-type]
        username=key.username,
        created_at=key.created_at,
        last_used_at=key.last_used_at,
        revoked_at=key.revoked_at,
        project=project_names.get(key.project_id, key.project_id),
    )


@router.get("", response_model=a.ApiKeyList, responses=s.errors())
@needs("")
async def list_keys(request: Request, principal: CurrentPrincipal) -> a.ApiKeyList:
    owner = None if principal.can("admin") else principal.user_id
    keys = await run_in_threadpool(get_accounts(request).list_api_keys, owner)
    names = await run_in_threadpool(get_projects(request).names)
    return a.ApiKeyList(keys=[public(k, names) for k in keys])


@router.post("", response_model=a.ApiKeyCreated, status_code=201, responses=s.errors(400))
@needs("")
async def create_key(
    body: a.ApiKeyCreate, request: Request, principal: CurrentPrincipal
) -> a.ApiKeyCreated:
    """A new key for the caller, bound to the project the request acts in
    (``X-Skyulf-Project``, else the caller's default): every call made with it acts there. The
    answer holds the key itself, shown this once only."""
    project = await enter_project(request, principal)

    def create() -> tuple[ApiKey, str]:
        return get_accounts(request).create_api_key(
            principal.user_id, body.name, list(body.scopes), project_id=project.id
        )

    key, value = await run_in_threadpool(create)
    return a.ApiKeyCreated(**public(key, {project.id: project.name}).model_dump(), key=value)


@router.delete("/{key_id}", response_model=a.ApiKeyPublic, responses=s.errors(404))
@needs("")
async def revoke_key(key_id: str, request: Request, principal: CurrentPrincipal) -> a.ApiKeyPublic:
    """Revokes a key at once: calls with it are refused from now on."""
    owner = None if principal.can("admin") else principal.user_id
    key = await run_in_threadpool(get_accounts(request).revoke_api_key, key_id, owner)
    return public(key, await run_in_threadpool(get_projects(request).names))
