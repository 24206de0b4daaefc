"""FeatureGeneration (fit): new columns from a list of operations, applied in order.

Each operation reads ``input_columns`` (and ``secondary_columns``), which may be input columns or
the outputs of earlier operations, and writes ``output_column`` (default
``<operation_type>_<position>``, as in the original Skyulf). An output that already exists in the
input is an error naming it, never a silent overwrite.

- ``arithmetic`` (``method`` add / subtract / multiply / divide): the columns
  ``input_columns + secondary_columns`` in order, then ``constants``; subtract and divide take
  the first operand and remove/divide by the rest. Division is sign-safe: a zero divisor gives
  NaN, never ±inf (the original clamped the divisor to ±1e-9, which gave huge values).
- ``ratio``: sum of ``input_columns`` divided by the sum of ``secondary_columns``; a zero
  denominator gives NaN.
- ``similarity`` (``method`` ratio / token_sort_ratio / token_set_ratio): a 0-100 score between
  ``input_columns[0]`` and ``secondary_columns[0]`` (or ``input_columns[1]``), following
  rapidfuzz (see ``_fuzzy_match``); a missing text gives NaN.
- ``datetime_extract`` (``datetime_features`` among year, quarter, month, month_name, week, day,
  day_name, weekday, is_weekend, hour, minute, second, season, time_of_day): one column
  ``<column>_<feature>`` per input column and feature (``output_column`` does not apply); dates
  are parsed as in DateFeatures (ISO 8601 text; anything else is NaN/None). ``week`` is the ISO
  week, ``weekday`` is Monday = 0, seasons are meteorological (northern hemisphere), time of day is
  Morning 5-11 h, Afternoon 12-16 h, Evening 17-20 h, else Night.
- ``group_agg`` (``method`` mean / sum / count / min / max / std / median): the statistic of
  ``secondary_columns[0]`` per group of ``input_columns`` (one or more), learned on the train
  split and broadcast to each row (std with ddof 1, like pandas; missing values ignored). A group
  not seen in training, or a missing group key, gets 0 for count and sum and the statistic over
  the whole train column for the others.

Numeric operands that are missing (or not numbers) stay NaN unless ``fillna`` gives a value to
use instead; ±inf propagate as in numpy. Because ``group_agg`` learns from data the node is
``learns=True`` whatever its operations (the leakage guard reads that flag statically), so it
belongs after the TrainTestSplitter; arithmetic-only generation loses nothing by sitting there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, model_validator

from skyulf_core.nodes._datetime_parts import LABEL_PARTS, Parts, to_datetime64
from skyulf_core.nodes._frames import arrays_with, column_arrays, float_array, frame_with
from skyulf_core.nodes._fuzzy_match import SCORERS
from skyulf_core.nodes._text_analysis import document
from skyulf_core.nodes.base import (
    Columns,
    ColumnSet,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    NodeParams,
)
from skyulf_core.nodes.features_group import GroupStats, learn_group_stats, lookup_group_stats
from skyulf_errors import NodeError

OperationType = Literal["arithmetic", "ratio", "similarity", "datetime_extract", "group_agg"]
DatetimeFeature = Literal[
    "year",
    "quarter",
    "month",
    "month_name",
    "week",
    "day",
    "day_name",
    "weekday",
    "is_weekend",
    "hour",
    "minute",
    "second",
    "season",
    "time_of_day",
]
METHODS: dict[str, tuple[str, ...]] = {
    "arithmetic": ("add", "subtract", "multiply", "divide"),
    "ratio": ("ratio",),
    "similarity": ("ratio", "token_sort_ratio", "token_set_ratio"),
    "datetime_extract": ("extract",),
    "group_agg": ("mean", "sum", "count", "min", "max", "std", "median"),
}
NODE = "FeatureGeneration"


class Operation(NodeParams):
    operation_type: OperationType = "arithmetic"
    method: str | None = None
    input_columns: list[str] = []
    secondary_columns: list[str] = []
    constants: list[float] = []
    output_column: str | None = None
    fillna: float | None = None
    datetime_features: list[DatetimeFeature] = []

    @model_validator(mode="after")
    def _check(self) -> Operation:
        allowed = METHODS[self.operation_type]
        if self.method is not None and self.method not in allowed:
            raise ValueError(
                f"method '{self.method}' is not one of {list(allowed)} for {self.operation_type}"
            )
        if not self.input_columns:
            raise ValueError(f"{self.operation_type} needs at least one input column")
        need_second = self.operation_type in ("ratio", "group_agg")
        if need_second and not self.secondary_columns:
            raise ValueError(f"{self.operation_type} needs secondary_columns")
        if self.operation_type == "similarity" and (
            len(self.input_columns) + len(self.secondary_columns) < 2
        ):
            raise ValueError("similarity needs two columns (input and secondary)")
        if self.operation_type == "datetime_extract":
            if not self.datetime_features:
                raise ValueError("datetime_extract needs datetime_features")
            if self.output_column is not None:
                raise ValueError(
                    "datetime_extract names its outputs <column>_<feature>; "
                    "output_column does not apply"
                )
        return self

    def resolved_method(self) -> str:
        return self.method or METHODS[self.operation_type][0]


class FeatureGenerationParams(NodeParams):
    operations: list[Operation] = []


class ResolvedOperation(BaseModel):
    operation_type: OperationType
    method: str
    input_columns: list[str]
    secondary_columns: list[str]
    constants: list[float]
    fillna: float | None
    datetime_features: list[DatetimeFeature]
    outputs: list[str]
    group_stats: GroupStats | None = None


class FeatureGenerationRecord(FittedRecord):
    node_type: str = NODE
    operations: list[ResolvedOperation]

    def created_columns(self) -> list[str]:
        return [name for op in self.operations for name in op.outputs]


def _numbers(cols: Columns, names: list[str], fillna: float | None) -> list[np.ndarray]:
    out = []
    for name in names:
        values = float_array(cols[name])
        if fillna is not None:
            values = np.where(np.isnan(values), fillna, values)
        out.append(values)
    return out


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    safe = np.where(den == 0, 1.0, den)
    return np.where(den == 0, np.nan, num / safe)


def _arithmetic(op: ResolvedOperation, cols: Columns, n: int) -> np.ndarray:
    columns = _numbers(cols, op.input_columns + op.secondary_columns, op.fillna)
    operands = columns + [np.full(n, c, dtype="float64") for c in op.constants]
    result = operands[0].copy()
    for other in operands[1:]:
        if op.method == "add":
            result = result + other
        elif op.method == "subtract":
            result = result - other
        elif op.method == "multiply":
            result = result * other
        else:
            result = _divide(result, other)
    return result


def _ratio(op: ResolvedOperation, cols: Columns, n: int) -> np.ndarray:
    num = np.sum(_numbers(cols, op.input_columns, op.fillna), axis=0)
    den = np.sum(_numbers(cols, op.secondary_columns, op.fillna), axis=0)
    return _divide(np.asarray(num, dtype="float64"), np.asarray(den, dtype="float64"))


def _is_missing(value: object) -> bool:
    return not isinstance(value, str) and document(value) == ""


def _similarity(op: ResolvedOperation, cols: Columns, n: int) -> np.ndarray:
    pair = (op.input_columns + op.secondary_columns)[:2]
    if op.secondary_columns:
        pair = [op.input_columns[0], op.secondary_columns[0]]
    score = SCORERS[op.method]
    left, right = (np.asarray(cols[c], dtype=object).tolist() for c in pair)
    out = np.empty(n, dtype="float64")
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        missing = _is_missing(a) or _is_missing(b)
        out[i] = np.nan if missing else score(document(a), document(b))
    return out


def _group_agg(op: ResolvedOperation, cols: Columns, n: int) -> np.ndarray:
    assert op.group_stats is not None
    keys = [np.asarray(cols[c], dtype=object) for c in op.input_columns]
    return lookup_group_stats(op.group_stats, keys, n)


Compute = Callable[[ResolvedOperation, Columns, int], np.ndarray]
COMPUTE: dict[str, Compute] = {
    "arithmetic": _arithmetic,
    "ratio": _ratio,
    "similarity": _similarity,
    "group_agg": _group_agg,
}


def _run(op: ResolvedOperation, cols: Columns, n: int) -> dict[str, np.ndarray]:
    if op.operation_type != "datetime_extract":
        return {op.outputs[0]: COMPUTE[op.operation_type](op, cols, n)}
    new: dict[str, np.ndarray] = {}
    names = iter(op.outputs)
    for col in op.input_columns:
        parts = Parts(to_datetime64(cols[col]))
        for feature in op.datetime_features:
            label = feature in LABEL_PARTS
            new[next(names)] = parts.label(feature) if label else parts.numeric(feature)
    return new


def _error(ctx: NodeContext, message: str, column: str, field: str) -> NodeError:
    return NodeError(
        f"node '{ctx.node_id}' ({NODE}): {message}",
        node_id=ctx.node_id,
        node_type=NODE,
        column=column,
        field=field,
    )


def _outputs(op: Operation, position: int) -> list[str]:
    if op.operation_type == "datetime_extract":
        return [f"{c}_{f}" for c in op.input_columns for f in op.datetime_features]
    return [op.output_column or f"{op.operation_type}_{position}"]


def _fit(
    X: pd.DataFrame, y: pd.Series | None, params: FeatureGenerationParams, ctx: NodeContext
) -> FeatureGenerationRecord:
    cols: Columns = {}
    read: list[str] = []
    produced: set[str] = set()
    resolved: list[ResolvedOperation] = []
    for i, op in enumerate(params.operations):
        for field in ("input_columns", "secondary_columns"):
            for col in getattr(op, field):
                if col in produced or col in cols:
                    continue
                if col == ctx.target or col not in X.columns:
                    why = "is the target" if col == ctx.target else "is not in the input"
                    raise _error(
                        ctx, f"column '{col}' {why}", column=col, field=f"operations.{i}.{field}"
                    )
                cols[col] = X[col].to_numpy()
                read.append(col)
        outputs = _outputs(op, i)
        for name in outputs:
            if name in X.columns or name in produced:
                raise _error(
                    ctx,
                    f"output column '{name}' already exists; choose another output_column",
                    column=name,
                    field=f"operations.{i}.output_column",
                )
        resolved_op = ResolvedOperation(
            operation_type=op.operation_type,
            method=op.resolved_method(),
            input_columns=op.input_columns,
            secondary_columns=op.secondary_columns,
            constants=op.constants,
            fillna=op.fillna,
            datetime_features=op.datetime_features,
            outputs=outputs,
        )
        if op.operation_type == "group_agg":
            keys = [np.asarray(cols[c], dtype=object) for c in op.input_columns]
            values = float_array(cols[op.secondary_columns[0]])
            resolved_op.group_stats = learn_group_stats(keys, values, resolved_op.method)
        cols.update(_run(resolved_op, cols, len(X)))
        produced.update(outputs)
        resolved.append(resolved_op)
    return FeatureGenerationRecord(node_id=ctx.node_id, columns=read, operations=resolved)


def _generate(cols: Columns, record: FeatureGenerationRecord, n: int) -> dict[str, np.ndarray]:
    work = dict(cols)
    new: dict[str, np.ndarray] = {}
    for op in record.operations:
        out = _run(op, work, n)
        work.update(out)
        new.update(out)
    return new


def _apply(
    X: pd.DataFrame, y: pd.Series | None, record: FeatureGenerationRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    return frame_with(X, _generate(column_arrays(X, record.columns), record, len(X))), y


def _apply_arrays(cols: Columns, record: FeatureGenerationRecord) -> Columns:
    n = len(next(iter(cols.values()))) if cols else 0
    return arrays_with(cols, _generate(cols, record, n))


def _flow(columns: ColumnSet, params: FeatureGenerationParams) -> ColumnSet:
    added = tuple(n for i, op in enumerate(params.operations) for n in _outputs(op, i))
    return ColumnSet(columns.names + added, columns.open, columns.removed - set(added))


FEATURE_GENERATION: NodeDefinition[FeatureGenerationParams, FeatureGenerationRecord] = (
    NodeDefinition(
        id=NODE,
        group="features",
        description="Adds columns from arithmetic, ratio, text similarity, date parts and group "
        "statistics learned on the train split.",
        params_model=FeatureGenerationParams,
        record_model=FeatureGenerationRecord,
        learns=True,
        train_only=False,
        calculator=_fit,
        applier=_apply,
        column_flow=_flow,
        array_applier=_apply_arrays,
    )
)

NODES: list[NodeDefinition] = [FEATURE_GENERATION]
