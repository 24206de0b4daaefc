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
    # Numeric columns: quantiles of the finite values, tails, zeros, infinities, IQR outliers.
    q05: float | None = None
    q25: float | None = None
    q75: float | None = None
    q95: float | None = None
    kurtosis: float | None = None
    zeros_count: int = 0
    infinite_count: int = 0
    outliers_iqr: int = 0
    # Text columns: lengths in characters.
    length_min: int | None = None
    length_mean: float | None = None
    length_max: int | None = None
    # "email" or "phone" when most sampled values look like one.
    personal_data: Literal["email", "phone"] | None = None


class DataAlert(BaseModel):
    kind: str
    column: str | None
    severity: Severity
    message: str
    # The statistic that fired the alert (a ratio, a count, a coefficient).
    statistic: float | None = None


class CorrelationMatrix(BaseModel):
    """A symmetric matrix over ``columns``; None where a value cannot be computed."""

    columns: list[str]
    values: list[list[float | None]]


class Correlations(BaseModel):
    pearson: CorrelationMatrix | None = None
    spearman: CorrelationMatrix | None = None
    cramers_v: CorrelationMatrix | None = None


class FeatureAssociation(BaseModel):
    feature: str
    method: Literal["spearman", "correlation_ratio", "cramers_v"]
    value: float


class TargetAnalysis(BaseModel):
    target: str
    task: Literal["classification", "regression"]
    # Classification: counts per class; regression: the target's distribution.
    class_balance: list[ValueCount] = []
    mean: float | None = None
    std: float | None = None
    histogram: Histogram | None = None
    # Strongest first, each on [0, 1].
    associations: list[FeatureAssociation] = []


class DatasetProfile(BaseModel):
    n_rows: int
    n_columns: int
    duplicate_rows: int
    columns: list[ColumnProfile]
    alerts: list[DataAlert] = []
    memory_bytes: int = 0
    correlations: Correlations | None = None
    target: TargetAnalysis | None = None

    def column(self, name: str) -> ColumnProfile | None:
        return next((c for c in self.columns if c.name == name), None)
