"""Encoding nodes (fit): TargetEncoder, cross-fitted on the train split.

Equals ``sklearn.preprocessing.TargetEncoder``: the record holds the encoding of every category
learned on the whole train split (what ``.transform`` uses on test, validation and new rows),
while the train split itself gets *out-of-fold* encodings, exactly ``.fit_transform`` with
``cv=StratifiedKFold(cv, shuffle=True, random_state)`` (``KFold`` for a continuous target), so
the model never sees a row encoded with its own target. Missing values are a category of their
own (as in scikit-learn); unseen categories, and missing values when none were seen, get the
train target mean.

Encodings (per category, per target column): with ``smooth`` a number m,
``(sum_y + m * mean) / (count + m)``; with ``"auto"``, scikit-learn's empirical Bayes shrinkage
``lambda * mean_c + (1 - lambda) * mean`` with ``lambda = var * n_c / (var * n_c + ssd_c / n_c)``.
``target_type='auto'`` follows ``sklearn.utils.multiclass.type_of_target`` (so an integer target
with more than two values is multiclass: pick ``continuous`` for a count to regress).
Binary/continuous encodings replace the column in place; multiclass gives one column
``<column>_<class>`` per class (scikit-learn's names), appended, and drops the column.

Parameters beyond NODES.md: ``cv`` (5) and ``random_state`` (42), the cross-fitting folds.

Cross-fitting needs the fit frame's output to differ from ``apply`` on that same frame, which the
plain Calculator/Applier pair cannot express, so the node is a :class:`CrossFittedDefinition`:
its ``fit_apply`` returns the record *and* the out-of-fold train output. The graph runner calls
``fit_apply`` when a definition has one; ``fit`` + ``apply`` stay the transform contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.utils.multiclass import type_of_target

from skyulf_core.nodes._categories import (
    MISSING,
    Category,
    array_codes,
    check_new_names,
    observed_categories,
    replace_columns,
    resolve_categorical,
    series_codes,
)
from skyulf_core.nodes.base import (
    XY,
    Columns,
    ColumnSet,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    P,
    R,
    Seed,
)
from skyulf_errors import NodeError

NODE = "TargetEncoder"
TargetType = Literal["continuous", "binary", "multiclass"]


@dataclass(frozen=True)
class CrossFittedDefinition(NodeDefinition[P, R]):
    """A node whose output on its own fit frame is computed differently (out of fold)."""

    cross_fitter: Callable[[pd.DataFrame, pd.Series | None, P, R, NodeContext], XY] | None = field(
        default=None, repr=False
    )

    def fit_apply(
        self, X: pd.DataFrame, y: pd.Series | None, params: Any, ctx: NodeContext
    ) -> tuple[R, pd.DataFrame, pd.Series | None]:
        """Fit on ``X`` and return the record with ``X``'s cross-fitted output."""
        parsed = self.parse_params(params, ctx.node_id)
        record = self.fit(X, y, parsed, ctx)
        assert self.cross_fitter is not None
        out_X, out_y = self.cross_fitter(X, y, parsed, record, ctx)
        return record, out_X, out_y


class TargetEncoderParams(ColumnsParams):
    smooth: Literal["auto"] | Annotated[float, Field(ge=0.0)] = "auto"
    target_type: Literal["auto", "continuous", "binary", "multiclass"] = "auto"
    # Each fold refits the encoding on the rest; more than 20 only costs time.
    cv: int = Field(5, ge=2, le=20, description="cross-fitting folds (at most 20)")
    random_state: Seed | None = 42


class TargetEncodedColumn(BaseModel):
    column: str
    categories: list[Category]
    has_missing: bool
    # [output][category]; the missing category, when seen, comes last.
    encodings: list[list[float]]
    outputs: list[str]


class TargetEncoderRecord(FittedRecord):
    node_type: str = NODE
    target_type: TargetType
    classes: list[Category] | None
    target_mean: list[float]
    smooth: Literal["auto"] | float
    encoded: list[TargetEncodedColumn]

    def created_columns(self) -> list[str]:
        if self.target_type != "multiclass":
            return []
        return [name for enc in self.encoded for name in enc.outputs]


def _error(ctx: NodeContext, message: str, field: str | None = None) -> NodeError:
    return NodeError(
        f"node '{ctx.node_id}' ({NODE}): {message}",
        node_id=ctx.node_id,
        node_type=NODE,
        column=ctx.target,
        field=field,
    )


