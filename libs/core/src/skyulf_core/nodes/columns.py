"""Column selection and dtype helpers shared by the node groups."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from skyulf_core.nodes.base import NodeContext
from skyulf_errors import NodeError

ColumnKind = Literal["any", "numeric", "categorical"]


def is_numeric(series: pd.Series) -> bool:
    """Numbers a statistic can be computed on; booleans are flags, not quantities."""
    return ptypes.is_numeric_dtype(series.dtype) and not ptypes.is_bool_dtype(series.dtype)


def is_categorical(series: pd.Series) -> bool:
    """Text-like or categorical values an encoder can expand."""
    dtype = series.dtype
    return (
        ptypes.is_string_dtype(dtype)
        or ptypes.is_object_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )


_KIND_CHECK = {"numeric": is_numeric, "categorical": is_categorical}


def resolve_columns(
    X: pd.DataFrame,
    columns: list[str] | None,
    ctx: NodeContext,
    node_type: str,
    kind: ColumnKind = "any",
) -> list[str]:
    """Turn a ``columns`` parameter into the concrete column list a node acts on.

    Explicit columns must exist, must not be the target and must be of ``kind``; ``None`` means
    every column of ``kind`` except the target.
    """
    check = _KIND_CHECK.get(kind)
    if columns is None:
        return [str(c) for c in X.columns if c != ctx.target and (check is None or check(X[c]))]
    for col in columns:
        if col == ctx.target:
            raise NodeError(
                f"node '{ctx.node_id}' ({node_type}): column '{col}' is the target and cannot "
                "be transformed as a feature",
                node_id=ctx.node_id,
                node_type=node_type,
                column=col,
            )
        if col not in X.columns:
            raise NodeError(
                f"node '{ctx.node_id}' ({node_type}): column '{col}' is not in the input",
                node_id=ctx.node_id,
                node_type=node_type,
                column=col,
            )
        if check is not None and not check(X[col]):
            raise NodeError(
                f"node '{ctx.node_id}' ({node_type}): column '{col}' is {X[col].dtype}, "
                f"expected a {kind} column",
                node_id=ctx.node_id,
                node_type=node_type,
                column=col,
            )
    return list(dict.fromkeys(columns))


def finite_values(series: pd.Series) -> np.ndarray:
    """Float values with ±inf turned into NaN, so statistics ignore them like missing values."""
    values = np.asarray(series.to_numpy(dtype="float64", na_value=np.nan), dtype="float64")
    return np.where(np.isfinite(values), values, np.nan)


def observed_finite(series: pd.Series) -> np.ndarray:
    """The finite values a statistic is learned from: missing values and ±inf dropped."""
    values = finite_values(series)
    return values[~np.isnan(values)]


def finite_columns(
    X: pd.DataFrame, columns: list[str] | None, ctx: NodeContext, node_type: str
) -> tuple[list[str], list[np.ndarray]]:
    """The numeric columns a scaler fits on, with their finite values; a column without any
    finite value is an error naming it."""
    resolved = resolve_columns(X, columns, ctx, node_type, "numeric")
    values: list[np.ndarray] = []
    for col in resolved:
        finite = observed_finite(X[col])
        if finite.size == 0:
            raise NodeError(
                f"node '{ctx.node_id}' ({node_type}): column '{col}' has no finite values to "
                "scale; impute or drop it first",
                node_id=ctx.node_id,
                node_type=node_type,
                column=col,
            )
        values.append(finite)
    return resolved, values


def numeric_frame(
    X: pd.DataFrame, columns: list[str], ctx: NodeContext, node_type: str
) -> np.ndarray:
    """A float matrix of ``columns``; text that is not a number is an error naming its column."""
    out = np.empty((len(X), len(columns)), dtype="float64")
    for i, col in enumerate(columns):
        series = X[col]
        if not ptypes.is_numeric_dtype(series.dtype):
            converted = pd.to_numeric(series, errors="coerce")
            if bool((converted.isna() & series.notna()).any()):
                raise NodeError(
                    f"node '{ctx.node_id}' ({node_type}): column '{col}' has non-numeric values",
                    node_id=ctx.node_id,
                    node_type=node_type,
                    column=col,
                )
            series = converted
        out[:, i] = series.to_numpy(dtype="float64", na_value=np.nan)
    return out


def json_scalar(value: object) -> str | int | float | bool:
    """A numpy/pandas scalar as a plain JSON value, so records serialise losslessly."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)
