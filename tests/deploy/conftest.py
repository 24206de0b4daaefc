"""Rendered value sets of the Helm chart, shared by the tests in this directory."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .chart import (
    EXTERNAL_VALUES,
    HELM,
    INSTALL_HELM,
    SECRET_VALUES,
    Rendered,
    example_values,
    helm_runs,
    merged,
    render,
)


@pytest.fixture(scope="session")
def helm() -> Path:
    """A working helm binary; installed on first use. Under CI a missing helm fails, never skips."""
    if not helm_runs():
        result = subprocess.run(
            ["bash", str(INSTALL_HELM)], capture_output=True, text=True, timeout=300, check=False
        )
        if result.returncode != 0 or not helm_runs():
            reason = f"could not install helm:\n{result.stdout}\n{result.stderr}"
            if os.environ.get("CI") == "true":
                pytest.fail(reason)
            pytest.skip(reason)
    return HELM


# --- rendered sets ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def default(helm: Path, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """Chart defaults with only the required secrets given."""
    return render(helm, SECRET_VALUES, tmp_path_factory.mktemp("default"))


@pytest.fixture(scope="session")
def external(helm: Path, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return render(helm, EXTERNAL_VALUES, tmp_path_factory.mktemp("external"))


@pytest.fixture(scope="session")
def with_ingress(helm: Path, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    values = {
        **SECRET_VALUES,
        "ingress": {
            "enabled": True,
            "className": "nginx",
            "hosts": [{"host": "ml.example.org", "paths": [{"path": "/", "pathType": "Prefix"}]}],
            "tls": [{"secretName": "ml-tls", "hosts": ["ml.example.org"]}],
        },
        "workers": {"queues": {"train": {"autoscaling": {"enabled": True, "maxReplicas": 6}}}},
    }
    return render(helm, values, tmp_path_factory.mktemp("ingress"))


@pytest.fixture(scope="session")
def keda(helm: Path, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The KEDA example: every queue scales on its depth."""
    values = merged(SECRET_VALUES, example_values("keda"))
    return render(helm, values, tmp_path_factory.mktemp("keda"))


@pytest.fixture(scope="session")
def production(helm: Path, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The production example: managed dependencies, an existing Secret, CPU HPAs."""
    return render(helm, example_values("production"), tmp_path_factory.mktemp("production"))
