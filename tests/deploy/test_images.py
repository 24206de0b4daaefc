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


def test_the_dockerfile_copies_manifests_before_sources() -> None:
    dockerfile = (REPO / "deploy" / "docker" / "Dockerfile").read_text()
    first_source = dockerfile.index("COPY libs/ libs/")
    for manifest in ["uv.lock", *(p.relative_to(REPO) for p in REPO.glob("*/*/pyproject.toml"))]:
        assert f"{manifest}" in dockerfile[:first_source], manifest
    runtime = dockerfile[dockerfile.index("AS runtime") :]
    assert "uv" not in runtime.replace("--build-arg", "")
