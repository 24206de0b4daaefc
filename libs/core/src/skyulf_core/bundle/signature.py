"""A deployed pipeline's signature, and the input check that enforces it.

Inputs are matched by column name: a missing column is an error naming it, extra columns are
ignored, and each value is cast to its training kind; a value that cannot be cast ("abc" for a
number) is an error naming the column.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from pydantic import BaseModel

from skyulf_errors import InvalidArgument

ColumnKind = Literal["integer", "float", "boolean", "string", "datetime"]

_BOOL_WORDS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


class InputColumn(BaseModel):
    name: str
    kind: ColumnKind
    dtype: str


class OutputSpec(BaseModel):
    name: str
    task: str
    classes: list[str | int | float | bool] | None = None
    probabilities: bool = False


class Signature(BaseModel):
    inputs: list[InputColumn]
    output: OutputSpec

    @property
    def input_names(self) -> list[str]:
        return [c.name for c in self.inputs]


def column_kind(series: pd.Series) -> ColumnKind:
    dtype = series.dtype
    if ptypes.is_bool_dtype(dtype):
        return "boolean"
    if ptypes.is_integer_dtype(dtype):
        return "integer"
    if ptypes.is_float_dtype(dtype):
        return "float"
    if ptypes.is_datetime64_any_dtype(dtype):
        return "datetime"
    return "string"


def describe_inputs(df: pd.DataFrame, names: list[str]) -> list[InputColumn]:
    return [InputColumn(name=n, kind=column_kind(df[n]), dtype=str(df[n].dtype)) for n in names]


def _cast_error(column: str, kind: str, bad: pd.Series) -> InvalidArgument:
    sample = [str(v) for v in bad.unique()[:3]]
    return InvalidArgument(
        f"column '{column}' expects {kind} values; cannot cast {sample}",
        details={"column": column, "expected": kind},
    )


def _cast(series: pd.Series, spec: InputColumn) -> pd.Series:
    kind = spec.kind
    if kind in ("integer", "float"):
        if ptypes.is_bool_dtype(series.dtype):
            raise _cast_error(spec.name, kind, series)
        converted = pd.to_numeric(series, errors="coerce")
        failed = converted.isna() & series.notna()
        if failed.any():
            raise _cast_error(spec.name, kind, series[failed])
        converted = converted.astype("float64")
        if kind == "integer" and not converted.isna().any():
            whole = converted.to_numpy()
            if np.all(np.isfinite(whole)) and np.all(whole == np.round(whole)):
                return converted.astype("int64")
        return converted
    if kind == "boolean":
        if ptypes.is_bool_dtype(series.dtype):
            return series
        mapped = series.map(
            lambda v: v if isinstance(v, bool | np.bool_) else _BOOL_WORDS.get(str(v).lower())
        )
        failed = mapped.isna() & series.notna()
        if failed.any():
            raise _cast_error(spec.name, kind, series[failed])
        return mapped.astype("boolean") if mapped.isna().any() else mapped.astype(bool)
    if kind == "datetime":
        converted = pd.to_datetime(series, errors="coerce")
        failed = converted.isna() & series.notna()
        if failed.any():
            raise _cast_error(spec.name, kind, series[failed])
        return converted
    if ptypes.is_string_dtype(series.dtype) and not ptypes.is_object_dtype(series.dtype):
        return series
    return series.astype("str").where(series.notna())


def check_columns(present: Collection[object], signature: Signature) -> None:
    """Every input column of the signature must be present; the error names the missing ones."""
    missing = [c for c in signature.input_names if c not in present]
    if missing:
        raise InvalidArgument(
            f"missing input column(s): {', '.join(missing)}",
            details={"column": missing[0], "columns": missing},
        )


def conform(df: pd.DataFrame, signature: Signature) -> pd.DataFrame:
    """The signature's columns of ``df``, cast to their training kinds; extra columns dropped."""
    if not isinstance(df, pd.DataFrame):
        raise InvalidArgument(
            "prediction input must be a table of named columns", details={"field": "inputs"}
        )
    check_columns(df.columns, signature)
    cast: dict[str, Any] = {spec.name: _cast(df[spec.name], spec) for spec in signature.inputs}
    return pd.DataFrame(cast, index=df.index)
