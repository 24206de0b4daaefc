"""Encoding nodes (fit): LabelEncoder and OrdinalEncoder (one integer code per category).

LabelEncoder equals ``sklearn.preprocessing.LabelEncoder`` on the values it saw: codes
0..k-1 in sorted order, int64. Missing and unseen values get ``missing_code`` (negative, so it can
never be mistaken for a real code). With ``columns`` empty, or only the target, it encodes the
*target*: the record keeps the classes and :meth:`LabelEncoderRecord.decode_target` maps the
model's predictions back (the bundle and the executor call it, see :mod:`skyulf_core.bundle.target`).

OrdinalEncoder equals ``sklearn.preprocessing.OrdinalEncoder``: float64 codes, categories sorted
unless ``categories_order`` gives a column's order, missing values stay NaN, unseen values become
``unknown_value`` (``None`` = NaN) or, with ``handle_unknown='error'``, an error naming the column.
With ``columns`` exactly ``[target]`` (or no columns and ``categories_order`` naming only the
target) it encodes the *target* in the given (or sorted) order of its labels; a training label
missing from the order is an error naming it. A classifier then learns codes in the user's order
and its predictions are decoded back to the labels; a regression model learns the codes as numbers
and predicts numbers on that scale (0 = the first label), which are returned as they are.

An encoder in target mode learns only the label set, which leaks nothing: it is the one learning
node allowed before the TrainTestSplitter. The executor has label-coded a classification target
before any node runs, so ``y`` holds its codes; ``NodeContext.target_classes`` gives their labels.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from skyulf_core.nodes._categories import (
    MISSING,
    Category,
    array_codes,
    decode_codes,
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
from skyulf_errors import NodeError

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

    @property
    def ordered_codes(self) -> bool:
        return False  # sorted class names: not a scale a regression model may learn

    def decode_target(self, codes: np.ndarray) -> np.ndarray:
        """Target codes back to the labels this node saw; other values (missing_code) pass."""
        return _decoded(self.encodes_target, codes, self.target_classes)


def _decoded(encodes_target: bool, codes: np.ndarray, classes: list[Any]) -> np.ndarray:
    values = np.asarray(codes)
    if not encodes_target:
        return values
    decoded = decode_codes(values.tolist(), classes)
    # One Python type -> a typed array (int codes stay int64 for the metrics).
    if len({type(v) for v in decoded}) == 1:
        return np.asarray(decoded)
    return np.asarray(decoded, dtype=object)


def encodes_target_only(params: LabelEncoderParams, target: str | None) -> bool:
    """True when the LabelEncoder's columns select the target alone (empty, or [target])."""
    return not params.columns or (target is not None and params.columns == [target])


def ordinal_encodes_target(params: OrdinalEncoderParams, target: str | None) -> bool:
    """True when the OrdinalEncoder encodes the target alone: columns ``[target]``, or no columns
    and a ``categories_order`` that names only the target."""
    if target is None:
        return False
    if params.columns:
        return params.columns == [target]
    return set(params.categories_order or {}) == {target}


def encodes_target(node_type: str, params: object, target: str | None) -> bool:
    """True for a Label/OrdinalEncoder (given its parsed params) that encodes the target alone."""
    if node_type == LABEL and isinstance(params, LabelEncoderParams):
        return encodes_target_only(params, target)
    if node_type == ORDINAL and isinstance(params, OrdinalEncoderParams):
        return ordinal_encodes_target(params, target)
    return False


def _no_target_error(ctx: NodeContext, node_type: str, what: str) -> NodeError:
    return NodeError(
        f"node '{ctx.node_id}' ({node_type}): {what} encodes the target, but there is none; set "
        "target_column on the TrainTestSplitter or list columns",
        node_id=ctx.node_id,
        node_type=node_type,
        field="columns",
    )


def _target_labels(y: pd.Series, ctx: NodeContext) -> pd.Series:
    """The target's original labels: ``y`` itself, or its codes' labels when label-coded."""
    if ctx.target_classes is None:
        return y
    labels = decode_codes(y.tolist(), ctx.target_classes)
    return pd.Series(labels, index=y.index, name=y.name, dtype=object)


