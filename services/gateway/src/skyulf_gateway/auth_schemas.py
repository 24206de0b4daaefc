"""HTTP bodies of sign-in, API keys, users and projects."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

RoleName = Literal["admin", "editor", "viewer"]
Scope = Literal["read", "write", "predict", "admin"]


class LoginRequest(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class Me(BaseModel):
    id: str
    username: str
    role: RoleName
    permissions: list[Scope]
    via: Literal["session", "api_key"]
    # The token to send as X-CSRF-Token with every unsafe request of this session.
    csrf_token: str | None = None


class SessionState(BaseModel):
    # None when the browser holds no valid session: the web app then shows the sign-in page.
    user: Me | None


class UserPublic(BaseModel):
    id: str
    username: str
    role: RoleName
    disabled: bool
    created_at: datetime


class UserList(BaseModel):
    users: list[UserPublic]


class UserCreate(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)
    role: RoleName = "viewer"


class UserUpdate(BaseModel):
    role: RoleName | None = None
    disabled: bool | None = None
    password: str | None = Field(default=None, max_length=1024)


class ApiKeyPublic(BaseModel):
    id: str
    name: str
    prefix: str
    scopes: list[Scope]
    username: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    # The name of the project every call made with the key acts in.
    project: str


class ApiKeyList(BaseModel):
    keys: list[ApiKeyPublic]


class ApiKeyCreate(BaseModel):
    name: str = Field(max_length=128)
    scopes: list[Scope] = Field(default_factory=lambda: list[Scope](["read", "predict"]))


class ApiKeyCreated(ApiKeyPublic):
    # The key itself: shown in this answer only, never again.
    key: str


class IntrospectRequest(BaseModel):
    api_key: str = Field(max_length=512)


class IntrospectResult(BaseModel):
    valid: bool
    username: str | None = None
    permissions: list[Scope] = Field(default_factory=list)
    # The id of the project the key acts in.
    project_id: str | None = None


class ProjectPublic(BaseModel):
    id: str
    name: str
    created_at: datetime


class ProjectList(BaseModel):
    projects: list[ProjectPublic]
    # The project a request without X-Skyulf-Project acts in (None: the caller may enter none).
    default: str | None


class ProjectCreate(BaseModel):
    name: str = Field(max_length=128)


class ProjectMemberAdd(BaseModel):
    user_id: str = Field(max_length=36)


class ProjectMembers(BaseModel):
    project: str
    members: list[UserPublic]
