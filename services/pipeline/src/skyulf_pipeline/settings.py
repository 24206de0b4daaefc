"""Pipeline's settings: the platform's, with its own name (and so its port and database)."""

from __future__ import annotations

from skyulf_platform.settings import PlatformSettings


class PipelineSettings(PlatformSettings):
    service_name: str = "pipeline"
    # Rows of a dataset that PreviewPipeline runs the graph on.
    preview_sample_rows: int = 5000
    # Seconds between two reads of a running job's cancel flag.
    cancel_poll_seconds: float = 0.5
    # Seconds between two polls of the events table by WatchJob.
    watch_poll_seconds: float = 0.25


def get_settings() -> PipelineSettings:
    return PipelineSettings()
