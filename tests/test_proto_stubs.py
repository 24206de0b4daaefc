"""The committed gRPC stubs must be exactly what `make proto` generates from proto/."""

from __future__ import annotations

import filecmp
import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "libs" / "proto" / "src"


def _files(root: Path) -> dict[str, Path]:
    return {
        p.relative_to(root).as_posix(): p
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_generated_stubs_are_up_to_date(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_proto.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    fresh, committed = _files(tmp_path), _files(COMMITTED)
    assert sorted(fresh) == sorted(committed), "stub files differ: run `make proto`"
    stale = [
        name for name, p in fresh.items() if not filecmp.cmp(p, committed[name], shallow=False)
    ]
    assert not stale, f"stale stubs (run `make proto`): {stale}"


def test_every_service_contract_is_generated() -> None:
    for module in (
        "skyulf.ingestion.v1.ingestion_pb2_grpc",
        "skyulf.pipeline.v1.pipeline_pb2_grpc",
        "skyulf.registry.v1.registry_pb2_grpc",
        "skyulf.deployment.v1.deployment_pb2_grpc",
        "skyulf.advisor.v1.advisor_pb2_grpc",
        "inference.grpc_predict_v2_pb2_grpc",
    ):
        assert importlib.util.find_spec(module) is not None, module
