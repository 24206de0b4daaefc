"""Expected size of each image's Python environment, from the installed packages.

Without a Docker engine, the size of an image's /app/.venv is the sum of the files its locked
packages install: for each role (the `gateway` and `platform` build targets of
deploy/docker/Dockerfile) this resolves the same package set as the Dockerfile (`uv export`
from uv.lock) and adds up the files each package's RECORD lists in this checkout's .venv. The
Python base image comes on top.

    .venv/bin/python scripts/image_sizes.py
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
UV = REPO / "tools" / "uv" / "bin" / "uv"
ROLES = {"gateway": ["--package", "skyulf-gateway"], "platform": ["--all-packages"]}
HEAVY = ("pandas", "numpy", "pyarrow", "polars", "scikit-learn", "scipy", "optuna", "skyulf-core")


def locked_packages(args: list[str]) -> list[str]:
    out = subprocess.run(
        [str(UV), "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-workspace", *args],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    names = []
    for line in out.splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==", line)
        if match and "python_full_version >= '3.12'" not in line:
            names.append(match[1])
    return names


def installed_bytes(name: str) -> int:
    """Bytes the package installed here; 0 for one whose environment marker excludes this
    platform (Linux, CPython 3.11: what the image runs)."""
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return 0
    total = 0
    for file in dist.files or []:
        path = Path(str(dist.locate_file(file)))
        if path.is_file():
            total += path.stat().st_size
    return total


def main() -> int:
    print(
        "| image (build target) | third-party packages | their installed size (MB) | ML packages in it |"
    )
    print("| --- | --- | --- | --- |")
    for role, args in ROLES.items():
        names = locked_packages(args)
        size = sum(installed_bytes(n) for n in names)
        heavy = sorted(n for n in names if n.lower() in HEAVY) or ["none"]
        print(f"| `{role}` | {len(names)} | {size / 1e6:.0f} | {', '.join(heavy)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
