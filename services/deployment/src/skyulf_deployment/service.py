"""Deployment business logic: transport-free and synchronous."""

from __future__ import annotations

import logging
import uuid
from typing import Protocol

from skyulf.deployment.v1 import deployment_pb2 as pb
from skyulf_deployment import repository as repo
from skyulf_deployment.models import (
    Deployment,
    DeploymentStatus,
    ResolvedVersion,
    ServingSettings,
)
from skyulf_errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    SkyulfError,
    Unavailable,
)
from skyulf_platform.db.base import utcnow
from skyulf_platform.db.uow import UnitOfWork
from skyulf_platform.names import check_name

log = logging.getLogger(__name__)

MAX_BATCH_SIZE = 4096
MAX_BATCH_WAIT_MS = 1000


def check_serving_settings(settings: ServingSettings) -> None:
    rate = settings.log_sample_rate
    if rate is not None and not 0.0 <= rate <= 1.0:
        raise InvalidArgument(
            f"log_sample_rate must be between 0 and 1, not {rate}",
            details={"field": "log_sample_rate"},
        )
    size = settings.batch_max_size
    if size is not None and not 0 <= size <= MAX_BATCH_SIZE:
        raise InvalidArgument(
            f"batch_max_size must be 0 (off) to {MAX_BATCH_SIZE}, not {size}",
            details={"field": "batch_max_size"},
        )
    wait = settings.batch_max_wait_ms
    if wait is not None and not 0 <= wait <= MAX_BATCH_WAIT_MS:
        raise InvalidArgument(
            f"batch_max_wait_ms must be 0 to {MAX_BATCH_WAIT_MS}, not {wait}",
            details={"field": "batch_max_wait_ms"},
        )


class VersionResolver(Protocol):
    def resolve(self, model_name: str, version: int, alias: str = "") -> ResolvedVersion:
        """The registered version (0 = latest, or the one ``alias`` points at); raises NotFound
        naming model and version."""


class ModelLoader(Protocol):
    def load(self, model_name: str, version: int) -> str:
        """Has a prediction server load and verify the version; raises why it cannot."""

    def stats(self, name: str) -> tuple[list[pb.GetEndpointStatsResponse], list[str]]:
        """Every prediction server's counters of endpoint ``name``, and who did not answer."""


class _NoLoader:
    def load(self, model_name: str, version: int) -> str:
        return ""

    def stats(self, name: str) -> tuple[list[pb.GetEndpointStatsResponse], list[str]]:
        return [], []