def _fit_label(
    X: pd.DataFrame, y: pd.Series | None, params: LabelEncoderParams, ctx: NodeContext
) -> LabelEncoderRecord:
    if encodes_target_only(params, ctx.target):
        if y is None:
            raise _no_target_error(ctx, LABEL, "with no columns it")
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
    # Target mode: the labels in code order, and the value of the incoming target for each code
    # (the executor's code of the label; the label itself when the target was not label-coded;
    # None for a label of the order that the data never holds).
    encodes_target: bool = False
    target_categories: list[Category] = []
    target_classes: list[Category | None] = []

    @property
    def ordered_codes(self) -> bool:
        return True  # positions in the user's order: a regression model may learn them

    def decode_target(self, codes: np.ndarray) -> np.ndarray:
        """Codes (positions in the order) back to the incoming target values; others pass."""
        return _decoded(self.encodes_target, codes, self.target_classes)


def _ordinal_error(ctx: NodeContext, message: str, column: str, field: str) -> NodeError:
    return NodeError(
        f"node '{ctx.node_id}' ({ORDINAL}): {message}",
        node_id=ctx.node_id,
        node_type=ORDINAL,
        column=column,
        field=field,
    )


def _given_order(
    series: pd.Series, col: str, order: list[Category], ctx: NodeContext, what: str = "column"
) -> None:
    if len(set(order)) != len(order):
        raise _ordinal_error(
            ctx, f"categories_order of '{col}' repeats a value", col, "categories_order"
        )
    seen = observed_categories(series)
    extra = [v for v in seen if not any(v == o for o in order)]
    if extra:
        raise _ordinal_error(
            ctx,
            f"{what} '{col}' has values missing from categories_order: {extra[:5]}",
            col,
            "categories_order",
        )


def _check_unknown_value(
    unknown: float | None,
    params: OrdinalEncoderParams,
    categories: dict[str, list[Category]],
    ctx: NodeContext,
) -> None:
    if params.handle_unknown != "use_encoded_value" or unknown is None:
        return
    for col, cats in categories.items():
        if float(unknown).is_integer() and 0 <= unknown < len(cats):
            raise _ordinal_error(
                ctx,
                f"unknown_value {unknown} is already the code of a category of '{col}'; "
                "use a negative value or null",
                col,
                "unknown_value",
            )


def _fit_ordinal_target(
    y: pd.Series | None, params: OrdinalEncoderParams, ctx: NodeContext
) -> OrdinalEncoderRecord:
    target = ctx.target
    assert target is not None
    if y is None:
        raise _no_target_error(ctx, ORDINAL, "with columns [target] it")
    labels = _target_labels(y, ctx)
    order = (params.categories_order or {}).get(target)
    if order is not None:
        _given_order(labels, target, order, ctx, what="target")
        categories = list(order)
    else:
        categories = observed_categories(labels)
    _check_unknown_value(params.unknown_value, params, {target: categories}, ctx)
    incoming: list[Category | None] = list(categories)
    if ctx.target_classes is not None:
        known = list(ctx.target_classes)
        incoming = [next((i for i, v in enumerate(known) if v == c), None) for c in categories]
    unknown = params.unknown_value
    return OrdinalEncoderRecord(
        node_id=ctx.node_id,
        categories={},
        handle_unknown=params.handle_unknown,
        unknown_value=None if unknown is None else float(unknown),
        encodes_target=True,
        target_categories=categories,
        target_classes=incoming,
    )


def _fit_ordinal(
    X: pd.DataFrame, y: pd.Series | None, params: OrdinalEncoderParams, ctx: NodeContext
) -> OrdinalEncoderRecord:
    if ordinal_encodes_target(params, ctx.target):
        return _fit_ordinal_target(y, params, ctx)
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
    _check_unknown_value(unknown, params, categories, ctx)
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
    if record.encodes_target:
        # At inference there is no target (and no feature to touch): only decoding matters.
        if y is None:
            return X, None
        codes = series_codes(_target_labels(y, ctx), record.target_categories)
        target = str(ctx.target or y.name)
        return X, pd.Series(_ordinal_values(codes, target, record), index=y.index, name=y.name)
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
    description="Maps each category (or, with columns [target], each target label) to its "
    "position in a sorted or user-given order.",
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
