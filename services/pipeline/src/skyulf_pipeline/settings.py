"""Pipeline's settings: the platform's, with its own name (and so its port and database)."""

from __future__ import annotations

from pydantic import Field, model_validator

from skyulf_platform.settings import PlatformSettings


class PipelineSettings(PlatformSettings):
    service_name: str = "pipeline"
    # Rows of a dataset that PreviewPipeline runs the graph on.
    preview_sample_rows: int = 5000
    # Seconds between two reads of a running job's cancel flag.
    cancel_poll_seconds: float = 0.5
    # Seconds between two polls of the events table by WatchJob.
    watch_poll_seconds: float = 0.25
    # Seconds between two heartbeats of the worker running a job.
    job_heartbeat_seconds: float = Field(default=15.0, gt=0)
    # Seconds between two sweeps for RUNNING jobs whose worker stopped beating.
    job_reap_interval_seconds: float = Field(default=30.0, gt=0)
    # Seconds without a heartbeat after which a RUNNING job is failed as UNAVAILABLE.
    job_stale_seconds: float = Field(default=120.0, gt=0)
    # Attempts a job gets when its worker vanishes (SIGKILL, out of memory) before it is FAILED.
    job_max_attempts: int = Field(default=3, ge=1, le=100)
    # Fit each model in a child process, so that a cancel stops a running fit within a poll.
    fit_in_child_process: bool = True

    @model_validator(mode="after")
    def _stale_outlasts_heartbeats(self) -> PipelineSettings:
        if self.job_stale_seconds < 2 * self.job_heartbeat_seconds:
            raise ValueError(
                f"SKYULF_JOB_STALE_SECONDS ({self.job_stale_seconds:g}) must be at least twice "
                f"SKYULF_JOB_HEARTBEAT_SECONDS ({self.job_heartbeat_seconds:g}), or healthy "
                "jobs would be failed between two heartbeats"
            )
        return self


def get_settings() -> PipelineSettings:
    return PipelineSettings()
