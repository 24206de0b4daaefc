"""Pipelines in and out: a graph as a runnable script, and the original Skyulf's saved pipelines."""

from __future__ import annotations

import json

from skyulf_core.graph import PipelineGraph
from skyulf_core.graph.export import export_script
from skyulf_core.graph.importing import ImportedPipeline, import_original
from skyulf_errors import InvalidArgument
from skyulf_pipeline.models import Job


def job_script(job: Job) -> tuple[str, str]:
    """(script, file name) of the graph a job ran."""
    filename = f"{job.model_name}.py"
    title = f"Skyulf job {job.id}: {job.model_name} on dataset {job.dataset_id}"
    return export_script(job.graph, title=title, filename=filename), filename


def graph_script(graph: PipelineGraph) -> tuple[str, str]:
    return export_script(graph, filename="pipeline.py"), "pipeline.py"


def import_saved(config_json: str) -> ImportedPipeline:
    try:
        config = json.loads(config_json)
    except json.JSONDecodeError as e:
        raise InvalidArgument(
            f"saved pipeline is not valid JSON ({e.msg} at position {e.pos})",
            details={"field": "config"},
        ) from e
    if not isinstance(config, dict):
        raise InvalidArgument(
            "saved pipeline must be a JSON object with 'nodes'", details={"field": "config"}
        )
    return import_original(config)
