"""Registry business logic: transport-free and synchronous."""

from __future__ import annotations

import logging
import math
import random
import re
import time
from urllib.parse import unquote

from sqlalchemy.orm import Session

from skyulf_errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from skyulf_platform.artifacts.base import ArtifactStore
from skyulf_platform.db.base import utcnow
from skyulf_platform.db.uow import UnitOfWork
from skyulf_platform.names import check_name as check_model_name
from skyulf_registry import repository as repo
from skyulf_registry.db.tables import ModelVersionRow
from skyulf_registry.models import (
    AliasMove,
    Comparison,
    ModelAlias,
    ModelPage,
    ModelVersion,
    NewModelVersion,
)

log = logging.getLogger(__name__)

CHECKSUM_RE = re.compile(r"^[0-9a-f]{64}$")
ALIAS_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
MAX_TAGS = 50
MAX_TAG_LENGTH = 256
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
SEARCH_PAGE_SIZE = 100


def check_name(name: str, field: str = "name") -> str:
    return check_model_name(name, field, "model name")


def name_key(name: str, field: str = "name") -> tuple[str, str]:
    """The name as given (URL-decoded, spaces trimmed) and its key: look-alike names (case,
    surrounding spaces, URL-encoding) share a key, so they name one model."""
    cleaned = unquote(name).strip()
    check_name(cleaned, field)
    return cleaned, cleaned.lower()


def check_alias(alias: str) -> str:
    if not ALIAS_RE.fullmatch(alias) or alias.lower() == "latest":
        raise InvalidArgument(
            f"alias {alias!r} is not valid: use 1-64 letters, digits, '_' or '-', starting with "
            "a letter (a number would read as a version); 'latest' is reserved",
            details={"field": "alias"},
        )
    return alias


def check_tags(tags: dict[str, str]) -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        raise InvalidArgument(f"at most {MAX_TAGS} tags", details={"field": "tags"})
    for key, value in tags.items():
        if not key.strip() or len(key) > MAX_TAG_LENGTH or len(value) > MAX_TAG_LENGTH:
            raise InvalidArgument(
                f"tag {key!r}: keys must be non-empty and keys and values at most "
                f"{MAX_TAG_LENGTH} characters",
                details={"field": "tags", "tag": key},
            )
    return tags


def _check_new(new: NewModelVersion) -> None:
    new.name = name_key(new.name)[0]
    check_tags(new.tags)
    for field in ("task", "model_type", "bundle_uri"):
        if not getattr(new, field):
            raise InvalidArgument(f"{field} is required", details={"field": field})
    if not CHECKSUM_RE.fullmatch(new.bundle_checksum):
        raise InvalidArgument(
            "bundle_checksum must be the manifest's SHA-256 as 64 lowercase hex digits",
            details={"field": "bundle_checksum"},
        )


