"""A core NodePreview as the service hands it out: named, typed columns and JSON-ready rows."""

from __future__ import annotations

from skyulf_core.graph import NodePreview
from skyulf_pipeline.models import DatasetColumn, PreviewEntry, SplitSize


def preview_entry(preview: NodePreview) -> PreviewEntry:
    return PreviewEntry(
        node_id=preview.node_id,
        node_type=preview.node_type,
        n_rows=preview.n_rows,
        columns=[DatasetColumn(name=c, dtype=preview.dtypes.get(c, "")) for c in preview.columns],
        rows=preview.rows,
        splits=[SplitSize(**p.model_dump()) for p in preview.splits],
        warnings=preview.warnings,
    )
