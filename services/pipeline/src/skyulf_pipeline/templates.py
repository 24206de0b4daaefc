"""The starter pipelines: JSON files shipped in the package's ``template_files`` folder."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from skyulf_pipeline.models import PipelineTemplate

TEMPLATES_DIR = Path(__file__).parent / "template_files"


@cache
def _load() -> tuple[PipelineTemplate, ...]:
    files = sorted(TEMPLATES_DIR.glob("*.json"))
    return tuple(PipelineTemplate.model_validate_json(f.read_text("utf-8")) for f in files)


def load_templates() -> list[PipelineTemplate]:
    """Every template, ordered by file name; read once per process."""
    return list(_load())
