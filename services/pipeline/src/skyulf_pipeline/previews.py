"""A core NodePreview as the service hands it out: named, typed columns and JSON-ready rows."""

from __future__ import annotations

import json
from typing import Any

from skyulf_pipeline.models import DatasetColumn, PreviewEntry


def _dtype(dtypes: Any, index: int, name: str) -> str:
    if isinstance(dtypes, dict):
        return str(dtypes.get(name, ""))
    if isinstance(dtypes, list | tuple) and index < len(dtypes):
        return str(dtypes[index])
    return ""


def preview_entry(preview: Any) -> PreviewEntry:
    columns = [str(c) for c in preview.columns]
    dtypes = getattr(preview, "dtypes", None)
    # A round trip through JSON turns numpy scalars, timestamps and the like into plain values.
    rows = json.loads(json.dumps(list(preview.rows), default=str))
    return PreviewEntry(
        node_id=preview.node_id,
        node_type=preview.node_type,
        n_rows=int(preview.n_rows),
        columns=[
            DatasetColumn(name=name, dtype=_dtype(dtypes, i, name))
            for i, name in enumerate(columns)
        ],
        rows=rows,
    )
