"""The lint refuses any unpickling outside the bundle loader (and the isolation pipe)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RUFF = Path(sys.executable).parent / "ruff"


def _lint(source: str, filename: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RUFF), "check", "--no-cache", "--stdin-filename", filename, "-"],
        input=source,
        text=True,
        capture_output=True,
        cwd=REPO,
        check=False,
    )


@pytest.mark.parametrize(
    "source",
    [
        "import pickle\npickle.loads(b'')\n",
        "from pickle import load\nload(open('x', 'rb'))\n",
        "import joblib\njoblib.load('m.joblib')\n",
        "import torch\ntorch.load('m.pt')\n",
        "import pandas as pd\npd.read_pickle('x')\n",
        "import dill\n",
        "import numpy as np\nnp.load('x.npy', allow_pickle=True)\n",
    ],
)
def test_unpickling_elsewhere_fails_the_lint(source: str) -> None:
    result = _lint(source, "services/registry/src/skyulf_registry/sneaky.py")
    assert result.returncode == 1 and "TID251" in result.stdout, result.stdout


def test_the_bundle_loader_is_the_exception() -> None:
    source = "import joblib\n\njoblib.load('m.joblib')\n"
    assert _lint(source, "libs/core/src/skyulf_core/bundle/pipeline.py").returncode == 0
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    ignores = config["tool"]["ruff"]["lint"]["per-file-ignores"]
    allowed = {path for path, rules in ignores.items() if "TID251" in rules}
    assert allowed == {
        "libs/core/src/skyulf_core/bundle/pipeline.py",
        "libs/core/src/skyulf_core/graph/isolation.py",
    }
