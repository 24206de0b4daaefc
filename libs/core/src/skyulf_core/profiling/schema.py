"""The dataset profile as it travels: pydantic models only."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

ColumnKindName = Literal["numeric", "categorical", "text", "datetime", "boolean", "id"]
Severity = Literal["info", "warning", "critical"]


class ValueCount(BaseModel):
    value: str | int | float | bool | None
    count: int


class Histogram(BaseModel):
    """Equal-width bins over a numeric column's finite values: ``len(edges) == len(counts) + 1``."""

    edges: list[float]
    counts: list[int]


class ColumnProfile(BaseModel):
    name: str
    dtype: str
    kind: ColumnKindName
    missing_count: int
    missing_ratio: float
    unique_count: int
    min: float | str | None = None
    max: float | str | None = None
    mean: float | None = None
    std: float | None = None
    median: float | None = None
    skew: float | None = None
    top_values: list[ValueCount] = []
    histogram: Histogram | None = None


class DataAlert(BaseModel):
    kind: str
    column: str | None
    severity: Severity
    message: str


class DatasetProfile(BaseModel):
    n_rows: int
    n_columns: int
    duplicate_rows: int
    columns: list[ColumnProfile]
    alerts: list[DataAlert] = []

    def column(self, name: str) -> ColumnProfile | None:
        return next((c for c in self.columns if c.name == name), None)
