"""The worker process: ``python -m skyulf_platform.tasks.worker -Q ingest,train``.

``celery -A skyulf_platform.tasks.worker:app worker`` works too; ``app`` is built on first
access, not at import.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any

from celery import Celery

from skyulf_platform.grpc.auth import install_from_settings
from skyulf_platform.logs import configure_logging
from skyulf_platform.metrics.tasks import instrument_worker
from skyulf_platform.settings import PlatformSettings
from skyulf_platform.tasks.app import QUEUES, create_celery_app


@cache
def build_app() -> Celery:
    settings = PlatformSettings(service_name="worker")
    configure_logging("worker", settings.log_level, settings.log_format)
    install_from_settings(settings)
    app = create_celery_app(settings)
    instrument_worker(app, settings, QUEUES)
    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        return build_app()
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not any(a == "-Q" or a.startswith("--queues") for a in args):
        args += ["-Q", ",".join(QUEUES)]
    if not any(a in ("-P", "--pool") or a.startswith("--pool=") for a in args):
        # One task at a time per process; scale by running more workers.
        args += ["--pool", "solo"]
    build_app().worker_main(["worker", "--loglevel", "INFO", *args])


if __name__ == "__main__":
    main()
