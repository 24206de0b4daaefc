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
    # Seconds a job may wait QUEUED without a worker taking it before its task is put on the
    # queue again: a broker that lost its queue (Redis restarted without persistence) leaves no
    # job waiting forever. A second delivery is harmless: only one worker can start a job.
    job_queued_stale_seconds: float = Field(default=600.0, gt=0)
    # Attempts a job gets when its worker vanishes (SIGKILL, out of memory) before it is FAILED.
    job_max_attempts: int = Field(default=3, ge=1, le=100)
    # Fit each model in a child process, so that a cancel stops a running fit within a poll.
    fit_in_child_process: bool = True
    # Where Optuna keeps the tuning studies' trials (its RDB storage, shared by every tune
    # worker). Default: on PostgreSQL, the pipeline's database in its own schema
    # (SKYULF_TUNING_SCHEMA), so Optuna's tables and its own alembic_version table never meet
    # the services' tables or their Alembic histories; otherwise a tuning.db SQLite file in the
    # data dir.
    tuning_storage_url: str | None = None
    tuning_schema: str = Field(default="skyulf_tuning", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    # A worker running a trial beats every tuning_heartbeat_seconds; a RUNNING trial silent for
    # tuning_grace_seconds is marked FAIL (its worker died) and never run again.
    tuning_heartbeat_seconds: int = Field(default=10, ge=1)
    tuning_grace_seconds: int = Field(default=60, ge=2)
    # Trial tasks a tuning job puts on the tune queue per study: at most this many workers run
    # one study's trials at once (besides the job's own worker).
    tuning_parallel_tasks: int = Field(default=8, ge=0, le=256)

    @model_validator(mode="after")
    def _stale_outlasts_heartbeats(self) -> PipelineSettings:
        if self.job_stale_seconds < 2 * self.job_heartbeat_seconds:
            raise ValueError(
                f"SKYULF_JOB_STALE_SECONDS ({self.job_stale_seconds:g}) must be at least twice "
                f"SKYULF_JOB_HEARTBEAT_SECONDS ({self.job_heartbeat_seconds:g}), or healthy "
                "jobs would be failed between two heartbeats"
            )
        if self.tuning_grace_seconds < 2 * self.tuning_heartbeat_seconds:
            raise ValueError(
                f"SKYULF_TUNING_GRACE_SECONDS ({self.tuning_grace_seconds}) must be at least "
                f"twice SKYULF_TUNING_HEARTBEAT_SECONDS ({self.tuning_heartbeat_seconds})"
            )
        return self

    def resolved_tuning_storage_url(self) -> str:
        if self.tuning_storage_url:
            return self.tuning_storage_url
        url = self.resolved_database_url()
        if url.startswith("postgresql"):
            return url
        return f"sqlite:///{self.data_dir / 'tuning.db'}"


def get_settings() -> PipelineSettings:
    return PipelineSettings()
