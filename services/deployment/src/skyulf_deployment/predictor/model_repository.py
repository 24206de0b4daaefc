"""Loaded models by name, shared by REST and gRPC.

A name is resolved (deployment -> registry version -> bundle) and the answer trusted for a short
TTL, so a redeploy is picked up and a deleted deployment stops serving within it. Loaded pipelines
are cached per (registered model, version); concurrent first requests share one load.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from skyulf_core.bundle import FittedPipeline
from skyulf_core.errors import NotFound
from skyulf_platform.artifacts.base import ArtifactStore
from skyulf_platform.bundles import read_bundle

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelRef:
    name: str  # the deployment (OIP model) name
    model_name: str  # the registered model
    version: int
    bundle_uri: str
    bundle_checksum: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.model_name, self.version)


@dataclass(frozen=True)
class LoadedModel:
    ref: ModelRef
    pipeline: FittedPipeline


class Lookup(Protocol):
    def resolve(self, name: str) -> Awaitable[ModelRef]: ...


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
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lookup = lookup
        self.load = load
        self.ttl = ttl_seconds
        self.clock = clock
        self.loads = 0
        self._refs: dict[str, tuple[ModelRef, float]] = {}
        self._models: dict[tuple[str, int], asyncio.Task[FittedPipeline]] = {}

    def loaded(self) -> int:
        """How many model versions are loaded and ready to predict (a metrics gauge)."""
        return sum(
            1 for t in self._models.values() if t.done() and not t.cancelled() and not t.exception()
        )

    async def get(self, name: str, version: str = "") -> LoadedModel:
        if not name:
            raise NotFound("no model name given", details={"model": name})
        ref = await self._ref(name, force=False)
        if version and version != str(ref.version):
            # The caller may know of a redeploy this process has not seen yet.
            ref = await self._ref(name, force=True)
            if version != str(ref.version):
                raise NotFound(
                    f"model {name!r} serves version {ref.version}, not version {version}",
                    details={"model": name, "version": version},
                )
        return LoadedModel(ref, await self._pipeline(ref))

    async def _ref(self, name: str, *, force: bool) -> ModelRef:
        cached = self._refs.get(name)
        if cached is not None and not force and self.clock() - cached[1] < self.ttl:
            return cached[0]
        try:
            ref = await self.lookup.resolve(name)
        except NotFound:
            self._refs.pop(name, None)
            self._evict_unused()
            raise
        self._refs[name] = (ref, self.clock())
        if cached is not None and cached[0].key != ref.key:
            log.info("model %s now serves %s version %d", name, ref.model_name, ref.version)
            self._evict_unused()
        return ref

    def _evict_unused(self) -> None:
        used = {ref.key for ref, _ in self._refs.values()}
        for key in [k for k in self._models if k not in used]:
            del self._models[key]

    async def _pipeline(self, ref: ModelRef) -> FittedPipeline:
        task = self._models.get(ref.key)
        if task is None:
            task = asyncio.create_task(self._load(ref))
            self._models[ref.key] = task
            task.add_done_callback(functools.partial(self._forget_failed, ref.key))
        return await asyncio.shield(task)

    async def _load(self, ref: ModelRef) -> FittedPipeline:
        self.loads += 1
        log.info("loading %s version %d from %s", ref.model_name, ref.version, ref.bundle_uri)
        return await asyncio.to_thread(self.load, ref)

    def _forget_failed(self, key: tuple[str, int], task: asyncio.Task[FittedPipeline]) -> None:
        if (task.cancelled() or task.exception() is not None) and self._models.get(key) is task:
            del self._models[key]
