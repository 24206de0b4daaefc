"""Registry business logic: transport-free and synchronous."""

from __future__ import annotations

import logging
import random
import re
import time

from skyulf_core.errors import AlreadyExists, InvalidArgument, NotFound
from skyulf_platform.db.base import utcnow
from skyulf_platform.db.uow import UnitOfWork
from skyulf_registry import repository as repo
from skyulf_registry.models import ModelPage, ModelVersion, NewModelVersion

log = logging.getLogger(__name__)

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
CHECKSUM_RE = re.compile(r"^[0-9a-f]{64}$")
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


def check_name(name: str, field: str = "name") -> str:
    if not NAME_RE.match(name):
        raise InvalidArgument(
            f"{field} {name!r} is not a valid model name: use 1-128 letters, digits, '.', '_' "
            "or '-', starting with a letter or digit",
            details={"field": field},
        )
    return name


def _check_new(new: NewModelVersion) -> None:
    check_name(new.name)
    for field in ("task", "model_type", "bundle_uri"):
        if not getattr(new, field):
            raise InvalidArgument(f"{field} is required", details={"field": field})
    if not CHECKSUM_RE.match(new.bundle_checksum):
        raise InvalidArgument(
            "bundle_checksum must be the manifest's SHA-256 as 64 lowercase hex digits",
            details={"field": "bundle_checksum"},
        )


class RegistryService:
    def __init__(self, uow: UnitOfWork, *, max_attempts: int = 10) -> None:
        self.uow = uow
        self.max_attempts = max_attempts

    def create_model_version(self, new: NewModelVersion) -> ModelVersion:
        """Registers the next version of `new.name`; a job registered before gets its version."""
        _check_new(new)
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._create_once(new)
            except AlreadyExists:
                # Another registration won a race (the model's creation, its version number or
                # this job); the next attempt sees its result.
                if attempt == self.max_attempts:
                    raise
                log.info("registration of %s raced, retrying (attempt %d)", new.name, attempt)
                time.sleep(random.uniform(0.005, 0.02) * attempt)
        raise AssertionError("unreachable")

    def _create_once(self, new: NewModelVersion) -> ModelVersion:
        job_id = new.lineage.job_id
        with self.uow() as session:
            now = utcnow()
            model_id = repo.lock_model(session, new.name, now)
            if job_id:
                existing = repo.version_by_job(session, job_id, new.lineage.node_id)
                if existing is not None:
                    return self._same_job(existing, new)
            if model_id is None:
                model_id = repo.insert_model(session, new.name, new.task, now)
            version = repo.next_version(session, model_id)
            created = repo.insert_version(session, model_id, version, new, now)
        log.info("registered %s version %d", new.name, version, extra={"model": new.name})
        return created

    @staticmethod
    def _same_job(existing: ModelVersion, new: NewModelVersion) -> ModelVersion:
        """A second registration of one job's model node: the registered version stands.

        Each attempt of a job writes its bundle under its own key, so a later attempt's bundle
        (another checksum) never replaces the registered version's files; the caller gets the
        registered version and can see from its checksum that its own bundle was not taken.
        """
        if existing.name != new.name:
            raise AlreadyExists(
                f"job {new.lineage.job_id} is already registered as model {existing.name!r} "
                f"version {existing.version}",
                details={"job_id": new.lineage.job_id, "name": existing.name},
            )
        if existing.bundle_checksum != new.bundle_checksum:
            log.info(
                "job %s registered %s version %d with another bundle; keeping it",
                new.lineage.job_id,
                existing.name,
                existing.version,
                extra={"model": existing.name},
            )
        return existing

    def delete_job_versions(self, job_id: str) -> list[ModelVersion]:
        """Removes the versions a job registered: a job that ended FAILED leaves none behind."""
        if not job_id:
            raise InvalidArgument("job_id is required", details={"field": "job_id"})
        with self.uow() as session:
            deleted = repo.delete_job_versions(session, job_id)
        for version in deleted:
            log.info(
                "deleted %s version %d of job %s",
                version.name,
                version.version,
                job_id,
                extra={"model": version.name},
            )
        return deleted

    def get_model_version(self, name: str, version: int = 0) -> ModelVersion:
        if version < 0:
            raise InvalidArgument(
                f"version must be 0 (latest) or positive, not {version}",
                details={"field": "version"},
            )
        with self.uow() as session:
            found = repo.get_version(session, name, version)
        if found is None:
            which = "any version" if version == 0 else f"version {version}"
            raise NotFound(
                f"model {name!r} has no {which}"
                if self._exists(name)
                else f"model {name!r} (version {version or 'latest'}) is not registered",
                details={"name": name, "version": version},
            )
        return found

    def _exists(self, name: str) -> bool:
        with self.uow() as session:
            return repo.model_exists(session, name)

    def list_models(self, page_size: int = 0, offset: int = 0) -> ModelPage:
        if page_size < 0 or offset < 0:
            field = "page_size" if page_size < 0 else "offset"
            raise InvalidArgument(f"{field} must not be negative", details={"field": field})
        limit = min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        with self.uow() as session:
            models, total = repo.list_models(session, limit, offset)
        return ModelPage(models=models, total=total)

    def list_model_versions(self, name: str) -> list[ModelVersion]:
        with self.uow() as session:
            versions = repo.list_versions(session, name)
            if not versions and not repo.model_exists(session, name):
                raise NotFound(f"model {name!r} is not registered", details={"name": name})
        return versions
