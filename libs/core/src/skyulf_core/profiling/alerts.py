"""Data-quality alerts derived from column profiles."""

from __future__ import annotations

from skyulf_core.profiling.schema import ColumnProfile, DataAlert, Severity

MISSING_INFO = 0.05
MISSING_WARNING = 0.2
MISSING_CRITICAL = 0.5
HIGH_CARDINALITY = 50
SKEW_INFO = 1.0
SKEW_WARNING = 2.0


def _missing(col: ColumnProfile) -> DataAlert | None:
    ratio = col.missing_ratio
    if ratio < MISSING_INFO:
        return None
    severity: Severity = (
        "critical"
        if ratio > MISSING_CRITICAL
        else "warning"
        if ratio >= MISSING_WARNING
        else "info"
    )
    return DataAlert(
        kind="high_missing",
        column=col.name,
        severity=severity,
        message=f"'{col.name}' is missing in {ratio:.0%} of rows",
    )


def _column_alerts(col: ColumnProfile, n_rows: int) -> list[DataAlert]:
    alerts: list[DataAlert] = []
    missing = _missing(col)
    if missing is not None:
        alerts.append(missing)
    if n_rows > 0 and col.unique_count <= 1:
        what = "has no values" if col.unique_count == 0 else "holds a single value"
        alerts.append(
            DataAlert(
                kind="constant",
                column=col.name,
                severity="warning",
                message=f"'{col.name}' {what}; it cannot help a model",
            )
        )
        return alerts
    if col.kind == "id":
        alerts.append(
            DataAlert(
                kind="id_column",
                column=col.name,
                severity="warning",
                message=f"'{col.name}' looks like an identifier (every value distinct); drop it "
                "before training",
            )
        )
    elif col.kind == "categorical" and col.unique_count > HIGH_CARDINALITY:
        alerts.append(
            DataAlert(
                kind="high_cardinality",
                column=col.name,
                severity="warning",
                message=f"'{col.name}' has {col.unique_count} distinct values; one-hot encoding "
                "would create that many columns",
            )
        )
    if col.kind == "numeric" and col.skew is not None and abs(col.skew) > SKEW_INFO:
        alerts.append(
            DataAlert(
                kind="skewed",
                column=col.name,
                severity="warning" if abs(col.skew) > SKEW_WARNING else "info",
                message=f"'{col.name}' is skewed (skewness {col.skew:.2f}); prefer the median or "
                "a log transform",
            )
        )
    return alerts


def build_alerts(columns: list[ColumnProfile], n_rows: int, duplicate_rows: int) -> list[DataAlert]:
    alerts = [a for col in columns for a in _column_alerts(col, n_rows)]
    if duplicate_rows:
        alerts.append(
            DataAlert(
                kind="duplicate_rows",
                column=None,
                severity="warning",
                message=f"{duplicate_rows} rows are exact duplicates of another row",
            )
        )
    return alerts
