"""The chart README's values table is generated from values.yaml and kept current."""

from __future__ import annotations

import re
import subprocess
import sys

import yaml

from .chart import CHART, REPO

SCRIPT = REPO / "scripts" / "helm_values_table.py"


def test_the_values_table_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_every_leaf_value_has_a_row() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    readme = (CHART / "README.md").read_text()

    def leaves(node: object, prefix: str) -> list[str]:
        if isinstance(node, dict) and node:
            return [k for key, v in node.items() for k in leaves(v, f"{prefix}{key}.")]
        return [prefix.rstrip(".")]

    # Rows with a default; a flow mapping such as {cpu: 1, memory: 1Gi} is one row.
    rows = set(re.findall(r"^\| `([^`]+)` \| `", readme, flags=re.MULTILINE))
    missing = [
        key
        for key in leaves(values, "")
        if not any(key == row or key.startswith(f"{row}.") for row in rows)
    ]
    assert not missing
