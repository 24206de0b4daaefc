"""Deployment business logic: transport-free and synchronous."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Protocol

from skyulf_core.errors import AlreadyExists, InvalidArgument, NotFound
from skyulf_deployment import repository as repo
from skyulf_deployment.models import Deployment, DeploymentStatus, ResolvedVersion
from skyulf_platform.db.base import utcnow
from skyulf_platform.db.uow import UnitOfWork

log = logging.getLogger(__name__)

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class VersionResolver(Protocol):
    def resolve(self, model_name: str, version: int) -> ResolvedVersion:
        """The registered version (0 = latest); raises NotFound naming model and version."""


def _check_name(value: str, field: str) -> None:
    if not NAME_RE.match(value):
        raise InvalidArgument(
            f"{field} {value!r} is not valid: use 1-128 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            details={"field": field},
        )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class DeploymentService:
    def __init__(self, uow: UnitOfWork, registry: VersionResolver) -> None:
        self.uow = uow
        self.registry = registry

    def create_deployment(
        self, model_name: str, model_version: int = 0, name: str = ""
    ) -> Deployment:
        _check_name(model_name, "model_name")
        name = name or model_name
        _check_name(name, "name")
        if model_version < 0:
            raise InvalidArgument(
                f"model_version must be 0 (latest) or positive, not {model_version}",
                details={"field": "model_version"},
            )
        resolved = self.registry.resolve(model_name, model_version)
        try:
            with self.uow() as session:
                if repo.active_by_name(session, name) is not None:
                    raise self._taken(name)
                created = repo.insert(session, name, model_name, resolved.version, utcnow())
        except AlreadyExists as e:
            # Another deployment of the same name won the race to the unique constraint.
            raise self._taken(name) from e
        log.info(
            "deployed %s version %d as %s",
            model_name,
            resolved.version,
            name,
            extra={"deployment_id": created.id, "model": model_name},
        )
        return created

    @staticmethod
    def _taken(name: str) -> AlreadyExists:
        return AlreadyExists(
            f"an active deployment named {name!r} already exists; delete it first",
            details={"name": name},
        )

    def get_deployment(self, ref: str) -> Deployment:
        """By id (any status), or by name (the ACTIVE deployment of that name)."""
        with self.uow() as session:
            found = repo.by_id(session, ref) if _is_uuid(ref) else None
            if found is None:
                found = repo.active_by_name(session, ref)
        if found is None:
            raise NotFound(f"deployment {ref!r} not found", details={"deployment_id": ref})
        return found

    def get_active(self, ref: str) -> Deployment:
        found = self.get_deployment(ref)
        if found.status != DeploymentStatus.ACTIVE:
            raise NotFound(
                f"deployment {ref!r} ({found.name}) is deleted",
                details={"deployment_id": ref},
            )
        return found

    def list_deployments(self, include_deleted: bool = False) -> list[Deployment]:
        with self.uow() as session:
            return repo.list_all(session, include_deleted)

    def delete_deployment(self, ref: str) -> Deployment:
        found = self.get_deployment(ref)
        if found.status == DeploymentStatus.DELETED:
            return found
        with self.uow() as session:
            deleted = repo.mark_deleted(session, found.id, utcnow())
        log.info("deleted deployment %s", deleted.name, extra={"deployment_id": deleted.id})
        return deleted
