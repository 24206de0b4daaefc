"""Users, web sessions and API keys: who may call the gateway, and as what.

Roles grant permissions; an API key carries scopes, a subset of its owner's permissions, and a
call made with it may do what both allow. Passwords are hashed with argon2id; session tokens and
API keys are 256-bit random values, stored as their SHA-256 and shown once.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skyulf_errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    Unauthenticated,
)
from skyulf_gateway.db.tables import ROLES, ApiKeyRow, ProjectMemberRow, SessionRow, UserRow
from skyulf_platform.db.base import utcnow
from skyulf_platform.db.uow import UnitOfWork
from skyulf_platform.projects import DEFAULT_PROJECT
from skyulf_platform.settings import write_secret_file

log = logging.getLogger(__name__)

Role = Literal["admin", "editor", "viewer"]
Permission = Literal["read", "write", "predict", "admin"]

PERMISSIONS: tuple[Permission, ...] = ("read", "write", "predict", "admin")
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"read", "predict"}),
    "editor": frozenset({"read", "write", "predict"}),
    "admin": frozenset(PERMISSIONS),
}

API_KEY_PREFIX = "sky_"
BOOTSTRAP_USERNAME = "bootstrap"
FIRST_ADMIN_USERNAME = "admin"
INITIAL_PASSWORD_FILE = "initial-admin-password"
MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
# Refreshing last_used_at on every call would make each call a write.
_LAST_USED_EVERY = timedelta(minutes=1)
# A valid API key's principal is kept this long, so that a stream of calls with one key does not
# read the database on each call. A revocation, a role change or a disabled user made through
# this gateway clears it at once; one made through another gateway replica takes effect within
# this time (the prediction server trusts a key for as long: predictor.auth.VALID_TTL_S).
API_KEY_TTL_SECONDS = 5.0
_MAX_CACHED_KEYS = 10_000


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is calling, and what the call may do."""

    user_id: str
    username: str
    role: str
    permissions: frozenset[str]
    via: Literal["session", "api_key"]
    csrf_token: str | None = None
    session_id: str | None = None
    # The project an API key was made in (None for a web session).
    project_id: str | None = None

    def can(self, permission: str) -> bool:
        return permission in self.permissions


@dataclass(frozen=True)
class User:
    id: str
    username: str
    role: str
    disabled: bool
    created_at: datetime


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    prefix: str
    scopes: list[str]
    user_id: str
    username: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    project_id: str


@dataclass(frozen=True)
class NewSession:
    token: str
    csrf_token: str
    expires_at: datetime
    principal: Principal


def user_record(row: UserRow) -> User:
    return User(row.id, row.username, row.role, row.disabled, row.created_at)


def _key(row: ApiKeyRow, username: str) -> ApiKey:
    return ApiKey(
        row.id,
        row.name,
        row.prefix,
        list(row.scopes),
        row.user_id,
        username,
        row.created_at,
        row.last_used_at,
        row.revoked_at,
        row.project_id,
    )


def check_username(username: str) -> str:
    if not _USERNAME.fullmatch(username):
        raise InvalidArgument(
            "a username is 1-64 characters: lowercase letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            details={"field": "username"},
        )
    return username


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidArgument(
            f"a password has at least {MIN_PASSWORD_LENGTH} characters",
            details={"field": "password"},
        )
    return password


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidArgument(
            f"unknown role {role!r}: one of {', '.join(ROLES)}", details={"field": "role"}
        )
    return role


