"""The page in a real browser (Debian's chromium) against the whole platform running as processes.

tests/browser/smoke.mjs does the clicking and prints a JSON summary; this module starts its own
embedded stack, runs the script against it and asserts on that summary. Needs `make browser` (and
the built page, `make frontend`); without them it skips locally and fails under CI=true.
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

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

REPO = Path(__file__).resolve().parents[2]
BROWSER_DIR = REPO / "tests" / "browser"
SCRIPT = BROWSER_DIR / "smoke.mjs"
CHROMIUM = Path("/usr/bin/chromium")
CSV = REPO / "tests" / "data" / "customers_15.csv"
SERVICES = ("ingestion", "pipeline", "registry", "deployment", "advisor")
SCRIPT_TIMEOUT_S = 90


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
def browser_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    missing = _missing_prerequisites()
    if missing:
        message = "the browser test needs " + ", ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    tmp = tmp_path_factory.mktemp("stack-browser")
    s = Stack(data_dir=tmp / "data", ports=Ports.free(), env={"SKYULF_LOG_FORMAT": "json"})
    try:
        with s.running(timeout=120):
            yield s
    except Exception:
        for name in s.procs:
            print(f"--- {name} log ---\n{s.log_tail(name, 60)}")
        raise


def _run_smoke(
    url: str, screenshot: Path
) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    env = dict(os.environ, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1")
    cmd = ["node", str(SCRIPT), url, str(screenshot), "--csv", str(CSV), "--timeout", "60"]
    try:
        proc = subprocess.run(
            cmd,
            cwd=BROWSER_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=SCRIPT_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"smoke.mjs did not finish in {SCRIPT_TIMEOUT_S}s; stderr:\n{e.stderr}")
    try:
        summary: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"smoke.mjs exited {proc.returncode} without a JSON summary\n"
            f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    return summary, proc


def test_page_in_a_real_browser(browser_stack: Stack, tmp_path: Path) -> None:
    screenshot = tmp_path / "skyulf.png"
    t0 = time.monotonic()
    summary, proc = _run_smoke(browser_stack.url, screenshot)
    elapsed = time.monotonic() - t0
    print(f"smoke.mjs took {elapsed:.1f}s; screenshots in {tmp_path}")
    failed = [c for c in summary["checks"] if not c["ok"]]
    assert proc.returncode == 0 and summary["ok"], (
        f"{proc.stderr.strip()}\nfailed checks: {json.dumps(failed, indent=2)}\n"
        + "\n".join(
            f"--- {n} log ---\n{browser_stack.log_tail(n, 20)}" for n in browser_stack.procs
        )
    )

    assert summary["services"] == dict.fromkeys(SERVICES, "SERVING")
    assert summary["platform_status"] == "ok"

    header = CSV.read_text().splitlines()[0].split(",")
    dataset = summary["dataset"]
    assert dataset["status"] == "READY"
    assert dataset["rows"] == 15
    assert dataset["columns"] == len(header)
    assert dataset["column_names"] == header

    nodes = summary["nodes"]
    assert {"SimpleImputer", "logistic_regression"} <= set(nodes["found"])
    assert nodes["count"] >= 2 and nodes["count_label"] == f"{nodes['count']} nodes"

    message = summary["bad_upload"]["message"]
    assert "bad.csv" in message, message

    assert summary["console_errors"] == []
    assert summary["failed_requests"] == []
    assert summary["layout"]["scroll_width"] <= summary["layout"]["client_width"]

    for shot in (summary["screenshot"], summary["error_screenshot"]):
        data = Path(shot).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000, shot
