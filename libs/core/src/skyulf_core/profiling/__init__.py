"""Dataset profiling with Polars: column statistics, kinds and data-quality alerts."""

from skyulf_core.profiling.profile import profile_frame, profile_parquet
from skyulf_core.profiling.schema import (
    ColumnProfile,
    DataAlert,
    DatasetProfile,
    ValueCount,
)

__all__ = [
    "ColumnProfile",
    "DataAlert",
    "DatasetProfile",
    "ValueCount",
    "profile_frame",
    "profile_parquet",
]
