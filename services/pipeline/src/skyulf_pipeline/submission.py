"""What a job submission is named and bound to: registered model names and the request digest."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import PurePosixPath

from skyulf_core.graph import PipelineGraph
from skyulf_core.models import is_model
from skyulf_errors import InvalidArgument
from skyulf_pipeline.models import ModelResult
from skyulf_platform.names import is_valid_name

IDEMPOTENCY_HEADER = "Idempotency-Key"
_DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".json", ".jsonl", ".xlsx", ".xls")


def _name_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("._-")


def default_model_name(dataset_name: str, model_type: str) -> str:
    """``<dataset name>-<model type>`` reduced to what the registry accepts as a name."""
    stem = dataset_name
    suffix = PurePosixPath(stem).suffix
    if suffix.lower() in _DATA_SUFFIXES:
        stem = stem[: -len(suffix)]
    model = _name_part(model_type)[:64] or "model"
    stem = _name_part(stem)[: 127 - len(model)].rstrip("._-")
    name = f"{stem}-{model}" if stem else model
    return name if is_valid_name(name) else f"model-{model}"


def model_results(graph: PipelineGraph, model_name: str, dataset_name: str) -> list[ModelResult]:
    """The name each model node registers under, in graph order.

    One model: ``model_name`` (default ``<dataset>-<model type>``). Several: each gets its node
    id appended (``<model_name>-<node id>``, default ``<dataset>-<node id>``).
    """
    models = [n for n in graph.nodes if is_model(n.type)]
    if not models:
        raise InvalidArgument("the pipeline has no model node", details={"field": "graph"})
    if len(models) == 1:
        name = model_name or default_model_name(dataset_name, models[0].type)
        return [ModelResult(node_id=models[0].id, model_type=models[0].type, model_name=name)]
    results = []
    for node in models:
        if model_name:
            name = f"{model_name[: 126 - len(_name_part(node.id)[:64])]}-{_name_part(node.id)[:64]}"
            if not is_valid_name(name):
                name = default_model_name(model_name, node.id)
        else:
            name = default_model_name(dataset_name, node.id)
        results.append(ModelResult(node_id=node.id, model_type=node.type, model_name=name))
    return results


def request_digest(dataset_id: str, graph: PipelineGraph, model_name: str) -> str:
    """SHA-256 of a job request in canonical JSON: what an Idempotency-Key is bound to."""
    body = {
        "dataset_id": dataset_id,
        "graph": graph.model_dump(mode="json", exclude_none=True),
        "model_name": model_name,
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
