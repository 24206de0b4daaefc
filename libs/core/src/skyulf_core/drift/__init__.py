"""Data drift: a version's training statistics (the reference) against current data."""

from skyulf_core.drift.stats import (
    ColumnDrift,
    ColumnReference,
    DriftResult,
    DriftThresholds,
    ReferenceStats,
    Severity,
    compare,
    reference_statistics,
)

__all__ = [
    "ColumnDrift",
    "ColumnReference",
    "DriftResult",
    "DriftThresholds",
    "ReferenceStats",
    "Severity",
    "compare",
    "reference_statistics",
]
