"""Adaptive batching of one endpoint version: calls arriving together are predicted as one
batch of up to ``max_size`` rows, the first waiting at most ``max_wait_ms`` for others to join.

One fitted-chain and model call for many requests amortises the per-call Python overhead; a
lone call waits ``max_wait_ms`` at most. When a batch fails (one request's bad value), each of
its requests is predicted alone, so only the faulty one gets the error."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping

import numpy as np

from skyulf_core.bundle import FittedPipeline
from skyulf_core.bundle.pipeline import PredictionResult

Columns = Mapping[str, np.ndarray]
_Item = tuple[Columns, int, "asyncio.Future[PredictionResult]"]


class Batcher:
    def __init__(
        self, pipeline: FittedPipeline, max_size: int, max_wait_ms: int, inline_max_rows: int
    ) -> None:
        self.pipeline = pipeline
        self.max_size = max_size
        self.max_wait = max_wait_ms / 1000.0
        self.inline_max_rows = inline_max_rows
        self._pending: list[_Item] = []
        self._rows = 0
        self._full = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.batches = 0

    def same(self, pipeline: FittedPipeline, max_size: int, max_wait_ms: int) -> bool:
        return (
            pipeline is self.pipeline
            and max_size == self.max_size
            and max_wait_ms / 1000.0 == self.max_wait
        )

    async def predict(self, columns: Columns, n_rows: int) -> PredictionResult:
        future: asyncio.Future[PredictionResult] = asyncio.get_running_loop().create_future()
        self._pending.append((columns, n_rows, future))
        self._rows += n_rows
        if self._rows >= self.max_size:
            self._full.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._collect())
        return await future

    async def _collect(self) -> None:
        while self._pending:
            if self._rows < self.max_size and self.max_wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._full.wait(), timeout=self.max_wait)
            self._full.clear()
            batch: list[_Item] = []
            rows = 0
            while self._pending and (not batch or rows + self._pending[0][1] <= self.max_size):
                item = self._pending.pop(0)
                batch.append(item)
                rows += item[1]
            self._rows -= rows
            await self._run(batch)

    async def _predict(self, columns: Columns, n_rows: int) -> PredictionResult:
        if n_rows <= self.inline_max_rows:
            return self.pipeline.predict_columns(columns)
        return await asyncio.to_thread(self.pipeline.predict_columns, columns)

    async def _run(self, batch: list[_Item]) -> None:
        groups: dict[tuple[str, ...], list[_Item]] = {}
        for item in batch:
            groups.setdefault(tuple(item[0]), []).append(item)
        for keys, items in groups.items():
            self.batches += 1
            if len(items) == 1:
                await self._alone(items[0])
                continue
            joined = {k: np.concatenate([c[k] for c, _, _ in items]) for k in keys}
            try:
                result = await self._predict(joined, sum(n for _, n, _ in items))
            except Exception:
                for item in items:
                    await self._alone(item)
                continue
            start = 0
            for _, n, future in items:
                end = start + n
                if not future.done():
                    future.set_result(
                        PredictionResult(
                            predictions=result.predictions[start:end],
                            probabilities=(
                                result.probabilities[start:end]
                                if result.probabilities is not None
                                else None
                            ),
                            classes=result.classes,
                        )
                    )
                start = end

    async def _alone(self, item: _Item) -> None:
        columns, n, future = item
        try:
            result = await self._predict(columns, n)
        except Exception as e:
            if not future.done():
                future.set_exception(e)
            return
        if not future.done():
            future.set_result(result)
