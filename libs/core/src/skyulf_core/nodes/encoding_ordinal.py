"""Encoding nodes (fit): LabelEncoder and OrdinalEncoder (one integer code per category).

LabelEncoder equals ``sklearn.preprocessing.LabelEncoder`` on the values it saw: codes
0..k-1 in sorted order, int64. Missing and unseen values get ``missing_code`` (negative, so it can
never be mistaken for a real code). With ``columns`` empty, or only the target, it encodes the
*target*: the record keeps the classes and :meth:`LabelEncoderRecord.decode_target` maps the
model's predictions back (the bundle and the executor call it). That mode is the one learning
node allowed before the TrainTestSplitter (it learns only the label set, which leaks nothing).

OrdinalEncoder equals ``sklearn.preprocessing.OrdinalEncoder``: float64 codes, categories sorted
unless ``categories_order`` gives a column's order, missing values stay NaN, unseen values become
``unknown_value`` (``None`` = NaN) or, with ``handle_unknown='error'``, an error naming the column.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field

from skyulf_core.errors import NodeError
from skyulf_core.nodes._categories import (
    MISSING,
    Category,
    array_codes,
    observed_categories,
    resolve_categorical,
    series_codes,
)
from skyulf_core.nodes.base import (
    Columns,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    same_columns,
)
from skyulf_core.nodes.columns import resolve_columns

LABEL = "LabelEncoder"
ORDINAL = "OrdinalEncoder"

# ----------------------------------------------------------------------------- LabelEncoder


class LabelEncoderParams(ColumnsParams):
    missing_code: int = Field(-1, ge=-(2**63), lt=0, description="a negative int64 code")


class LabelEncoderRecord(FittedRecord):
    node_type: str = LABEL
    encodes_target: bool
    # Target mode: the sorted target classes; feature mode: sorted categories per column.
    target_classes: list[Category] = []
    classes: dict[str, list[Category]] = {}
    missing_code: int

    def decode_target(self, codes: np.ndarray) -> np.ndarray:
        """Target codes back to the labels this node saw; other values (missing_code) pass."""
        values = np.asarray(codes)
        if not self.encodes_target:
            return values
        decoded: list[object] = [
            self.target_classes[int(v)]
            if isinstance(v, int | float) and 0 <= v < len(self.target_classes)
            else v
            for v in values.tolist()
        ]
        # One Python type -> a typed array (int codes stay int64 for the metrics).
        if len({type(v) for v in decoded}) == 1:
            return np.asarray(decoded)
        return np.asarray(decoded, dtype=object)


def encodes_target_only(params: LabelEncoderParams, target: str | None) -> bool:
    """True when the LabelEncoder's columns select the target alone (empty, or [target])."""
    return not params.columns or (target is not None and params.columns == [target])


def _fit_label(
    X: pd.DataFrame, y: pd.Series | None, params: LabelEncoderParams, ctx: NodeContext
) -> LabelEncoderRecord:
    if encodes_target_only(params, ctx.target):
        if y is None:
            raise NodeError(
                f"node '{ctx.node_id}' ({LABEL}): with no columns it encodes the target, but "
                "there is none; set target_column on the TrainTestSplitter or list columns",
                node_id=ctx.node_id,
                node_type=LABEL,
                field="columns",
            )
        classes = observed_categories(y)
        return LabelEncoderRecord(
            node_id=ctx.node_id,
            encodes_target=True,
            target_classes=classes,
            missing_code=params.missing_code,
        )
    columns = resolve_columns(X, params.columns, ctx, LABEL)
    return LabelEncoderRecord(
        node_id=ctx.node_id,
        columns=columns,
        encodes_target=False,
        classes={c: observed_categories(X[c]) for c in columns},
        missing_code=params.missing_code,
    )


def _label_codes(codes: np.ndarray, missing_code: int) -> np.ndarray:
    return np.where(codes < 0, missing_code, codes).astype(np.int64)


