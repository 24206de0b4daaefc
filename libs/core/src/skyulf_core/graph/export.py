"""A pipeline graph as a runnable Python script on ``skyulf_core``: load a CSV, fit, evaluate, save.

The script holds the graph as JSON and calls :func:`skyulf_core.graph.train_pipeline`, the same
executor a job runs, so on the same rows it gets the same models and the same metrics. It writes
each model's bundle files (``pipeline.json`` and ``model.joblib``, readable with
``FittedPipeline.from_files``) and ``metrics.json`` to the output folder.
"""

from __future__ import annotations

import json
from typing import Any

from skyulf_core.graph.spec import PipelineGraph, parse_graph

_TEMPLATE = '''#!/usr/bin/env python3
"""{title}

Exported from Skyulf. Needs skyulf_core (and pandas) installed.

    python {filename} data.csv --out model/

Loads the CSV, fits every node on the train split, trains and evaluates each model, saves each
model's bundle under model/<model node id>/ and every model's metrics to model/metrics.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from skyulf_core.graph import train_pipeline

GRAPH = json.loads(
    r"""
{graph}
"""
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path, help="the dataset, as CSV with a header row")
    parser.add_argument("--out", type=Path, default=Path("model"), help="folder to save into")
    args = parser.parse_args()

    frame = pd.read_csv(args.csv)
    result = train_pipeline(GRAPH, frame)
    args.out.mkdir(parents=True, exist_ok=True)
    metrics = {{}}
    for model in result.models:
        folder = args.out / model.node_id
        folder.mkdir(exist_ok=True)
        for name, data in model.fitted.to_files().items():
            (folder / name).write_bytes(data)
        metrics[model.node_id] = {{"model_type": model.model_type, "metrics": model.metrics}}
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    for warning in result.warnings:
        print(f"warning: {{warning}}")
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()
'''


def export_script(
    graph: PipelineGraph | dict[str, Any], *, title: str = "A Skyulf pipeline", filename: str = ""
) -> str:
    """The Python source of a script that runs ``graph`` on a CSV (see the module docstring)."""
    parsed = parse_graph(graph)
    body = parsed.model_dump(mode="json", exclude_none=True)
    # JSON escapes every quote inside a string, so the text never holds three quotes in a row
    # and sits safely in the raw triple-quoted string.
    text = json.dumps(body, indent=2, sort_keys=True)
    clean_title = " ".join(title.split()).replace('"""', "'''") or "A Skyulf pipeline"
    return _TEMPLATE.format(title=clean_title, filename=filename or "pipeline.py", graph=text)
