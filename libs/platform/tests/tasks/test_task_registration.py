"""Services register their own Celery tasks; the shared runtime names none of them."""

from __future__ import annotations

import re
from pathlib import Path

from skyulf_platform.settings import PlatformSettings
from skyulf_platform.tasks.app import create_celery_app, task_modules

TASKS_SRC = Path(__file__).resolve().parents[2] / "src" / "skyulf_platform" / "tasks"
SERVICE_PACKAGE = re.compile(r"skyulf_(ingestion|pipeline|registry|deployment|advisor|gateway)\b")


def test_the_task_runtime_names_no_service_package() -> None:
    offenders = [
        f"{path.relative_to(TASKS_SRC)}:{n}"
        for path in TASKS_SRC.rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if SERVICE_PACKAGE.search(line)
    ]
    assert not offenders


def test_installed_services_register_their_task_modules(tmp_path: Path) -> None:
    modules = task_modules()
    # The workspace installs the two services that have tasks.
    assert {"skyulf_ingestion.tasks", "skyulf_pipeline.tasks"} <= set(modules)
    app = create_celery_app(PlatformSettings(data_dir=tmp_path))
    app.loader.import_default_modules()
    assert {"skyulf.ingestion.ingest_dataset", "skyulf.pipeline.train"} <= set(app.tasks)
