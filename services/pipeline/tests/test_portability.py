"""Export a job as a script that reproduces its metrics; import an original Skyulf pipeline."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import grpc
import polars as pl
import pytest

from skyulf.pipeline.v1 import pipeline_pb2
from skyulf_pipeline.models import JobStatus

SAVED = Path(__file__).parents[3] / "libs" / "core" / "tests" / "data" / "original_pipeline.json"


def _same(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(
        (math.isnan(a[k]) and math.isnan(b[k])) or a[k] == pytest.approx(b[k], rel=1e-12) for k in a
    )


async def test_the_exported_job_script_reproduces_the_jobs_metrics(
    harness: Any, churn: pl.DataFrame, tmp_path: Path
) -> None:
    job = await harness.create()
    done = await harness.run(job.id)
    assert done.status == JobStatus.SUCCEEDED, done.error
    resp = await harness.stub.ExportPipeline(pipeline_pb2.ExportPipelineRequest(job_id=job.id))
    assert resp.filename == f"{done.model_name}.py"
    script = tmp_path / resp.filename
    script.write_text(resp.script)
    csv = tmp_path / "churn.csv"
    churn.drop("signup_date", "lat", "lon").write_csv(csv)  # the job's dataset, as a CSV
    run = subprocess.run(
        [sys.executable, str(script), str(csv), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert _same(metrics["model"]["metrics"], done.results[0].metrics)
    assert _same(metrics["model"]["metrics"], done.metrics)


async def test_an_original_skyulf_pipeline_is_imported_as_a_graph(harness: Any) -> None:
    resp = await harness.stub.ImportPipeline(
        pipeline_pb2.ImportPipelineRequest(config_json=SAVED.read_text())
    )
    assert [n.type for n in resp.graph.nodes][-2:] == [
        "random_forest_classifier",
        "logistic_regression",
    ]
    assert any("tuning_config" in w for w in resp.warnings)
    # The imported graph is valid against the dataset it was built for.
    check = await harness.stub.ValidatePipeline(
        pipeline_pb2.ValidatePipelineRequest(graph=resp.graph, dataset_id=harness.churn_id)
    )
    assert check.valid, [e.message for e in check.errors]


async def test_a_saved_pipeline_that_is_not_json_names_the_field(harness: Any) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await harness.stub.ImportPipeline(pipeline_pb2.ImportPipelineRequest(config_json="{nodes"))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "not valid JSON" in info.value.details()
