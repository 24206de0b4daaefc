"""The rows ingestion pages out (JSON objects, dates as ISO text) -> a Polars frame."""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from skyulf.common.v1 import common_pb2


def _dtype(name: str) -> pl.DataType:
    if name.startswith(("Int", "UInt")):
        return pl.Int64()
    if name.startswith(("Float", "Decimal")):
        return pl.Float64()
    if name == "Boolean":
        return pl.Boolean()
    return pl.String()


def frame_from_pages(columns: list[common_pb2.Column], pages: list[str]) -> pl.DataFrame:
    rows: list[dict[str, Any]] = [row for page in pages for row in json.loads(page)]
    return pl.DataFrame(
        [
            pl.Series(
                c.name,
                [r.get(c.name) if _dtype(c.dtype) != pl.String() or r.get(c.name) is None
                 else str(r[c.name]) for r in rows],
                dtype=_dtype(c.dtype),
                strict=False,
            )
            for c in columns
        ]
    )  # fmt: skip
