"""Loaded models by endpoint name, shared by REST and gRPC.

An endpoint name resolves (deployment -> registry version(s) -> bundles) to a :class:`Route`: the
version it serves and, during a canary, a second version taking a share of the calls. A route is
trusted for a short TTL, then looked up again. A new route takes traffic only once every bundle it
names has loaded (signature, checksums and model verified): until then the current route keeps
answering while the new bundles load in the background. A version that fails to load never takes
traffic: the old route stays, and :attr:`ModelRepository.errors` says why. (The deployment service
has a version loaded before it moves an endpoint, so the switch is usually immediate.)

Loaded pipelines are kept per (registered model, version), shared by endpoints, concurrent
first requests sharing one load; at most ``max_models`` are kept, the least recently used model
no route serves going first.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from skyulf_core.bundle import FittedPipeline
from skyulf_deployment.endpoints import endpoint_key
from skyulf_errors import ErrorCode, NotFound, SkyulfError
from skyulf_platform.artifacts.base import ArtifactStore
from skyulf_platform.bundles import read_bundle
from skyulf_platform.projects import acting_in, current_project

log = logging.getLogger(__name__)

Key = tuple[str, str, int]


@dataclass(frozen=True)
class ModelRef:
    name: str  # the deployment (OIP model) name
    model_name: str  # the registered model
    version: int
    bundle_uri: str
    bundle_checksum: str
    # Model names are unique per project: the same name in two projects is two models.
    project: str = field(default_factory=current_project)

    @property
    def key(self) -> Key:
        return (self.project, self.model_name, self.version)

    @property
    def endpoint(self) -> str:
        """The endpoint's key in its project (counters, input logs)."""
        return endpoint_key(self.name, self.project)


@dataclass(frozen=True)
class EndpointSettings:
    """How an endpoint is served: input logging and adaptive batching (both off by default)."""

    log_sample_rate: float = 0.0
    batch_max_size: int = 0
    batch_max_wait_ms: int = 0


@dataclass(frozen=True)
class Route:
    """What an endpoint serves: a version, and optionally a canary taking a share of calls."""

    primary: ModelRef
    canary: ModelRef | None = None
    canary_percent: int = 0
    settings: EndpointSettings = EndpointSettings()

    @property
    def refs(self) -> list[ModelRef]:
        return [self.primary] + ([self.canary] if self.canary is not None else [])

    def pick(self, version: str, draw: Callable[[], float]) -> ModelRef | None:
        """The ref a call goes to: the one of ``version`` if given, else the weighted choice."""
        if version:
            return next((r for r in self.refs if str(r.version) == version), None)
        if self.canary is not None and draw() * 100 < self.canary_percent:
            return self.canary
        return self.primary


@dataclass(frozen=True)
class LoadedModel:
    ref: ModelRef
    pipeline: FittedPipeline
    settings: EndpointSettings = EndpointSettings()


class Lookup(Protocol):
    def resolve(self, name: str) -> Awaitable[Route]: ...

    def version(self, model_name: str, version: int) -> Awaitable[ModelRef]: ...

    def active_names(self) -> Awaitable[list[tuple[str, str]]]:
        """(project id, name) of every project's active endpoints."""
        ...


class BundleLoader:
    """Reads a signed bundle (signature and checksums verified first) and rebuilds the pipeline."""

    def __init__(self, store: ArtifactStore, signing_key: bytes) -> None:
        self.store = store
        self.signing_key = signing_key

    def __call__(self, ref: ModelRef) -> FittedPipeline:
        files = read_bundle(
            self.store, ref.bundle_uri, self.signing_key, manifest_sha256=ref.bundle_checksum
        )
        return FittedPipeline.from_files(files)


