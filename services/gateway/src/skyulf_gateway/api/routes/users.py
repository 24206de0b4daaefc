"""User management, for admins."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from skyulf_gateway import auth_schemas as a
from skyulf_gateway import schemas as s
from skyulf_gateway.accounts import User
from skyulf_gateway.routing import StrictJsonRoute
from skyulf_gateway.security import AdminPrincipal, get_accounts, require_admin

router = APIRouter(
    prefix="/users",
    tags=["users"],
    route_class=StrictJsonRoute,
    dependencies=[Depends(require_admin)],
)


def public(user: User) -> a.UserPublic:
    return a.UserPublic(
        id=user.id,
        username=user.username,
        role=user.role,  # type: ignore[arg-type]
        disabled=user.disabled,
        created_at=user.created_at,
    )


@router.get("", response_model=a.UserList, responses=s.errors())
async def list_users(request: Request) -> a.UserList:
    users = await run_in_threadpool(get_accounts(request).list_users)
    return a.UserList(users=[public(u) for u in users])


@router.post("", response_model=a.UserPublic, status_code=201, responses=s.errors(400, 409))
async def create_user(body: a.UserCreate, request: Request) -> a.UserPublic:
    user = await run_in_threadpool(
        get_accounts(request).create_user, body.username, body.password, body.role
    )
    return public(user)


@router.patch("/{user_id}", response_model=a.UserPublic, responses=s.errors(400, 404, 409))
async def update_user(
    user_id: str, body: a.UserUpdate, request: Request, principal: AdminPrincipal
) -> a.UserPublic:
    """Changes a user's role, password, or disables them (which ends their sessions)."""
    accounts = get_accounts(request)

    def update() -> User:
        return accounts.update_user(
            user_id,
            role=body.role,
            disabled=body.disabled,
            password=body.password,
            acting_user_id=principal.user_id,
        )

    return public(await run_in_threadpool(update))