class RegistryService:
    def __init__(
        self, uow: UnitOfWork, store: ArtifactStore | None = None, *, max_attempts: int = 10
    ) -> None:
        self.uow = uow
        # Where bundles live: a deleted version's bundle is removed from it.
        self.store = store
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
        name, key = name_key(new.name)
        with self.uow() as session:
            now = utcnow()
            model_id = repo.lock_model(session, key, now)
            if job_id:
                existing = repo.version_by_job(session, job_id, new.lineage.node_id)
                if existing is not None:
                    return self._same_job(existing, new)
            if model_id is None:
                model_id = repo.insert_model(session, name, key, new.task, now)
            else:
                found = repo.model_by_key(session, key)
                assert found is not None
                new = new.model_copy(update={"name": found[1]})
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
        if existing.name.lower() != new.name.lower():
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

    def _model(self, session: Session, name: str) -> tuple[str, str]:
        """(id, stored name) of a registered model, or NotFound naming it."""
        cleaned, key = name_key(name)
        found = repo.model_by_key(session, key)
        if found is None:
            raise NotFound(f"model {cleaned!r} is not registered", details={"name": cleaned})
        return found

    def _version_row(
        self, session: Session, name: str, version: int
    ) -> tuple[str, str, ModelVersionRow]:
        model_id, stored = self._model(session, name)
        row = repo.version_row(session, model_id, version)
        if row is None:
            which = "any version" if version == 0 else f"version {version}"
            raise NotFound(
                f"model {stored!r} has no {which}", details={"name": stored, "version": version}
            )
        return model_id, stored, row

    def get_model_version(self, name: str, version: int = 0, alias: str = "") -> ModelVersion:
        """A version by number (0 = the latest), or the version ``alias`` points at."""
        if version < 0:
            raise InvalidArgument(
                f"version must be 0 (latest) or positive, not {version}",
                details={"field": "version"},
            )
        if alias and version:
            raise InvalidArgument(
                "give a version or an alias, not both", details={"field": "alias"}
            )
        with self.uow() as session:
            try:
                model_id, stored = self._model(session, name)
            except NotFound:
                raise NotFound(
                    f"model {name!r} (version {version or alias or 'latest'}) is not registered",
                    details={"name": name, "version": version},
                ) from None
            if alias:
                row = repo.alias_row(session, model_id, alias)
                if row is None:
                    raise NotFound(
                        f"model {stored!r} has no alias {alias!r}",
                        details={"name": stored, "alias": alias},
                    )
                version = row.version
            found = repo.get_version(session, model_id, stored, version)
        if found is None:
            which = "any version" if version == 0 else f"version {version}"
            raise NotFound(
                f"model {stored!r} has no {which}", details={"name": stored, "version": version}
            )
        return found

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
            model_id, stored = self._model(session, name)
            return repo.list_versions(session, model_id, stored)

    def update_model_version(
        self,
        name: str,
        version: int,
        *,
        description: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> ModelVersion:
        """Sets the description and/or replaces the tags (``None`` leaves a field as it is)."""
        if tags is not None:
            check_tags(tags)
        with self.uow() as session:
            _, stored, row = self._version_row(session, name, _positive(version))
            repo.update_version(session, row, description, tags)
            return repo.version_of(session, row, stored)

    def delete_model_version(self, name: str, version: int) -> ModelVersion:
        """Deletes a version, then its bundle; refused while an alias points at it. The model
        goes with its last version."""
        with self.uow() as session:
            now = utcnow()
            model_id, stored, row = self._version_row(session, name, _positive(version))
            deleted = repo.version_of(session, row, stored)
            if deleted.aliases:
                raise FailedPrecondition(
                    f"model {stored!r} version {version} is the target of alias(es) "
                    f"{', '.join(deleted.aliases)}: move or delete them first",
                    details={"name": stored, "version": version, "aliases": deleted.aliases},
                )
            repo.lock_model(session, stored.lower(), now)
            repo.delete_version(session, model_id, row, now)
            if not repo.list_versions(session, model_id, stored):
                repo.delete_model(session, model_id)
        self._collect(deleted)
        log.info("deleted %s version %d", stored, version, extra={"model": stored})
        return deleted

    def _collect(self, version: ModelVersion) -> None:
        """Removes the bundle's files (its directory in the artifact store)."""
        if self.store is None:
            return
        prefix = self.store.key_for(version.bundle_uri).rstrip("/")
        for key in self.store.list(prefix + "/"):
            self.store.delete(key)

    def set_model_alias(
        self,
        name: str,
        alias: str,
        version: int,
        *,
        protected: bool = False,
        allow_protected: bool = False,
    ) -> AliasMove:
        """Points ``alias`` at ``version`` in one transaction under the model's row lock: any
        reader sees the old version or the new one, and concurrent moves apply one at a time."""
        check_alias(alias)
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._set_alias_once(
                    name, alias, _positive(version), protected, allow_protected
                )
            except AlreadyExists:
                # Another call created the same alias first: the next attempt moves it.
                if attempt == self.max_attempts:
                    raise
                time.sleep(random.uniform(0.005, 0.02) * attempt)
        raise AssertionError("unreachable")

    def _set_alias_once(
        self, name: str, alias: str, version: int, protected: bool, allow_protected: bool
    ) -> AliasMove:
        with self.uow() as session:
            now = utcnow()
            model_id, stored, _ = self._version_row(session, name, version)
            repo.lock_model(session, stored.lower(), now)
            row = repo.alias_row(session, model_id, alias)
            if row is None:
                row = repo.insert_alias(session, model_id, alias, version, protected, now)
                return AliasMove(alias=repo.alias_out(row, stored), previous_version=0)
            if row.protected and not allow_protected:
                raise _protected(stored, alias)
            previous = row.version
            row.version = version
            row.protected = protected if allow_protected else (protected or row.protected)
            row.updated_at = now
            session.flush()
            moved = repo.alias_out(row, stored)
        log.info("alias %s of %s: version %d -> %d", alias, stored, previous, version)
        return AliasMove(alias=moved, previous_version=previous)

    def delete_model_alias(
        self, name: str, alias: str, *, allow_protected: bool = False
    ) -> ModelAlias:
        with self.uow() as session:
            model_id, stored = self._model(session, name)
            row = repo.alias_row(session, model_id, alias)
            if row is None:
                raise NotFound(
                    f"model {stored!r} has no alias {alias!r}",
                    details={"name": stored, "alias": alias},
                )
            if row.protected and not allow_protected:
                raise _protected(stored, alias)
            gone = repo.alias_out(row, stored)
            repo.delete_alias(session, row)
        return gone

    def search_model_versions(
        self,
        *,
        name_contains: str = "",
        tags: dict[str, str] | None = None,
        metric: str = "",
        min_metric: float | None = None,
        max_metric: float | None = None,
        page_size: int = 0,
    ) -> list[ModelVersion]:
        """Newest first: versions of models whose name contains ``name_contains`` (any case),
        carrying every tag given, and whose ``metric`` lies within the bounds given."""
        if (min_metric is not None or max_metric is not None) and not metric:
            raise InvalidArgument(
                "a metric threshold needs the metric's name", details={"field": "metric"}
            )
        if page_size < 0:
            raise InvalidArgument("page_size must not be negative", details={"field": "page_size"})
        limit = min(page_size or SEARCH_PAGE_SIZE, MAX_PAGE_SIZE)
        wanted = tags or {}
        with self.uow() as session:
            found = repo.search_versions(session, unquote(name_contains).strip().lower())
        out = []
        for version in found:
            if any(version.tags.get(k) != v for k, v in wanted.items()):
                continue
            if metric:
                value = version.metrics.get(metric)
                if value is None or math.isnan(value):
                    continue
                if min_metric is not None and value < min_metric:
                    continue
                if max_metric is not None and value > max_metric:
                    continue
            out.append(version)
            if len(out) == limit:
                break
        return out

    def compare_model_versions(self, name: str, version_a: int, version_b: int) -> Comparison:
        a = self.get_model_version(name, _positive(version_a))
        b = self.get_model_version(name, _positive(version_b))
        names = sorted(set(a.metrics) | set(b.metrics))
        nan = float("nan")
        return Comparison(
            a=a,
            b=b,
            metrics=[(m, a.metrics.get(m, nan), b.metrics.get(m, nan)) for m in names],
            nodes_changed=_nodes_changed(a.lineage.pipeline, b.lineage.pipeline),
            same_dataset=a.lineage.dataset_id == b.lineage.dataset_id,
            same_signature=a.signature == b.signature,
        )


def _nodes(pipeline: object) -> dict[str, object]:
    nodes = pipeline.get("nodes") if isinstance(pipeline, dict) else None
    if not isinstance(nodes, list):
        return {}
    return {
        str(n.get("id")): (n.get("type"), n.get("params")) for n in nodes if isinstance(n, dict)
    }


def _nodes_changed(a: object, b: object) -> list[str]:
    """Node ids added, removed, or with another type or other parameters."""
    na, nb = _nodes(a), _nodes(b)
    return sorted(i for i in set(na) | set(nb) if na.get(i) != nb.get(i))


def _positive(version: int) -> int:
    if version < 1:
        raise InvalidArgument(
            f"version must be a positive number, not {version}", details={"field": "version"}
        )
    return version


def _protected(name: str, alias: str) -> FailedPrecondition:
    return FailedPrecondition(
        f"alias {alias!r} of model {name!r} is protected: moving or deleting it needs "
        "allow_protected",
        details={"name": name, "alias": alias},
    )
