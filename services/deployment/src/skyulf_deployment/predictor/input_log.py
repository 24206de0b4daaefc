"""Input logging for drift: a sampled share of each endpoint's calls, kept in memory and
written in the background to the artifact store as Parquet, one folder per endpoint and day
(``input-logs/<endpoint>/<YYYY-MM-DD>/<time>-<id>.parquet``).

The call only appends its decoded columns to a buffer (no I/O, no copy); a flush task writes
every ``interval`` seconds, or sooner once ``max_rows`` are waiting, in a worker thread. When
the store is away the rows are dropped (counted), never the call."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from skyulf_platform.artifacts.base import ArtifactStore

log = logging.getLogger(__name__)

INPUT_LOGS = "input-logs"
# Rows kept waiting at most; beyond, new samples are dropped until the next flush.
MAX_BUFFERED_ROWS = 200_000


class InputLog:
    def __init__(self, store: ArtifactStore, interval: float = 5.0, max_rows: int = 20_000):
        self.store = store
        self.interval = interval
        self.max_rows = max_rows
        self._buffers: dict[str, list[Mapping[str, np.ndarray]]] = {}
        self._rows = 0
        self.dropped = 0
        self.written = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def add(self, endpoint: str, columns: Mapping[str, np.ndarray], n_rows: int) -> None:
        if self._rows + n_rows > MAX_BUFFERED_ROWS:
            self.dropped += n_rows
            return
        self._buffers.setdefault(endpoint, []).append(columns)
        self._rows += n_rows
        if self._rows >= self.max_rows:
            self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
            self._wake.clear()
            await self.flush()

    async def flush(self) -> None:
        buffers, self._buffers, self._rows = self._buffers, {}, 0
        for endpoint, parts in buffers.items():
            try:
                await asyncio.to_thread(self._write, endpoint, parts)
            except Exception as e:
                rows = sum(len(next(iter(p.values()))) for p in parts if p)
                self.dropped += rows
                log.warning("input log of %s not written (%d rows dropped): %s", endpoint, rows, e)

    def _write(self, endpoint: str, parts: list[Mapping[str, np.ndarray]]) -> None:
        frame = pd.concat([pd.DataFrame(dict(p)) for p in parts], ignore_index=True)
        now = datetime.now(UTC)
        key = (
            f"{INPUT_LOGS}/{endpoint}/{now.date().isoformat()}/"
            f"{now.strftime('%H%M%S')}-{uuid.uuid4().hex[:12]}.parquet"
        )
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        self.store.put_bytes(key, buffer.getvalue())
        self.written += len(frame)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        await self.flush()
