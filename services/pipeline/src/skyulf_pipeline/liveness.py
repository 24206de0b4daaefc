"""How a running job shows it is alive and is told to stop: heartbeat, cancel flag, time limits."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from skyulf_errors import DeadlineExceeded, ErrorCode
from skyulf_pipeline.models import Job, JobError
from skyulf_pipeline.repository import JobRepository

log = logging.getLogger(__name__)


class CancelProbe:
    """``should_cancel`` for the executor: reads the job's flag at most every ``interval`` s."""

    def __init__(self, jobs: JobRepository, job_id: str, interval: float) -> None:
        self.jobs = jobs
        self.job_id = job_id
        self.interval = interval
        self._last = 0.0
        self._value = False

    def __call__(self) -> bool:
        now = time.monotonic()
        if not self._value and now - self._last >= self.interval:
            self._last = now
            self._value = self.jobs.cancel_requested(self.job_id)
        return self._value


class Heartbeat:
    """Writes the job's ``heartbeat_at`` every ``interval`` seconds from a daemon thread.

    The pipeline service fails a RUNNING job whose heartbeat goes stale (its worker died). Once
    the job is no longer RUNNING (it finished, or was failed as stale while this worker stalled)
    the beating stops and ``lost`` turns true, which stops the training early.
    """

    def __init__(
        self, jobs: JobRepository, job_id: str, interval: float, attempt: int | None = None
    ) -> None:
        self.jobs = jobs
        self.job_id = job_id
        self.interval = interval
        self.attempt = attempt
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=max(self.interval, 5.0))

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                alive = self.jobs.heartbeat(self.job_id, self.attempt)
            except Exception:
                # A database hiccup: the next beat may get through before the job goes stale.
                log.warning(
                    "could not record the heartbeat of job %s",
                    self.job_id,
                    exc_info=True,
                    extra={"job_id": self.job_id},
                )
                continue
            if not alive:
                self.lost = True
                return


class Deadline:
    """The queue's time limits for one attempt: past ``soft`` the training stops (checked with
    the cancel flag); past ``hard`` a watchdog fails the job (``on_hard_limit``) and ends the
    worker process, which is stuck where no check reaches."""

    def __init__(
        self, job: Job, soft: float, hard: float, on_hard_limit: Callable[[JobError], object]
    ) -> None:
        self.on_hard_limit = on_hard_limit
        self.job_id = job.id
        self.soft = soft
        self.hard = hard
        self._start = time.monotonic()
        self._timer = threading.Timer(hard, self._hard_stop)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    @property
    def passed(self) -> bool:
        return time.monotonic() - self._start > self.soft

    def error(self) -> DeadlineExceeded:
        return DeadlineExceeded(
            f"job {self.job_id} ran longer than the train queue's time limit ({self.soft:g}s)",
            details={"job_id": self.job_id, "limit_seconds": self.soft},
        )

    def _hard_stop(self) -> None:
        message = f"job {self.job_id} passed the train queue's hard time limit ({self.hard:g}s)"
        log.error(message, extra={"job_id": self.job_id})
        try:
            self.on_hard_limit(JobError(code=ErrorCode.DEADLINE_EXCEEDED.value, message=message))
        finally:
            os._exit(1)