class Accounts:
    def __init__(
        self,
        uow: UnitOfWork,
        session_ttl: timedelta,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.uow = uow
        self.session_ttl = session_ttl
        self.clock = clock
        # SHA-256 of a valid API key -> (until when it is trusted, its principal).
        self._keys: dict[str, tuple[float, Principal]] = {}
        self._hasher = PasswordHasher()
        # A hash to verify against when the user does not exist, so that a wrong username
        # takes as long as a wrong password.
        self._dummy_hash = self._hasher.hash(secrets.token_hex(16))

    # --- users -----------------------------------------------------------------------------
    def create_user(self, username: str, password: str, role: str) -> User:
        check_username(username)
        check_password(password)
        check_role(role)
        with self.uow() as s:
            if s.scalar(select(UserRow.id).where(UserRow.username == username)):
                raise AlreadyExists(
                    f"a user named {username!r} exists", details={"field": "username"}
                )
            row = UserRow(username=username, password_hash=self._hasher.hash(password), role=role)
            s.add(row)
            s.flush()
            # A new user starts in the default project; an admin moves them to their team's.
            s.add(ProjectMemberRow(project_id=DEFAULT_PROJECT, user_id=row.id))
            return user_record(row)

    def list_users(self) -> list[User]:
        with self.uow() as s:
            rows = s.scalars(select(UserRow).order_by(UserRow.created_at, UserRow.username))
            return [user_record(r) for r in rows]

    def update_user(
        self,
        user_id: str,
        *,
        role: str | None = None,
        disabled: bool | None = None,
        password: str | None = None,
        acting_user_id: str | None = None,
    ) -> User:
        with self.uow() as s:
            row = s.get(UserRow, user_id)
            if row is None:
                raise NotFound(f"user {user_id} not found", details={"user_id": user_id})
            if user_id == acting_user_id and (disabled or (role is not None and role != "admin")):
                raise FailedPrecondition(
                    "an admin cannot disable or demote their own account",
                    details={"field": "disabled" if disabled else "role"},
                )
            if role is not None:
                row.role = check_role(role)
            if password is not None:
                row.password_hash = self._hasher.hash(check_password(password))
                # A new password ends every session signed in with the old one.
                s.query(SessionRow).filter(SessionRow.user_id == user_id).delete()
            if disabled is not None:
                row.disabled = disabled
                if disabled:
                    s.query(SessionRow).filter(SessionRow.user_id == user_id).delete()
            s.flush()
            user = user_record(row)
        # The user's keys may have lost permissions, or the user may be disabled.
        self._keys.clear()
        return user

    # --- sessions --------------------------------------------------------------------------
    def login(self, username: str, password: str) -> NewSession:
        refused = Unauthenticated("wrong username or password")
        with self.uow() as s:
            row = s.scalar(select(UserRow).where(UserRow.username == username))
            stored = row.password_hash if row is not None else None
            try:
                self._hasher.verify(stored or self._dummy_hash, password)
            except (VerificationError, InvalidHashError):
                raise refused from None
            if row is None or stored is None or row.disabled:
                raise refused
            if self._hasher.check_needs_rehash(stored):
                row.password_hash = self._hasher.hash(password)
            now = utcnow()
            s.query(SessionRow).filter(SessionRow.expires_at < now).delete()
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            session = SessionRow(
                token_hash=sha256(token),
                csrf_token=csrf,
                user_id=row.id,
                expires_at=now + self.session_ttl,
            )
            s.add(session)
            s.flush()
            principal = Principal(
                row.id,
                row.username,
                row.role,
                ROLE_PERMISSIONS[row.role],
                "session",
                csrf,
                session.id,
            )
            return NewSession(token, csrf, session.expires_at, principal)

    def logout(self, session_id: str) -> None:
        with self.uow() as s:
            s.query(SessionRow).filter(SessionRow.id == session_id).delete()

    def session_principal(self, token: str) -> Principal | None:
        with self.uow() as s:
            found = s.execute(
                select(SessionRow, UserRow)
                .join(UserRow, UserRow.id == SessionRow.user_id)
                .where(SessionRow.token_hash == sha256(token))
            ).first()
            if found is None:
                return None
            session, user = found
            if user.disabled or session.expires_at < utcnow():
                return None
            return Principal(
                user.id,
                user.username,
                user.role,
                ROLE_PERMISSIONS[user.role],
                "session",
                session.csrf_token,
                session.id,
            )

    # --- API keys --------------------------------------------------------------------------
    def create_api_key(
        self,
        user_id: str,
        name: str,
        scopes: list[str],
        *,
        value: str | None = None,
        project_id: str = DEFAULT_PROJECT,
    ) -> tuple[ApiKey, str]:
        """The new key, bound to ``project_id``, and its value, which is never shown again."""
        name = name.strip()
        if not name or len(name) > 128:
            raise InvalidArgument("a key's name has 1-128 characters", details={"field": "name"})
        unknown = [sc for sc in scopes if sc not in PERMISSIONS]
        if unknown or not scopes:
            raise InvalidArgument(
                f"scopes are one or more of {', '.join(PERMISSIONS)}"
                + (f"; unknown: {', '.join(unknown)}" if unknown else ""),
                details={"field": "scopes"},
            )
        value = value or API_KEY_PREFIX + secrets.token_urlsafe(32)
        with self.uow() as s:
            user = s.get(UserRow, user_id)
            if user is None:
                raise NotFound(f"user {user_id} not found", details={"user_id": user_id})
            beyond = sorted(set(scopes) - ROLE_PERMISSIONS[user.role])
            if beyond:
                raise InvalidArgument(
                    f"a {user.role} cannot grant a key the scopes {', '.join(beyond)}",
                    details={"field": "scopes"},
                )
            row = ApiKeyRow(
                name=name,
                prefix=value[:12],
                key_hash=sha256(value),
                user_id=user_id,
                scopes=sorted(set(scopes), key=PERMISSIONS.index),
                project_id=project_id,
            )
            s.add(row)
            s.flush()
            return _key(row, user.username), value

    def list_api_keys(self, user_id: str | None) -> list[ApiKey]:
        """The keys of one user, or of everyone (``None``)."""
        with self.uow() as s:
            q = select(ApiKeyRow, UserRow.username).join(UserRow, UserRow.id == ApiKeyRow.user_id)
            if user_id is not None:
                q = q.where(ApiKeyRow.user_id == user_id)
            rows = s.execute(q.order_by(ApiKeyRow.created_at)).all()
            return [_key(k, name) for k, name in rows]

    def revoke_api_key(self, key_id: str, user_id: str | None) -> ApiKey:
        """Revokes a key of ``user_id`` (any user's when ``None``); a key of someone else is
        not found, so one user cannot learn which key ids exist."""
        with self.uow() as s:
            row = s.get(ApiKeyRow, key_id)
            if row is None or (user_id is not None and row.user_id != user_id):
                raise NotFound(f"API key {key_id} not found", details={"key_id": key_id})
            if row.revoked_at is None:
                row.revoked_at = utcnow()
            owner = s.get(UserRow, row.user_id)
            revoked = _key(row, owner.username if owner else "")
        self._keys.clear()
        return revoked

    def cached_api_key_principal(self, value: str) -> Principal | None:
        """The principal of a key checked less than :data:`API_KEY_TTL_SECONDS` ago (no
        database read); ``None`` when it must be looked up with :meth:`api_key_principal`."""
        cached = self._keys.get(sha256(value))
        if cached is None or cached[0] <= self.clock():
            return None
        return cached[1]

    def api_key_principal(self, value: str) -> Principal | None:
        digest = sha256(value)
        principal = self._read_api_key(digest)
        if principal is None:
            self._keys.pop(digest, None)
            return None
        if len(self._keys) >= _MAX_CACHED_KEYS:
            self._keys.clear()
        self._keys[digest] = (self.clock() + API_KEY_TTL_SECONDS, principal)
        return principal

    def _read_api_key(self, digest: str) -> Principal | None:
        with self.uow() as s:
            found = s.execute(
                select(ApiKeyRow, UserRow)
                .join(UserRow, UserRow.id == ApiKeyRow.user_id)
                .where(ApiKeyRow.key_hash == digest)
            ).first()
            if found is None:
                return None
            key, user = found
            if key.revoked_at is not None or user.disabled:
                return None
            now = utcnow()
            if key.last_used_at is None or now - key.last_used_at > _LAST_USED_EVERY:
                key.last_used_at = now
            permissions = ROLE_PERMISSIONS[user.role] & frozenset(key.scopes)
            return Principal(
                user.id, user.username, user.role, permissions, "api_key", project_id=key.project_id
            )

    # --- first start -----------------------------------------------------------------------
    def bootstrap(self, *, api_key: str | None, data_dir: Path, first_admin: bool) -> None:
        """Creates (or keeps) the admin key ``api_key``, and with ``first_admin`` an ``admin``
        user with a generated password written to a file only its owner can read, when no user
        who can sign in exists yet."""
        if api_key:
            self._bootstrap_key(api_key)
        if first_admin:
            self._first_admin(data_dir)

    def _bootstrap_key(self, value: str) -> None:
        if len(value) < 16:
            raise ValueError("SKYULF_BOOTSTRAP_API_KEY must be at least 16 characters")
        with self.uow() as s:
            if s.scalar(select(ApiKeyRow.id).where(ApiKeyRow.key_hash == sha256(value))):
                return
            owner = s.scalar(select(UserRow).where(UserRow.username == BOOTSTRAP_USERNAME))
            if owner is None:
                owner = UserRow(username=BOOTSTRAP_USERNAME, password_hash=None, role="admin")
                s.add(owner)
                s.flush()
            owner_id = owner.id
        # Another gateway replica may have created it at the same moment.
        with contextlib.suppress(AlreadyExists):
            self.create_api_key(owner_id, "bootstrap", list(PERMISSIONS), value=value)
        log.info("bootstrap API key in place (owner %r)", BOOTSTRAP_USERNAME)

    def _first_admin(self, data_dir: Path) -> None:
        with self.uow() as s:
            if _count_sign_in_users(s):
                return
        password = secrets.token_urlsafe(15)
        try:
            self.create_user(FIRST_ADMIN_USERNAME, password, "admin")
        except AlreadyExists:
            return
        path = data_dir / INITIAL_PASSWORD_FILE
        path.unlink(missing_ok=True)
        write_secret_file(path, f"{FIRST_ADMIN_USERNAME}\n{password}\n")
        log.info(
            "first start: created the user %r; its password is in %s (readable by this user "
            "only); sign in and delete that file",
            FIRST_ADMIN_USERNAME,
            path,
        )


def _count_sign_in_users(s: Session) -> int:
    count = s.scalar(select(func.count(UserRow.id)).where(UserRow.password_hash.is_not(None)))
    return int(count or 0)