def _target_type(y: pd.Series, params: TargetEncoderParams, ctx: NodeContext) -> TargetType:
    if params.target_type != "auto":
        return params.target_type
    kind = type_of_target(y.to_numpy())
    if kind not in ("continuous", "binary", "multiclass"):
        raise _error(ctx, f"cannot target-encode a {kind} target", "target_type")
    return kind  # type: ignore[return-value]


def _target_matrix(
    y: pd.Series | None, params: TargetEncoderParams, ctx: NodeContext
) -> tuple[np.ndarray, TargetType, list[Category] | None]:
    """The target as an (n, outputs) float matrix: 0/1, one-vs-rest columns, or the values."""
    if y is None:
        raise _error(ctx, "needs a target; set target_column on the TrainTestSplitter")
    if bool(y.isna().any()):
        raise _error(ctx, "the target has missing values")
    kind = _target_type(y, params, ctx)
    if kind == "continuous":
        values = pd.to_numeric(y, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        if not np.all(np.isfinite(values)):
            raise _error(ctx, "a continuous target must be finite numbers", "target_type")
        return values[:, None], kind, None
    classes = observed_categories(y)
    if kind == "binary" and len(classes) > 2:
        raise _error(ctx, f"target_type binary but the target has {len(classes)} classes")
    if kind == "multiclass" and len(classes) < 3:
        raise _error(ctx, "target_type multiclass needs three or more classes; use binary")
    codes = series_codes(y, classes)
    if kind == "binary":
        return (codes == 1).astype("float64")[:, None], kind, classes
    return (codes[:, None] == np.arange(len(classes))).astype("float64"), kind, classes


def _encodings(
    codes: np.ndarray, Y: np.ndarray, n_cat: int, smooth: Literal["auto"] | float
) -> np.ndarray:
    """(outputs, n_cat) encodings learned from rows ``codes`` (all known) and targets ``Y``."""
    out = np.empty((Y.shape[1], n_cat), dtype="float64")
    counts = np.bincount(codes, minlength=n_cat).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        for j in range(Y.shape[1]):
            y = Y[:, j]
            mean = float(y.mean())
            sums = np.bincount(codes, weights=y, minlength=n_cat)
            if smooth == "auto":
                means = sums / counts
                ssd = np.bincount(codes, weights=(y - means[codes]) ** 2, minlength=n_cat)
                var_n = float(np.var(y)) * counts
                lam = var_n / (var_n + ssd / counts)
                out[j] = np.where(np.isnan(lam), mean, lam * means + (1 - lam) * mean)
            else:
                denom = smooth + counts
                out[j] = np.where(denom == 0, mean, (sums + smooth * mean) / denom)
    return out


def _fit_codes(series: pd.Series, enc: TargetEncodedColumn) -> np.ndarray:
    codes = series_codes(series, enc.categories)
    return np.where(codes == MISSING, len(enc.categories), codes)


def _fit_target(
    X: pd.DataFrame, y: pd.Series | None, params: TargetEncoderParams, ctx: NodeContext
) -> TargetEncoderRecord:
    columns = resolve_categorical(X, params.columns, ctx, NODE)
    Y, kind, classes = _target_matrix(y, params, ctx)
    encoded: list[TargetEncodedColumn] = []
    for col in columns:
        outputs = [f"{col}_{c}" for c in classes] if kind == "multiclass" and classes else [col]
        enc = TargetEncodedColumn(
            column=col,
            categories=observed_categories(X[col]),
            has_missing=bool(X[col].isna().any()),
            encodings=[],
            outputs=outputs,
        )
        n_cat = len(enc.categories) + int(enc.has_missing)
        enc.encodings = _encodings(_fit_codes(X[col], enc), Y, n_cat, params.smooth).tolist()
        encoded.append(enc)
    if kind == "multiclass":
        names = [(e.column, n) for e in encoded for n in e.outputs]
        check_new_names(X, columns, names, ctx, NODE)
    return TargetEncoderRecord(
        node_id=ctx.node_id,
        columns=columns,
        target_type=kind,
        classes=classes,
        target_mean=Y.mean(axis=0).tolist(),
        smooth=params.smooth,
        encoded=encoded,
    )


def _lookup(codes: np.ndarray, enc: TargetEncodedColumn, mean: list[float]) -> np.ndarray:
    """(n, outputs) encodings of ``codes`` (series_codes); unseen -> the train target mean."""
    codes = np.where((codes == MISSING) & enc.has_missing, len(enc.categories), codes)
    table = np.asarray(enc.encodings, dtype="float64").T
    known = codes >= 0
    out = np.empty((len(codes), len(mean)), dtype="float64")
    out[:] = np.asarray(mean)
    out[known] = table[codes[known]]
    return out


def _assemble(
    X: pd.DataFrame, record: TargetEncoderRecord, values: dict[str, np.ndarray]
) -> pd.DataFrame:
    if record.target_type != "multiclass":
        return X.assign(**{enc.column: values[enc.column][:, 0] for enc in record.encoded})
    added = {
        name: values[enc.column][:, i]
        for enc in record.encoded
        for i, name in enumerate(enc.outputs)
    }
    return pd.concat([X.drop(columns=record.columns), pd.DataFrame(added, index=X.index)], axis=1)


def _apply_target(
    X: pd.DataFrame, y: pd.Series | None, record: TargetEncoderRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    if not record.encoded:
        return X, y
    values = {
        enc.column: _lookup(series_codes(X[enc.column], enc.categories), enc, record.target_mean)
        for enc in record.encoded
    }
    return _assemble(X, record, values), y


def _cross_fit(
    X: pd.DataFrame,
    y: pd.Series | None,
    params: TargetEncoderParams,
    record: TargetEncoderRecord,
    ctx: NodeContext,
) -> tuple[pd.DataFrame, pd.Series | None]:
    """scikit-learn's fit_transform: each fold encoded with encodings from the other folds."""
    if not record.encoded:
        return X, y
    assert y is not None  # the fit refused a frame without a target
    Y, kind, _ = _target_matrix(y, params, ctx)
    if len(X) < params.cv:
        raise _error(ctx, f"{len(X)} rows are too few for {params.cv} folds", "cv")
    stratify = kind != "continuous" and type_of_target(y.to_numpy()) in ("binary", "multiclass")
    splitter = (StratifiedKFold if stratify else KFold)(
        params.cv, shuffle=True, random_state=params.random_state
    )
    # StratifiedKFold numbers classes by first appearance, so any consistent labelling will do.
    labels = series_codes(y, record.classes) if record.classes else np.zeros(len(y))
    codes = {enc.column: _fit_codes(X[enc.column], enc) for enc in record.encoded}
    values = {enc.column: np.empty((len(X), Y.shape[1])) for enc in record.encoded}
    try:
        folds = list(splitter.split(np.zeros(len(X)), labels))
    except ValueError as exc:
        raise _error(ctx, f"cannot cut {params.cv} folds: {exc}", "cv") from exc
    for train_idx, test_idx in folds:
        for enc in record.encoded:
            n_cat = len(enc.categories) + int(enc.has_missing)
            fold = _encodings(codes[enc.column][train_idx], Y[train_idx], n_cat, params.smooth)
            values[enc.column][test_idx] = fold.T[codes[enc.column][test_idx]]
    return _assemble(X, record, values), y


def _target_arrays(cols: Columns, record: TargetEncoderRecord) -> Columns:
    values = {
        enc.column: _lookup(array_codes(cols[enc.column], enc.categories), enc, record.target_mean)
        for enc in record.encoded
    }
    if record.target_type != "multiclass":
        return {**cols, **{col: v[:, 0] for col, v in values.items()}}
    added = {
        name: values[enc.column][:, i]
        for enc in record.encoded
        for i, name in enumerate(enc.outputs)
    }
    return replace_columns(cols, record.columns, added)


def _target_flow(columns: ColumnSet, params: TargetEncoderParams) -> ColumnSet:
    if params.target_type in ("binary", "continuous"):
        return columns
    if params.target_type == "multiclass" and params.columns is not None:
        columns = columns.without(params.columns)
    # One output column per class, named after classes only the data knows.
    return ColumnSet(columns.names, open=True, removed=columns.removed)


TARGET_ENCODER: CrossFittedDefinition[TargetEncoderParams, TargetEncoderRecord] = (
    CrossFittedDefinition(
        id=NODE,
        group="encoding",
        description="Replaces each category with the smoothed mean target of its rows "
        "(out-of-fold on the train split).",
        params_model=TargetEncoderParams,
        record_model=TargetEncoderRecord,
        learns=True,
        train_only=False,
        calculator=_fit_target,
        applier=_apply_target,
        column_flow=_target_flow,
        array_applier=_target_arrays,
        cross_fitter=_cross_fit,
    )
)

NODES: list[NodeDefinition] = [TARGET_ENCODER]
