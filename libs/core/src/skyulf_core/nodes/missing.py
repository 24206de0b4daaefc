"""Missing values: SimpleImputer (fit) and MissingIndicator (stateless).

±inf in a numeric column counts as missing: statistics ignore it and the imputer replaces it,
because no model downstream can use an infinite value either.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from skyulf_core.nodes._value_arrays import missing_mask
from skyulf_core.nodes.base import (
    Columns,
    ColumnSet,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    same_columns,
)
from skyulf_core.nodes.columns import (
    ColumnKind,
    finite_values,
    is_numeric,
    json_scalar,
    observed_finite,
    resolve_columns,
)
from skyulf_errors import NodeError

Scalar = str | int | float | bool

# --------------------------------------------------------------------------- SimpleImputer


class SimpleImputerParams(ColumnsParams):
    strategy: Literal["mean", "median", "most_frequent", "constant"] = "mean"
    fill_value: Scalar | None = None


class SimpleImputerRecord(FittedRecord):
    node_type: str = "SimpleImputer"
    strategy: str
    fill_values: dict[str, Scalar]


def _most_frequent(series: pd.Series) -> object | None:
    values = series.dropna()
    if is_numeric(series):
        values = pd.Series(observed_finite(values))
    if values.empty:
        return None
    counts = values.value_counts()
    tied = counts.index[counts.to_numpy() == counts.iloc[0]]
    # scikit-learn breaks ties by taking the smallest value; do the same for equal results.
    try:
        return min(tied)
    except TypeError:
        return min(tied, key=str)


def _constant_for(series: pd.Series, fill: Scalar | None, ctx: NodeContext, col: str) -> Scalar:
    if is_numeric(series):
        if fill is None:
            return 0.0
        if isinstance(fill, bool) or not isinstance(fill, int | float):
            raise NodeError(
                f"node '{ctx.node_id}' (SimpleImputer): fill_value {fill!r} is not a number but "
                f"column '{col}' is numeric",
                node_id=ctx.node_id,
                node_type="SimpleImputer",
                column=col,
                field="fill_value",
            )
        return fill
    return "missing_value" if fill is None else str(fill)


def _fit_imputer(
    X: pd.DataFrame, y: pd.Series | None, params: SimpleImputerParams, ctx: NodeContext
) -> SimpleImputerRecord:
    numeric_only = params.strategy in ("mean", "median")
    kind: ColumnKind = "numeric" if numeric_only else "any"
    columns = resolve_columns(X, params.columns, ctx, "SimpleImputer", kind)
    fills: dict[str, Scalar] = {}
    for col in columns:
        series = X[col]
        value: object | None
        if params.strategy == "constant":
            value = _constant_for(series, params.fill_value, ctx, col)
        elif params.strategy == "most_frequent":
            value = _most_frequent(series)
        else:
            finite = finite_values(series)
            has_values = bool((~np.isnan(finite)).any())
            reduce = np.nanmean if params.strategy == "mean" else np.nanmedian
            value = float(reduce(finite)) if has_values else None
        if value is None:
            raise NodeError(
                f"node '{ctx.node_id}' (SimpleImputer): column '{col}' has no values to compute "
                f"the {params.strategy} from; drop it first (DropMissingColumns) or use "
                "strategy 'constant'",
                node_id=ctx.node_id,
                node_type="SimpleImputer",
                column=col,
            )
        fills[col] = json_scalar(value)
    return SimpleImputerRecord(
        node_id=ctx.node_id, columns=columns, strategy=params.strategy, fill_values=fills
    )


def _apply_imputer(
    X: pd.DataFrame, y: pd.Series | None, record: SimpleImputerRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    if not record.fill_values:
        return X, y
    floats = [c for c in record.fill_values if pd.api.types.is_float_dtype(X[c].dtype)]
    out = X.copy(deep=False)
    if floats:
        block = out[floats].to_numpy(dtype="float64", na_value=np.nan)
        if np.isinf(block).any():
            out[floats] = np.where(np.isinf(block), np.nan, block)
    return out.fillna(record.fill_values), y


def _impute_arrays(cols: Columns, record: SimpleImputerRecord) -> Columns:
    """The applier on plain arrays: NaN/±inf in float columns and None/NaN in text are filled."""
    out = dict(cols)
    for col, fill in record.fill_values.items():
        values = cols[col]
        kind = values.dtype.kind
        if kind not in "fO":  # integers and booleans cannot hold a missing value
            continue
        missing = missing_mask(values)
        if not missing.any():
            continue
        if kind == "f" and isinstance(fill, int | float) and not isinstance(fill, bool):
            out[col] = np.where(missing, float(fill), values)
        else:  # pandas upcasts a float column to object for a text fill value
            filled = values.astype(object)
            filled[missing] = fill
            out[col] = filled
    return out


SIMPLE_IMPUTER: NodeDefinition[SimpleImputerParams, SimpleImputerRecord] = NodeDefinition(
    id="SimpleImputer",
    group="missing",
    description="Fills missing values with the column mean, median, most frequent value or a "
    "constant learned on the train split.",
    params_model=SimpleImputerParams,
    record_model=SimpleImputerRecord,
    learns=True,
    train_only=False,
    calculator=_fit_imputer,
    applier=_apply_imputer,
    column_flow=same_columns,
    array_applier=_impute_arrays,
)

# --------------------------------------------------------------------------- MissingIndicator


class MissingIndicatorParams(ColumnsParams):
    flag_suffix: str = "_was_missing"


class MissingIndicatorRecord(FittedRecord):
    node_type: str = "MissingIndicator"
    flag_suffix: str

    def created_columns(self) -> list[str]:
        return [c + self.flag_suffix for c in self.columns]


def _fit_indicator(
    X: pd.DataFrame, y: pd.Series | None, params: MissingIndicatorParams, ctx: NodeContext
) -> MissingIndicatorRecord:
    columns = resolve_columns(X, params.columns, ctx, "MissingIndicator")
    if params.columns is None:
        # Only columns that can be missing get a flag: a constant-zero flag is noise.
        columns = [c for c in columns if bool(_missing_mask(X[c]).any())]
    if not params.flag_suffix:
        raise NodeError(
            f"node '{ctx.node_id}' (MissingIndicator): flag_suffix must not be empty",
            node_id=ctx.node_id,
            node_type="MissingIndicator",
            field="flag_suffix",
        )
    for col in columns:
        if col + params.flag_suffix in X.columns:
            raise NodeError(
                f"node '{ctx.node_id}' (MissingIndicator): output column "
                f"'{col + params.flag_suffix}' already exists",
                node_id=ctx.node_id,
                node_type="MissingIndicator",
                column=col + params.flag_suffix,
            )
    return MissingIndicatorRecord(
        node_id=ctx.node_id, columns=columns, flag_suffix=params.flag_suffix
    )


def _missing_mask(series: pd.Series) -> np.ndarray:
    mask = series.isna().to_numpy()
    if pd.api.types.is_float_dtype(series.dtype):
        mask = mask | np.isinf(series.to_numpy(dtype="float64", na_value=np.nan))
    return mask


def _apply_indicator(
    X: pd.DataFrame, y: pd.Series | None, record: MissingIndicatorRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    flags = {c + record.flag_suffix: _missing_mask(X[c]).astype("int8") for c in record.columns}
    return X.assign(**flags), y


def _indicator_arrays(cols: Columns, record: MissingIndicatorRecord) -> Columns:
    out = dict(cols)
    for col in record.columns:
        out[col + record.flag_suffix] = missing_mask(cols[col]).astype("int8")
    return out


def _indicator_flow(columns: ColumnSet, params: MissingIndicatorParams) -> ColumnSet:
    if params.columns is None:
        return ColumnSet(columns.names, open=True, removed=columns.removed)
    added = tuple(c + params.flag_suffix for c in params.columns)
    return ColumnSet(columns.names + added, columns.open, columns.removed - set(added))


MISSING_INDICATOR: NodeDefinition[MissingIndicatorParams, MissingIndicatorRecord] = NodeDefinition(
    id="MissingIndicator",
    group="missing",
    description="Adds a 0/1 column per column flagging rows where the value was missing.",
    params_model=MissingIndicatorParams,
    record_model=MissingIndicatorRecord,
    learns=False,
    train_only=False,
    calculator=_fit_indicator,
    applier=_apply_indicator,
    column_flow=_indicator_flow,
    array_applier=_indicator_arrays,
)

NODES: list[NodeDefinition] = [SIMPLE_IMPUTER, MISSING_INDICATOR]
