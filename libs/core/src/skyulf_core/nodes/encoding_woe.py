"""Encoding nodes (fit): WOEEncoder (weight of evidence, binary targets only).

For a binary target, "good" is the positive class (the greater of the two sorted labels: 1 for a
0/1 target) and "bad" the other. With ``G``/``B`` the good/bad rows of the train split, ``g_i``/
``b_i`` those of category ``i`` and ``r = regularization``::

    p_good_i = (g_i + r) / (G + 2r)        p_bad_i = (b_i + r) / (B + 2r)
    WOE_i    = ln(p_good_i / p_bad_i)
    IV       = sum_i (p_good_i - p_bad_i) * WOE_i      (recorded per column)

(the formula of category_encoders' WOEEncoder). ``regularization`` must be > 0 so a category seen
with one class only gets a finite WOE (NODES.md allows 0, which gives ±inf). Missing values are a
category when seen in training; unseen categories (and missing values never seen) get 0, the
neutral evidence. Values replace the column in place, as float64. Unlike the TargetEncoder this
encoding is not cross-fitted: the train rows see their own target, as in category_encoders.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

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
from skyulf_errors import NodeError

NODE = "WOEEncoder"


class WOEEncoderParams(ColumnsParams):
    regularization: float = Field(0.5, gt=0.0)


class WOEColumn(BaseModel):
    column: str
    categories: list[Category]
    woe: list[float]
    # WOE of the missing category when the train split had missing values.
    missing_woe: float | None
    information_value: float


class WOEEncoderRecord(FittedRecord):
    node_type: str = NODE
    positive_class: Category
    encoded: list[WOEColumn]


def _binary_target(y: pd.Series | None, ctx: NodeContext) -> tuple[np.ndarray, Category]:
    if y is None:
        raise NodeError(
            f"node '{ctx.node_id}' ({NODE}): needs a binary target; set target_column on the "
            "TrainTestSplitter",
            node_id=ctx.node_id,
            node_type=NODE,
        )
    classes = observed_categories(y)
    if len(classes) != 2 or bool(y.isna().any()):
        found = "missing values" if len(classes) == 2 else f"{len(classes)} classes"
        raise NodeError(
            f"node '{ctx.node_id}' ({NODE}): weight of evidence needs a binary target, but "
            f"'{ctx.target}' has {found}",
            node_id=ctx.node_id,
            node_type=NODE,
            column=ctx.target,
        )
    return series_codes(y, classes) == 1, classes[1]


def _woe_column(series: pd.Series, good: np.ndarray, reg: float, col: str) -> WOEColumn:
    categories = observed_categories(series)
    codes = series_codes(series, categories)
    has_missing = bool((codes == MISSING).any())
    n_cat = len(categories) + int(has_missing)
    codes = np.where(codes == MISSING, len(categories), codes)
    g = np.bincount(codes[good], minlength=n_cat).astype("float64")
    b = np.bincount(codes[~good], minlength=n_cat).astype("float64")
    p_good = (g + reg) / (g.sum() + 2 * reg)
    p_bad = (b + reg) / (b.sum() + 2 * reg)
    woe = np.log(p_good / p_bad)
    return WOEColumn(
        column=col,
        categories=categories,
        woe=woe[: len(categories)].tolist(),
        missing_woe=float(woe[-1]) if has_missing else None,
        information_value=float(np.sum((p_good - p_bad) * woe)),
    )


def _fit_woe(
    X: pd.DataFrame, y: pd.Series | None, params: WOEEncoderParams, ctx: NodeContext
) -> WOEEncoderRecord:
    columns = resolve_categorical(X, params.columns, ctx, NODE)
    good, positive = _binary_target(y, ctx)
    return WOEEncoderRecord(
        node_id=ctx.node_id,
        columns=columns,
        positive_class=positive,
        encoded=[_woe_column(X[c], good, params.regularization, c) for c in columns],
    )


def _woe_values(codes: np.ndarray, enc: WOEColumn) -> np.ndarray:
    table = np.asarray([*enc.woe, 0.0 if enc.missing_woe is None else enc.missing_woe])
    index = np.where(codes == MISSING, len(enc.woe), codes)
    return np.where(index >= 0, table[index], 0.0)


def _apply_woe(
    X: pd.DataFrame, y: pd.Series | None, record: WOEEncoderRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    values = {
        enc.column: _woe_values(series_codes(X[enc.column], enc.categories), enc)
        for enc in record.encoded
    }
    return (X.assign(**values) if values else X), y


def _woe_arrays(cols: Columns, record: WOEEncoderRecord) -> Columns:
    out = dict(cols)
    for enc in record.encoded:
        out[enc.column] = _woe_values(array_codes(cols[enc.column], enc.categories), enc)
    return out


WOE_ENCODER: NodeDefinition[WOEEncoderParams, WOEEncoderRecord] = NodeDefinition(
    id=NODE,
    group="encoding",
    description="Replaces each category with its weight of evidence for a binary target and "
    "records each column's information value.",
    params_model=WOEEncoderParams,
    record_model=WOEEncoderRecord,
    learns=True,
    train_only=False,
    calculator=_fit_woe,
    applier=_apply_woe,
    column_flow=same_columns,
    array_applier=_woe_arrays,
)

NODES: list[NodeDefinition] = [WOE_ENCODER]