def _apply_label(
    X: pd.DataFrame, y: pd.Series | None, record: LabelEncoderRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    if record.encodes_target:
        if y is None:
            return X, None
        codes = _label_codes(series_codes(y, record.target_classes), record.missing_code)
        return X, pd.Series(codes, index=y.index, name=y.name)
    encoded = {
        col: _label_codes(series_codes(X[col], cats), record.missing_code)
        for col, cats in record.classes.items()
    }
    return (X.assign(**encoded) if encoded else X), y


def _label_arrays(cols: Columns, record: LabelEncoderRecord) -> Columns:
    out = dict(cols)
    for col, cats in record.classes.items():
        out[col] = _label_codes(array_codes(cols[col], cats), record.missing_code)
    return out


LABEL_ENCODER: NodeDefinition[LabelEncoderParams, LabelEncoderRecord] = NodeDefinition(
    id=LABEL,
    group="encoding",
    description="Maps each category (or, with no columns, each target class) to an integer "
    "code in sorted order.",
    params_model=LabelEncoderParams,
    record_model=LabelEncoderRecord,
    learns=True,
    train_only=False,
    calculator=_fit_label,
    applier=_apply_label,
    column_flow=same_columns,
    array_applier=_label_arrays,
)

# --------------------------------------------------------------------------- OrdinalEncoder


class OrdinalEncoderParams(ColumnsParams):
    categories_order: dict[str, list[Category]] | None = None
    handle_unknown: Literal["use_encoded_value", "error"] = "use_encoded_value"
    unknown_value: int | float | None = -1


class OrdinalEncoderRecord(FittedRecord):
    node_type: str = ORDINAL
    categories: dict[str, list[Category]]
    handle_unknown: Literal["use_encoded_value", "error"]
    unknown_value: float | None


def _ordinal_error(ctx: NodeContext, message: str, column: str, field: str) -> NodeError:
    return NodeError(
        f"node '{ctx.node_id}' ({ORDINAL}): {message}",
        node_id=ctx.node_id,
        node_type=ORDINAL,
        column=column,
        field=field,
    )


def _given_order(series: pd.Series, col: str, order: list[Category], ctx: NodeContext) -> None:
    if len(set(order)) != len(order):
        raise _ordinal_error(
            ctx, f"categories_order of '{col}' repeats a value", col, "categories_order"
        )
    seen = observed_categories(series)
    extra = [v for v in seen if not any(v == o for o in order)]
    if extra:
        raise _ordinal_error(
            ctx,
            f"column '{col}' has values missing from categories_order: {extra[:5]}",
            col,
            "categories_order",
        )


def _fit_ordinal(
    X: pd.DataFrame, y: pd.Series | None, params: OrdinalEncoderParams, ctx: NodeContext
) -> OrdinalEncoderRecord:
    order = params.categories_order or {}
    columns = resolve_categorical(X, params.columns, ctx, ORDINAL)
    if params.columns is None:
        # An explicit order names the column to encode even when it is numeric.
        listed = resolve_columns(X, list(order), ctx, ORDINAL)
        columns += [c for c in listed if c not in columns]
    categories: dict[str, list[Category]] = {}
    for col in columns:
        if col in order:
            _given_order(X[col], col, order[col], ctx)
            categories[col] = list(order[col])
        else:
            categories[col] = observed_categories(X[col])
    stray = [c for c in order if c not in categories]
    if stray:
        raise _ordinal_error(
            ctx,
            f"categories_order names '{stray[0]}', which is not encoded",
            stray[0],
            "categories_order",
        )
    unknown = params.unknown_value
    if params.handle_unknown == "use_encoded_value" and unknown is not None:
        for col, cats in categories.items():
            if float(unknown).is_integer() and 0 <= unknown < len(cats):
                raise _ordinal_error(
                    ctx,
                    f"unknown_value {unknown} is already the code of a category of '{col}'; "
                    "use a negative value or null",
                    col,
                    "unknown_value",
                )
    return OrdinalEncoderRecord(
        node_id=ctx.node_id,
        columns=columns,
        categories=categories,
        handle_unknown=params.handle_unknown,
        unknown_value=None if unknown is None else float(unknown),
    )


def _ordinal_values(codes: np.ndarray, col: str, record: OrdinalEncoderRecord) -> np.ndarray:
    unknown = codes == -1
    if record.handle_unknown == "error" and unknown.any():
        raise NodeError(
            f"node '{record.node_id}' ({ORDINAL}): column '{col}' has categories not seen in "
            "training",
            node_id=record.node_id,
            node_type=ORDINAL,
            column=col,
        )
    fill = np.nan if record.unknown_value is None else record.unknown_value
    out = codes.astype("float64")
    out[unknown] = fill
    out[codes == MISSING] = np.nan
    return out


def _apply_ordinal(
    X: pd.DataFrame, y: pd.Series | None, record: OrdinalEncoderRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    encoded = {
        col: _ordinal_values(series_codes(X[col], cats), col, record)
        for col, cats in record.categories.items()
    }
    return (X.assign(**encoded) if encoded else X), y


def _ordinal_arrays(cols: Columns, record: OrdinalEncoderRecord) -> Columns:
    out = dict(cols)
    for col, cats in record.categories.items():
        out[col] = _ordinal_values(array_codes(cols[col], cats), col, record)
    return out


ORDINAL_ENCODER: NodeDefinition[OrdinalEncoderParams, OrdinalEncoderRecord] = NodeDefinition(
    id=ORDINAL,
    group="encoding",
    description="Maps each category to its position in a sorted or user-given order.",
    params_model=OrdinalEncoderParams,
    record_model=OrdinalEncoderRecord,
    learns=True,
    train_only=False,
    calculator=_fit_ordinal,
    applier=_apply_ordinal,
    column_flow=same_columns,
    array_applier=_ordinal_arrays,
)

NODES: list[NodeDefinition] = [LABEL_ENCODER, ORDINAL_ENCODER]