class ModelRepository:
    def __init__(
        self,
        lookup: Lookup,
        load: Callable[[ModelRef], FittedPipeline],
        *,
        ttl_seconds: float = 3.0,
        max_models: int = 16,
        clock: Callable[[], float] = time.monotonic,
        draw: Callable[[], float] = random.random,
    ) -> None:
        self.lookup = lookup
        self.load = load
        self.ttl = ttl_seconds
        self.max_models = max_models
        self.clock = clock
        self.draw = draw
        self.loads = 0
        # Calls served per (endpoint, version): the canary's counters.
        self.served: Counter[tuple[str, int]] = Counter()
        # Why an endpoint's newest route did not take traffic (cleared when one does).
        self.errors: dict[str, str] = {}
        self._routes: dict[str, tuple[Route, float]] = {}
        self._refreshing: dict[str, asyncio.Task[Route]] = {}
        self._models: OrderedDict[Key, asyncio.Task[FittedPipeline]] = OrderedDict()

    def loaded(self) -> int:
        """How many model versions are loaded and ready to predict (a metrics gauge)."""
        return sum(
            1 for t in self._models.values() if t.done() and not t.cancelled() and not t.exception()
        )

    async def get(self, name: str, version: str = "") -> LoadedModel:
        if not name:
            raise NotFound("no model name given", details={"model": name})
        route = await self._route(name)
        ref = route.pick(version, self.draw)
        if ref is None:
            # The caller may know of a change this process has not seen yet.
            route = await self._refresh(name)
            ref = route.pick(version, self.draw)
            if ref is None:
                serving = ", ".join(str(r.version) for r in route.refs)
                raise NotFound(
                    f"model {name!r} serves version {serving}, not version {version}",
                    details={"model": name, "version": version},
                )
        self.served[(ref.endpoint, ref.version)] += 1
        return LoadedModel(ref, await self._pipeline(ref), route.settings)

    async def preload(self, model_name: str, version: int) -> LoadedModel:
        """Loads and verifies a registered version ahead of an endpoint moving to it."""
        ref = await self.lookup.version(model_name, version)
        return LoadedModel(ref, await self._pipeline(ref))

    async def warm(self) -> list[str]:
        """Loads the models of every active endpoint; returns the endpoints that failed."""
        failed = []
        for project, name in await self.lookup.active_names():
            with acting_in(project):
                try:
                    await self._refresh(name)
                except Exception as e:
                    log.error("endpoint %s could not be loaded: %s", endpoint_key(name), e)
                    failed.append(endpoint_key(name))
        return failed

    # ------------------------------------------------------------------ routes

    async def _route(self, name: str) -> Route:
        cached = self._routes.get(endpoint_key(name))
        if cached is None or self.clock() - cached[1] >= self.ttl:
            return await self._refresh(name)
        return cached[0]

    async def _refresh(self, name: str) -> Route:
        """Looks the endpoint up again and switches to the new route once it is loaded."""
        key = endpoint_key(name)
        task = self._refreshing.get(key)
        if task is None:
            task = asyncio.create_task(self._switch(name))
            self._refreshing[key] = task
            task.add_done_callback(functools.partial(self._refreshed, key))
        return await asyncio.shield(task)

    def _refreshed(self, key: str, task: asyncio.Task[Route]) -> None:
        if self._refreshing.get(key) is task:
            del self._refreshing[key]

    async def _switch(self, name: str) -> Route:
        key = endpoint_key(name)
        old = self._routes.get(key)
        try:
            route = await self.lookup.resolve(name)
        except Exception as e:
            if isinstance(e, SkyulfError) and e.code == ErrorCode.NOT_FOUND:
                self._routes.pop(key, None)
                self.errors.pop(key, None)
                self._evict()
                raise
            if old is None:
                raise
            return old[0]  # the deployment service or registry is away: keep serving
        if old is not None and not all(self._loaded(r.key) for r in route.refs):
            # Keep answering with the current route while the new one loads.
            self._routes[key] = (old[0], self.clock())
            loading = asyncio.create_task(self._load_route(name, route, old[0]))
            loading.add_done_callback(_quiet)
            return old[0]
        return await self._load_route(name, route, old[0] if old else None)

    async def _load_route(self, name: str, route: Route, old: Route | None) -> Route:
        key = endpoint_key(name)
        try:
            for ref in route.refs:
                await self._pipeline(ref)
        except Exception as e:
            reason = f"version {ref.version} of {ref.model_name} did not load: {_message(e)}"
            self.errors[key] = reason
            if old is None:
                raise
            log.error("endpoint %s keeps its current version: %s", name, reason)
            return old
        if old is not None and old != route:
            log.info("endpoint %s now serves %s", name, ", ".join(f"{r.key}" for r in route.refs))
        self._routes[key] = (route, self.clock())
        self.errors.pop(key, None)
        self._evict()
        return route

    # ------------------------------------------------------------------ loaded models

    def _evict(self) -> None:
        used = {ref.key for route, _ in self._routes.values() for ref in route.refs}
        for key in [k for k in self._models if k not in used]:
            if len(self._models) <= self.max_models:
                break
            del self._models[key]

    def _loaded(self, key: Key) -> bool:
        task = self._models.get(key)
        return task is not None and task.done() and not task.cancelled() and not task.exception()

    async def _pipeline(self, ref: ModelRef) -> FittedPipeline:
        task = self._models.get(ref.key)
        if task is None:
            task = asyncio.create_task(self._load(ref))
            self._models[ref.key] = task
            task.add_done_callback(functools.partial(self._forget_failed, ref.key))
            self._evict()
        else:
            self._models.move_to_end(ref.key)
        return await asyncio.shield(task)

    async def _load(self, ref: ModelRef) -> FittedPipeline:
        self.loads += 1
        log.info("loading %s version %d from %s", ref.model_name, ref.version, ref.bundle_uri)
        return await asyncio.to_thread(self.load, ref)

    def _forget_failed(self, key: Key, task: asyncio.Task[FittedPipeline]) -> None:
        if (task.cancelled() or task.exception() is not None) and self._models.get(key) is task:
            del self._models[key]


def _message(e: BaseException) -> str:
    return e.message if isinstance(e, SkyulfError) else f"{type(e).__name__}: {e}"


def _quiet(task: asyncio.Task[Route]) -> None:
    """A background load's failure is recorded where it happens; the next lookup retries."""
    if not task.cancelled():
        task.exception()
