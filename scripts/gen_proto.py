"""Generate the Python gRPC stubs from proto/ into libs/proto/src (or --out).

`make proto` runs this; tests/test_proto_stubs.py regenerates into a temporary folder and fails
when the committed stubs differ, so the stubs can never drift from the contracts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parents[1]
PROTO_DIR = ROOT / "proto"
DEFAULT_OUT = ROOT / "libs" / "proto" / "src"


def proto_files() -> list[Path]:
    return sorted(PROTO_DIR.rglob("*.proto"))


def generate(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    well_known = Path(protoc.__file__).parent / "_proto"
    files = [str(p.relative_to(PROTO_DIR)) for p in proto_files()]
    # The mypy plugins live next to this interpreter, whether or not the venv is on PATH.
    bindir = Path(sys.executable).parent
    args = [
        "grpc_tools.protoc",
        f"--plugin=protoc-gen-mypy={bindir / 'protoc-gen-mypy'}",
        f"--plugin=protoc-gen-mypy_grpc={bindir / 'protoc-gen-mypy_grpc'}",
        f"-I{PROTO_DIR}",
        f"-I{well_known}",
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        f"--mypy_out={out}",
        f"--mypy_grpc_out={out}",
        *files,
    ]
    code = protoc.main(args)
    if code != 0:
        raise SystemExit(f"protoc failed with exit code {code}")
    # Regular packages (not namespace packages) so that imports are unambiguous.
    for f in files:
        pkg = (out / f).parent
        while pkg != out:
            (pkg / "__init__.py").touch()
            pkg = pkg.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ns = parser.parse_args(argv)
    generate(ns.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
