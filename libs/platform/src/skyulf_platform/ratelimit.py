"""A fixed-window rate limiter held in the process (sign-in attempts, predictions): enough to
stop password guessing or a runaway client against one replica; each replica counts on its own."""

from __future__ import annotations

import threading
import time

from skyulf_errors import RateLimited


class RateLimiter:
    def __init__(self, limit: int, window_s: float, what: str) -> None:
        self.limit = limit
        self.window_s = window_s
        self.what = what
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, now: float | None = None) -> None:
        """Counts one attempt for ``key``; raises RateLimited past the limit in the window."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._windows) > 10_000:
                self._windows = {
                    k: v for k, v in self._windows.items() if now - v[0] < self.window_s
                }
            start, count = self._windows.get(key, (now, 0))
            if now - start >= self.window_s:
                start, count = now, 0
            count += 1
            self._windows[key] = (start, count)
            if count > self.limit:
                retry = max(1, int(self.window_s - (now - start)) + 1)
                raise RateLimited(
                    f"too many {self.what}: try again in {retry} s",
                    details={"retry_after_s": retry},
                )
