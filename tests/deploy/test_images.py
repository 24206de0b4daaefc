"""The gateway image carries no ML stack: the error vocabulary it shares with the ML core lives
in skyulf_errors, a package without dependencies, and the records <-> v2 tensors translation of
its /predict in skyulf_platform.inference.records, in plain Python (numpy and pandas are the
`inference` extra of skyulf-platform, which only the prediction server's package asks for).

Checked where no Docker engine runs: the gateway build target's package set (resolved from
uv.lock exactly as deploy/docker/Dockerfile resolves it) and the modules a gateway process loads.
"""

from __future__ import annotations

import subprocess
import sys

from .chart import REPO

UV = REPO / "tools" / "uv" / "bin" / "uv"
ML_STACK = {
    "skyulf-core",
    "scikit-learn",
    "scipy",
    "polars",
    "pyarrow",
    "optuna",
    "imbalanced-learn",
    "numpy",
    "pandas",
}


def _locked(*args: str) -> set[str]:
    out = subprocess.run(
        [str(UV), "export", "--frozen", "--no-dev", "--no-hashes", *args],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return {line.split("==")[0].lower() for line in out.splitlines() if "==" in line}


def test_the_gateway_image_resolves_no_ml_package() -> None:
    gateway = _locked("--package", "skyulf-gateway")
    assert gateway, "nothing resolved"
    assert not gateway & ML_STACK
    # The platform image still has it all.
    assert ML_STACK - {"imbalanced-learn"} <= _locked("--all-packages") | {"skyulf-core"}
    assert {"numpy", "pandas"} <= _locked("--package", "skyulf-deployment")


def test_a_gateway_process_never_imports_the_ml_core() -> None:
    # Every module of the gateway package, routes included.
    code = (
        "import sys, pkgutil, importlib, skyulf_gateway\n"
        "for m in pkgutil.walk_packages(skyulf_gateway.__path__, 'skyulf_gateway.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(m for m in ('skyulf_core', 'sklearn', 'scipy', 'polars', 'optuna',"
        " 'numpy', 'pandas', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


INGEST_IN_A_WORKER = """
import sys, importlib, tempfile
from pathlib import Path
from skyulf_platform.tasks.app import task_modules
for name in task_modules():
    importlib.import_module(name)
from skyulf_ingestion.__main__ import MIGRATIONS_DIR
from skyulf_ingestion.settings import IngestionSettings
from skyulf_ingestion.wiring import build_service
from skyulf_platform.db.migrations import upgrade
data = Path(tempfile.mkdtemp())
(data / "d.csv").write_text("a,b,when\\n1,x,2020-01-01\\n2,y,2021-02-03\\n3,,2022-03-04\\n")
settings = IngestionSettings(data_dir=data)
upgrade(MIGRATIONS_DIR, settings.resolved_database_url(), settings.service_name)
service = build_service(settings, enqueue=lambda dataset_id: None)
dataset = service.upload_file("d.csv", data / "d.csv")
assert service.ingest(dataset.id).status.value == "READY"
assert len(service.get_rows(dataset.id, offset=0, limit=10).rows) == 3
print(sorted(m for m in ("sklearn", "scipy", "optuna", "xgboost", "lightgbm", "pandas")
             if m in sys.modules))
"""


def test_an_ingest_worker_never_loads_the_estimator_libraries() -> None:
    # A worker imports every queue's task modules; only a training or scoring task loads the
    # ML stack, so a worker for the ingest queue stays small (the chart gives it 512 MiB).
    out = subprocess.run([sys.executable, "-c", INGEST_IN_A_WORKER], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_dockerfile_copies_manifests_before_sources() -> None:
    dockerfile = (REPO / "deploy" / "docker" / "Dockerfile").read_text()
    first_source = dockerfile.index("COPY libs/ libs/")
    for manifest in ["uv.lock", *(p.relative_to(REPO) for p in REPO.glob("*/*/pyproject.toml"))]:
        assert f"{manifest}" in dockerfile[:first_source], manifest
    runtime = dockerfile[dockerfile.index("AS runtime") :]
    assert "uv" not in runtime.replace("--build-arg", "")