def _check_name(value: str, field: str) -> None:
    check_name(value, field)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class DeploymentService:
    def __init__(
        self, uow: UnitOfWork, registry: VersionResolver, loader: ModelLoader | None = None
    ) -> None:
        self.uow = uow
        self.registry = registry
        self.loader = loader or _NoLoader()

    def create_deployment(
        self, model_name: str, model_version: int = 0, name: str = "", alias: str = ""
    ) -> Deployment:
        _check_name(model_name, "model_name")
        name = name or model_name
        _check_name(name, "name")
        if model_version < 0:
            raise InvalidArgument(
                f"model_version must be 0 (latest) or positive, not {model_version}",
                details={"field": "model_version"},
            )
        if alias and model_version:
            raise InvalidArgument(
                "give model_version or model_alias, not both", details={"field": "model_alias"}
            )
        resolved = self.registry.resolve(model_name, model_version, alias)
        # A bundle that does not load is never deployed (the error says why).
        self.loader.load(resolved.model_name, resolved.version)
        try:
            with self.uow() as session:
                if repo.active_by_name(session, name) is not None:
                    raise self._taken(name)
                created = repo.insert(
                    session, name, resolved.model_name, resolved.version, alias, utcnow()
                )
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

    def deployment_stats(
        self, ref: str
    ) -> tuple[Deployment, list[pb.GetEndpointStatsResponse], list[str]]:
        """The deployment, each prediction server's counters of it, and the servers that did
        not answer; UNAVAILABLE when none did."""
        deployment = self.get_deployment(ref)
        answers, unreachable = self.loader.stats(deployment.name)
        if not answers and unreachable:
            raise Unavailable(
                f"no prediction server answered for the counters of {deployment.name!r} "
                f"(tried {', '.join(unreachable)})",
                details={"deployment_id": deployment.id},
            )
        return deployment, answers, unreachable

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

    def list_deployments(
        self, include_deleted: bool = False, all_projects: bool = False
    ) -> list[Deployment]:
        with self.uow() as session:
            return repo.list_all(session, include_deleted, all_projects)

    def delete_deployment(self, ref: str) -> Deployment:
        found = self.get_deployment(ref)
        if found.status == DeploymentStatus.DELETED:
            return found
        with self.uow() as session:
            deleted = repo.mark_deleted(session, found.id, utcnow())
        log.info("deleted deployment %s", deleted.name, extra={"deployment_id": deleted.id})
        return deleted

    def update_deployment(
        self,
        ref: str,
        *,
        model_version: int = 0,
        model_alias: str = "",
        canary_version: int = 0,
        canary_percent: int = 0,
        settings: ServingSettings | None = None,
        settings_only: bool = False,
    ) -> Deployment:
        """Moves the endpoint to a version or alias and/or sets its canary. Every version that
        is to take traffic is loaded and verified by a prediction server first; when one fails,
        nothing changes and ``last_error`` says why (and the error is raised). ``settings``
        (input logging, adaptive batching) change with it, or alone with ``settings_only``."""
        if settings is not None:
            check_serving_settings(settings)
        if settings_only:
            current = self.get_active(ref)
            with self.uow() as session:
                return repo.change_settings(
                    session, current.id, settings or ServingSettings(), utcnow()
                )
        if model_version < 0 or canary_version < 0:
            raise InvalidArgument("versions must be positive", details={"field": "model_version"})
        if model_alias and model_version:
            raise InvalidArgument(
                "give model_version or model_alias, not both", details={"field": "model_alias"}
            )
        if not 0 <= canary_percent <= 100 or (canary_percent and not canary_version):
            raise InvalidArgument(
                "canary_percent is 0-100 and needs canary_version",
                details={"field": "canary_percent"},
            )
        current = self.get_active(ref)
        if model_version or model_alias:
            target = self.registry.resolve(current.model_name, model_version, model_alias)
            version, alias = target.version, model_alias
        else:
            version, alias = current.model_version, current.model_alias
        if canary_version:
            self.registry.resolve(current.model_name, canary_version)
        for v in dict.fromkeys(x for x in (version, canary_version) if x):
            self._verify(current, v)
        with self.uow() as session:
            moved = repo.retarget(
                session,
                current.id,
                version=version,
                alias=alias,
                canary_version=canary_version,
                canary_percent=canary_percent,
                now=utcnow(),
            )
            if settings is not None:
                moved = repo.change_settings(session, current.id, settings, utcnow())
        log.info(
            "deployment %s now serves %s version %d%s",
            moved.name,
            moved.model_name,
            moved.model_version,
            f" (canary version {canary_version} at {canary_percent}%)" if canary_version else "",
            extra={"deployment_id": moved.id, "model": moved.model_name},
        )
        return moved

    def rollback_deployment(self, ref: str) -> Deployment:
        """Back to the version served before the last move (as a fixed version, no canary)."""
        current = self.get_active(ref)
        if not current.previous_version:
            raise FailedPrecondition(
                f"deployment {current.name!r} has no previous version to roll back to",
                details={"deployment_id": current.id},
            )
        return self.update_deployment(current.id, model_version=current.previous_version)

    def _verify(self, deployment: Deployment, version: int) -> None:
        try:
            self.loader.load(deployment.model_name, version)
        except SkyulfError as e:
            reason = f"{deployment.model_name} version {version} did not load: {e.message}"
            with self.uow() as session:
                repo.record_error(session, deployment.id, reason, utcnow())
            raise FailedPrecondition(
                reason, details={"deployment_id": deployment.id, "version": version}
            ) from e
