"""Data-quality alerts derived from column profiles."""

from __future__ import annotations

from skyulf_core.profiling.schema import ColumnProfile, Correlations, DataAlert, Severity

MISSING_INFO = 0.05
MISSING_WARNING = 0.2
MISSING_CRITICAL = 0.5
HIGH_CARDINALITY = 50
SKEW_INFO = 1.0
SKEW_WARNING = 2.0
ZEROS_SHARE = 0.1
IMBALANCE_SHARE = 0.9
UNIFORM_RATIO = 1.1
HIGH_CORRELATION = 0.9


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


def _more_column_alerts(col: ColumnProfile, n_rows: int) -> list[DataAlert]:
    """ydata-profiling's remaining column alerts, plus likely personal data."""
    out: list[DataAlert] = []

    def add(kind: str, severity: Severity, message: str, statistic: float) -> None:
        out.append(
            DataAlert(
                kind=kind, column=col.name, severity=severity, message=message, statistic=statistic
            )
        )

    present = n_rows - col.missing_count
    if col.kind == "numeric" and present and col.zeros_count / present > ZEROS_SHARE:
        share = col.zeros_count / present
        add("zeros", "info", f"'{col.name}' is zero in {share:.0%} of rows", share)
    if col.infinite_count:
        add(
            "infinite",
            "warning",
            f"'{col.name}' holds {col.infinite_count} infinite values",
            col.infinite_count,
        )
    if col.kind == "datetime" and col.dtype == "String":
        add("date_as_text", "info", f"'{col.name}' holds dates stored as text; parse them", 1.0)
    if col.kind == "categorical" and col.top_values and present and col.unique_count > 1:
        share = col.top_values[0].count / present
        if share > IMBALANCE_SHARE:
            add(
                "imbalance",
                "warning",
                f"'{col.name}' is imbalanced: {col.top_values[0].value!r} is {share:.0%} of rows",
                share,
            )
    if col.kind == "categorical" and col.top_values and col.unique_count > 2:
        counts = [v.count for v in col.top_values]
        if len(counts) == col.unique_count and max(counts) <= UNIFORM_RATIO * min(counts):
            add(
                "uniform",
                "info",
                f"'{col.name}' is uniformly distributed",
                max(counts) / min(counts),
            )
    if col.kind == "numeric" and n_rows >= 10 and col.unique_count == present and present > 0:
        add("unique", "info", f"'{col.name}' has a distinct value in every row", 1.0)
    if col.personal_data is not None:
        add(
            "personal_data",
            "critical",
            f"'{col.name}' looks like {col.personal_data} addresses or numbers (personal data)",
            1.0,
        )
    return out


def _correlation_alerts(found: Correlations | None) -> list[DataAlert]:
    out: list[DataAlert] = []
    if found is None:
        return out
    for matrix, what in ((found.pearson, "Pearson"), (found.cramers_v, "Cramér's V")):
        if matrix is None:
            continue
        for i, a in enumerate(matrix.columns):
            for j in range(i + 1, len(matrix.columns)):
                value = matrix.values[i][j]
                if value is not None and abs(value) >= HIGH_CORRELATION:
                    b = matrix.columns[j]
                    out.append(
                        DataAlert(
                            kind="high_correlation",
                            column=a,
                            severity="warning",
                            message=f"'{a}' and '{b}' are highly correlated ({what} {value:.2f})",
                            statistic=value,
                        )
                    )
    return out


def build_alerts(
    columns: list[ColumnProfile],
    n_rows: int,
    duplicate_rows: int,
    found: Correlations | None = None,
) -> list[DataAlert]:
    if n_rows == 0:
        return [DataAlert(kind="empty", column=None, severity="critical", message="no rows")]
    alerts = [a for col in columns for a in _column_alerts(col, n_rows)]
    alerts += [a for col in columns for a in _more_column_alerts(col, n_rows)]
    alerts += _correlation_alerts(found)
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
