"""The web app in a real browser (Debian's chromium) against the whole platform running as
processes, the way a person uses it: tests/browser/flows/*.mjs, in order, on one page.

tests/browser/run.mjs drives the flows and prints a JSON summary; this module starts its own
embedded stack, runs every flow once, and asserts on the summary: one test per flow, then the
page-wide checks (no console errors, no failed requests, axe-core finds no serious or critical
violation, no horizontal scrolling at 1280x800). Each step leaves a screenshot in
var/browser/<run>/. Needs `make browser` and `make frontend`; without them it skips locally and
fails under CI=true.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skyulf_platform.stack import Ports, Stack

pytestmark = [pytest.mark.e2e]

REPO = Path(__file__).resolve().parents[2]
BROWSER_DIR = REPO / "tests" / "browser"
FLOWS = sorted(p.stem for p in (BROWSER_DIR / "flows").glob("[0-9][0-9]-*.mjs"))
CHROMIUM = Path("/usr/bin/chromium")
RUN_TIMEOUT_S = 600


def _missing_prerequisites() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (run `make browser`)")
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        missing.append("tests/browser/node_modules (run `make browser`)")
    if shutil.which("node") is None:
        missing.append("node (Node.js 20)")
    if not (REPO / "frontend" / "dist" / "index.html").exists():
        missing.append("frontend/dist (run `make frontend`)")
    return missing


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    missing = _missing_prerequisites()
    if missing:
        message = "the browser tests need " + ", ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    out = REPO / "var" / "browser" / time.strftime("%Y%m%d-%H%M%S")
    tmp = tmp_path_factory.mktemp("stack-browser")
    env = {
        "SKYULF_LOG_FORMAT": "json",
        # The source flow reads a SQLite file from the test data.
        "SKYULF_SQL_SQLITE_DIRS": json.dumps([str(REPO / "tests" / "data")]),
    }
    stack = Stack(data_dir=tmp / "data", ports=Ports.free(), env=env)
    with stack.running(timeout=120):
        # The shell flow signs in as the first admin the gateway created (make run prints the
        # password); REST helpers in the flows use the bootstrap API key.
        username, password = (stack.data_dir / "initial-admin-password").read_text().split()
        env = dict(
            os.environ,
            PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1",
            SKYULF_ADMIN_USERNAME=username,
            SKYULF_ADMIN_PASSWORD=password,
            SKYULF_API_KEY=stack.api_key or "",
        )
        cmd = ["node", str(BROWSER_DIR / "run.mjs"), stack.url, str(out), *FLOWS]
        t0 = time.monotonic()
        try:
            proc = subprocess.run(
                cmd,
                cwd=BROWSER_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT_S,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as e:
            pytest.fail(f"the browser flows did not finish in {RUN_TIMEOUT_S}s:\n{e.stderr}")
        print(f"browser flows took {time.monotonic() - t0:.1f}s; screenshots in {out}")
        try:
            result: dict[str, Any] = json.loads(proc.stdout)
        except json.JSONDecodeError:
            pytest.fail(
                f"run.mjs exited {proc.returncode} without a JSON summary\n"
                f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
            )
        result["_logs"] = {n: stack.log_tail(n, 30) for n in stack.procs}
        yield result


@pytest.mark.parametrize("flow", FLOWS)
def test_flow(summary: dict[str, Any], flow: str) -> None:
    records = {f["name"]: f for f in summary["flows"]}
    if flow not in records:
        failed = [f["name"] for f in summary["flows"] if not f["ok"]]
        pytest.fail(f"{flow} did not run: an earlier flow failed ({', '.join(failed)})")
    record = records[flow]
    logs = "\n".join(f"--- {n} ---\n{t}" for n, t in summary["_logs"].items())
    assert record["ok"], (
        f"{record['error']}\nsteps: {json.dumps(record['steps'], indent=1)}\n{logs}"
    )
    for shot in record["screenshots"]:
        data = Path(shot).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5_000, shot


def test_no_console_errors_or_failed_requests(summary: dict[str, Any]) -> None:
    assert summary["console_errors"] == []
    assert summary["failed_requests"] == []


def test_accessible_and_no_horizontal_scrolling(summary: dict[str, Any]) -> None:
    pages = [p for f in summary["flows"] for p in f["axe"]]
    assert pages, "no flow checked a page with axe-core"
    bad = [p for p in pages if p["violations"]]
    assert bad == [], json.dumps(bad, indent=1)
    wide = [(p["page"], p["overflow"]) for p in pages if p["overflow"] > 0]
    assert wide == [], f"horizontal scrolling at 1280x800: {wide}"
