"""Calendar parts of dates on plain numpy arrays, shared by DateFeatures and FeatureGeneration.

Both the pandas appliers and the array fast paths call these functions on the same column
arrays, so the two paths agree by construction.

Parsing rule (one rule, so a pipeline gives the same features wherever it runs):

- ``datetime64`` arrays are used as they are;
- ``datetime``/``Timestamp`` objects are used as they are; timezone-aware ones are converted to
  UTC first (naive values are taken as already in UTC);
- strings are parsed as ISO 8601 (``2021-08-10``, ``2021-08-10 13:45``, ``2021-08-10T13:45:30.5``;
  a trailing ``Z`` or offset is accepted); anything else, numbers included, is NaT.

Parts of a NaT are NaN (numeric parts) or ``None`` (name parts).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable

import numpy as np

_NS_PER_HOUR = 3_600_000_000_000
_NS_PER_MINUTE = 60_000_000_000
_NS_PER_SECOND = 1_000_000_000

MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Meteorological seasons of the northern hemisphere, by month 1..12.
SEASONS = ["Winter"] * 2 + ["Spring"] * 3 + ["Summer"] * 3 + ["Autumn"] * 3 + ["Winter"]


def _parse_text(text: str) -> np.datetime64:
    try:
        return np.datetime64(text.strip(), "ns")
    except ValueError:
        return np.datetime64("NaT", "ns")


def _parse_object(value: object) -> np.datetime64:
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[ns]")
    if isinstance(value, dt.datetime):
        to64 = getattr(value, "to_datetime64", None)  # pandas Timestamp: keeps nanoseconds
        if to64 is not None:
            return np.datetime64(to64(), "ns")
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return np.datetime64(value, "ns")
    if isinstance(value, dt.date):
        return np.datetime64(value, "ns")
    return np.datetime64("NaT", "ns")


def to_datetime64(values: np.ndarray) -> np.ndarray:
    """``values`` as ``datetime64[ns]``, NaT where a value is missing or not a date."""
    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[ns]")
    out = np.full(arr.shape, np.datetime64("NaT", "ns"))
    if arr.dtype.kind in "biufc" or arr.size == 0:
        return out
    items = arr.ravel().tolist()
    texts = [i for i, v in enumerate(items) if isinstance(v, str) and v.strip()]
    flat = out.ravel()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy warns when it drops a UTC offset
        if texts:
            try:
                # Clean ISO text converts in one call; any odd value falls back to one by one.
                flat[texts] = np.char.strip(np.array([items[i] for i in texts])).astype(
                    "datetime64[ns]"
                )
            except ValueError:
                flat[texts] = [_parse_text(items[i]) for i in texts]
        for i, value in enumerate(items):
            if not isinstance(value, str):
                flat[i] = _parse_object(value)
    return flat.reshape(arr.shape)


def _as_float(values: np.ndarray, nat: np.ndarray) -> np.ndarray:
    out = values.astype("float64")
    out[nat] = np.nan
    return out


class Parts:
    """Calendar parts of one ``datetime64[ns]`` array, computed lazily and cached."""

    def __init__(self, stamps: np.ndarray) -> None:
        self.nat = np.isnat(stamps)
        # NaT is replaced by the epoch so integer arithmetic stays defined; masked at the end.
        self.t = np.where(self.nat, np.datetime64(0, "ns"), stamps)
        self.days = self.t.astype("datetime64[D]")
        self.months = self.t.astype("datetime64[M]")
        self.years = self.t.astype("datetime64[Y]")

    def year(self) -> np.ndarray:
        return self.years.astype("int64") + 1970

    def month(self) -> np.ndarray:
        return self.months.astype("int64") % 12 + 1

    def day(self) -> np.ndarray:
        return (self.days - self.months.astype("datetime64[D]")).astype("int64") + 1

    def dayofweek(self) -> np.ndarray:
        # 1970-01-01 was a Thursday (Monday = 0).
        return (self.days.astype("int64") + 3) % 7

    def dayofyear(self) -> np.ndarray:
        return (self.days - self.years.astype("datetime64[D]")).astype("int64") + 1

    def quarter(self) -> np.ndarray:
        return (self.month() - 1) // 3 + 1

    def isoweek(self) -> np.ndarray:
        # ISO 8601: the week belongs to the year of its Thursday.
        thursday = self.days - self.dayofweek().astype("timedelta64[D]") + np.timedelta64(3, "D")
        jan1 = thursday.astype("datetime64[Y]").astype("datetime64[D]")
        return (thursday - jan1).astype("int64") // 7 + 1

    def _since_midnight(self) -> np.ndarray:
        return (self.t - self.days.astype("datetime64[ns]")).astype("int64")

    def hour(self) -> np.ndarray:
        return self._since_midnight() // _NS_PER_HOUR

    def minute(self) -> np.ndarray:
        return self._since_midnight() % _NS_PER_HOUR // _NS_PER_MINUTE

    def second(self) -> np.ndarray:
        return self._since_midnight() % _NS_PER_MINUTE // _NS_PER_SECOND

    def is_weekend(self) -> np.ndarray:
        return (self.dayofweek() >= 5).astype("int64")

    def is_month_start(self) -> np.ndarray:
        return (self.day() == 1).astype("int64")

    def is_month_end(self) -> np.ndarray:
        next_month = (self.months + np.timedelta64(1, "M")).astype("datetime64[D]")
        return ((next_month - self.days).astype("int64") == 1).astype("int64")

    def time_of_day(self) -> np.ndarray:
        hour = self.hour()
        labels = np.full(hour.shape, "Night", dtype=object)
        labels[(hour >= 5) & (hour <= 11)] = "Morning"
        labels[(hour >= 12) & (hour <= 16)] = "Afternoon"
        labels[(hour >= 17) & (hour <= 20)] = "Evening"
        return labels

    def numeric(self, name: str) -> np.ndarray:
        """A numeric part as float64 with NaN for NaT."""
        return _as_float(NUMERIC_PARTS[name](self), self.nat)

    def label(self, name: str) -> np.ndarray:
        """A name part (month name, day name, season, time of day) with None for NaT."""
        if name == "month_name":
            out = np.asarray(MONTH_NAMES, dtype=object)[self.month() - 1]
        elif name == "day_name":
            out = np.asarray(DAY_NAMES, dtype=object)[self.dayofweek()]
        elif name == "season":
            out = np.asarray(SEASONS, dtype=object)[self.month() - 1]
        else:
            out = self.time_of_day()
        out = out.astype(object)
        out[self.nat] = None
        return out


NUMERIC_PARTS: dict[str, Callable[[Parts], np.ndarray]] = {
    "year": Parts.year,
    "quarter": Parts.quarter,
    "month": Parts.month,
    "day": Parts.day,
    "dayofweek": Parts.dayofweek,
    "weekday": Parts.dayofweek,
    "dayofyear": Parts.dayofyear,
    "week": Parts.isoweek,
    "weekofyear": Parts.isoweek,
    "hour": Parts.hour,
    "minute": Parts.minute,
    "second": Parts.second,
    "is_weekend": Parts.is_weekend,
    "is_month_start": Parts.is_month_start,
    "is_month_end": Parts.is_month_end,
}
LABEL_PARTS = frozenset({"month_name", "day_name", "season", "time_of_day"})


def extract(stamps: np.ndarray, name: str) -> np.ndarray:
    """One named part of parsed dates (see :data:`NUMERIC_PARTS` and :data:`LABEL_PARTS`)."""
    parts = Parts(stamps)
    return parts.label(name) if name in LABEL_PARTS else parts.numeric(name)
