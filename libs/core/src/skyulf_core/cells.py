"""One table cell as JSON, wherever rows are shown (a node's preview, a dataset's rows).

Light on purpose: it imports neither pandas nor an estimator library, so a process that only
pages through Parquet (ingestion) never loads them. Cells from pandas are recognised when
pandas is loaded, which it is wherever such cells exist.
"""

from __future__ import annotations

import math
import sys
from datetime import date, datetime
from typing import Any

import numpy as np


def json_value(value: Any) -> Any:
    """A cell as JSON: NaN/NaT/NA/None -> None, ±inf -> "inf"/"-inf", dates as ISO text."""
    if isinstance(value, np.generic):
        value = value.item()  # NaT becomes None
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, datetime | date):  # pandas' Timestamp and NaT are datetimes
        return None if value != value else value.isoformat()
    if isinstance(value, bool | int | str):
        return value
    pandas = sys.modules.get("pandas")
    if pandas is not None:
        try:
            if pandas.isna(value):
                return None
        except (TypeError, ValueError):
            pass
    return str(value)
