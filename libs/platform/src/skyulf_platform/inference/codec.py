"""The Open Inference Protocol v2 codec shared by the gateway, deployment and prediction server.

Requests follow MLServer's pandas codec: one input per column, named after the column, shape
``[n]``, request parameter ``content_type: "pd"``. Column datatypes: BOOL, INT64, FP64 (an integer
column with a missing value becomes FP64), or BYTES (UTF-8 strings; mixed columns are stringified).
Missing values: NaN in FP64 inputs; for BOOL/INT64/BYTES the input parameter ``null_indices``
(a JSON list of row positions) marks them (see :mod:`skyulf_platform.inference.tensors`).

Responses carry output ``predict`` (shape ``[n]``, datatype from the values) and, for classifiers,
``predict_proba`` (FP64, shape ``[n, k]``) whose parameter ``classes`` is a JSON list of the class
labels in column order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from inference import grpc_predict_v2_pb2 as pb
from skyulf_errors import InvalidArgument
from skyulf_platform.inference.records import (
    CLASSES,
    CONTENT_TYPE,
    PREDICT,
    PREDICT_PROBA,
    DecodedPrediction,
    columns_to_infer_request,
    infer_response_to_prediction,
    is_plain,
    new_request,
    plain_column,
    row_columns,
    write_column,
)
from skyulf_platform.inference.rest import (
    infer_request_from_json,
    infer_request_to_json,
    infer_response_from_json,
    infer_response_to_json,
)
from skyulf_platform.inference.tensors import (
    NULL_INDICES,
    Tensor,
    read_tensor,
    set_parameters,
    write_contents,
)

__all__ = [
    "CLASSES",
    "CONTENT_TYPE",
    "NULL_INDICES",
    "PREDICT",
    "PREDICT_PROBA",
    "DecodedPrediction",
    "frame_to_infer_request",
    "infer_request_from_json",
    "infer_request_to_columns",
    "infer_request_to_frame",
    "infer_request_to_json",
    "infer_response_from_json",
    "infer_response_to_json",
    "infer_response_to_prediction",
    "prediction_to_infer_response",
    "rows_to_infer_request",
]


def _encode_strings(values: np.ndarray, nulls: np.ndarray) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = [b"" if n else str(v).encode() for v, n in zip(values, nulls, strict=True)]
    return out


def _column(values: Any) -> tuple[str, np.ndarray, np.ndarray]:
    """Choose a datatype for one column: (datatype, values, missing mask)."""
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values))
    nulls = series.isna().to_numpy(dtype=bool)
    kind = series.dtype.kind if isinstance(series.dtype, np.dtype) else None
    if kind == "b":
        return "BOOL", series.to_numpy(dtype=bool), nulls
    if kind in ("i", "u"):
        return "INT64", series.to_numpy(dtype=np.int64), nulls
    if kind == "f":
        return "FP64", series.to_numpy(dtype=np.float64), nulls
    present = series[~nulls]
    inferred = pd.api.types.infer_dtype(present, skipna=True) if len(present) else "empty"
    if inferred in ("empty", "integer", "floating", "mixed-integer-float", "decimal"):
        floats = np.full(len(series), np.nan)
        if len(present):
            floats[~nulls] = present.to_numpy(dtype=np.float64)
        return "FP64", floats, nulls
    if inferred == "boolean":
        bools = np.zeros(len(series), dtype=bool)
        bools[~nulls] = present.to_numpy(dtype=bool)
        return "BOOL", bools, nulls
    raw = series.to_numpy(dtype=object)
    return "BYTES", _encode_strings(raw, nulls), nulls


def _add_input(
    request: pb.ModelInferRequest, name: str, column: tuple[str, np.ndarray, np.ndarray]
) -> None:
    datatype, values, nulls = column
    tensor = request.inputs.add(name=name, datatype=datatype, shape=[len(values)])
    write_contents(tensor, datatype, values, nulls)


def frame_to_infer_request(
    frame: pd.DataFrame, *, model_name: str = "", model_version: str = "", request_id: str = ""
) -> pb.ModelInferRequest:
    request = new_request(model_name, model_version, request_id)
    for name in frame.columns:
        try:
            column = _column(frame[name])
        except OverflowError as e:
            raise InvalidArgument(
                f"column {name!r} has a number too large to send (beyond a 64-bit float)",
                details={"column": str(name)},
            ) from e
        _add_input(request, str(name), column)
    return request


def rows_to_infer_request(
    rows: Sequence[Mapping[str, Any]],
    *,
    model_name: str = "",
    model_version: str = "",
    request_id: str = "",
) -> pb.ModelInferRequest:
    """Rows of ``{column: value}`` (a key absent from a row is a missing value) to a request.

    The same request as ``frame_to_infer_request(pd.DataFrame.from_records(rows))``; rows of
    JSON values are encoded by :mod:`skyulf_platform.inference.records` without building it.
    """
    columns = row_columns(rows)
    if not all(isinstance(name, str) and is_plain(v) for name, v in columns.items()):
        frame = pd.DataFrame.from_records(list(rows))
        return frame_to_infer_request(
            frame, model_name=model_name, model_version=model_version, request_id=request_id
        )
    return columns_to_infer_request(
        columns, model_name=model_name, model_version=model_version, request_id=request_id
    )


def _column_values(tensor: Tensor) -> np.ndarray:
    """One input as a 1-D array: numbers (NaN missing), bool, or objects (``None`` missing)."""
    if len(tensor.shape) > 2 or (len(tensor.shape) == 2 and tensor.shape[1] != 1):
        raise InvalidArgument(
            f"input {tensor.name!r} has shape {tensor.shape}; each input is one column, "
            "shape [n] or [n, 1]",
            details={"input": tensor.name, "field": "shape"},
        )
    values, nulls = tensor.values, tensor.nulls
    if tensor.datatype == "BYTES":
        try:
            text = [None if n else v.decode() for v, n in zip(values, nulls, strict=True)]
        except UnicodeDecodeError as e:
            raise InvalidArgument(
                f"input {tensor.name!r} holds bytes that are not UTF-8 text",
                details={"input": tensor.name, "column": tensor.name},
            ) from e
        out = np.empty(len(text), dtype=object)
        out[:] = text
        return out
    if not tensor.has_nulls:
        return values
    if tensor.datatype == "BOOL":
        obj = values.astype(object)
        obj[nulls] = None
        return obj
    floats = values.astype(np.float64)
    floats[nulls] = np.nan
    return floats


# Typed contents read straight into an array when nothing needs checking beyond the length: a
# number or boolean column of shape [n] without null_indices (NaN is how FP64 marks a missing
# value, and stays NaN). Anything else goes through read_tensor.
_PLAIN_FIELDS = {
    "FP64": ("fp64_contents", np.float64),
    "INT64": ("int64_contents", np.int64),
    "BOOL": ("bool_contents", np.bool_),
}


def _plain_column(tensor: pb.ModelInferRequest.InferInputTensor) -> np.ndarray | None:
    plain = _PLAIN_FIELDS.get(tensor.datatype)
    if plain is None or len(tensor.shape) != 1 or NULL_INDICES in tensor.parameters:
        return None
    contents = getattr(tensor.contents, plain[0])
    if len(contents) != tensor.shape[0]:
        return None  # read_tensor names the mismatch
    # A slice copies the repeated field into a list: ten times faster than asarray on it.
    return np.array(contents[:], dtype=plain[1])


def infer_request_to_columns(request: pb.ModelInferRequest) -> dict[str, np.ndarray]:
    """One 1-D array per input, by name; lengths must agree. Raw contents take precedence.

    No pandas: a prediction server hands these straight to the fitted chain's array path.
    """
    raw = list(request.raw_input_contents)
    if raw and len(raw) != len(request.inputs):
        raise InvalidArgument(
            f"{len(raw)} raw_input_contents for {len(request.inputs)} inputs",
            details={"field": "raw_input_contents"},
        )
    columns: dict[str, np.ndarray] = {}
    n_rows: int | None = None
    for i, tensor_pb in enumerate(request.inputs):
        if not tensor_pb.name:
            raise InvalidArgument(f"input {i} has no name", details={"field": "inputs", "index": i})
        if tensor_pb.name in columns:
            raise InvalidArgument(
                f"input {tensor_pb.name!r} is given twice", details={"input": tensor_pb.name}
            )
        values = _plain_column(tensor_pb) if not raw else None
        if values is None:
            values = _column_values(read_tensor(tensor_pb, raw[i] if raw else None))
        if n_rows is None:
            n_rows = len(values)
        elif len(values) != n_rows:
            raise InvalidArgument(
                f"input {tensor_pb.name!r} has {len(values)} rows but the first input has {n_rows}",
                details={"input": tensor_pb.name, "field": "shape"},
            )
        columns[tensor_pb.name] = values
    if not columns:
        raise InvalidArgument("the request has no inputs", details={"field": "inputs"})
    return columns


def infer_request_to_frame(request: pb.ModelInferRequest) -> pd.DataFrame:
    """:func:`infer_request_to_columns` as a DataFrame (text columns of dtype object)."""
    columns = infer_request_to_columns(request)
    return pd.DataFrame(
        {
            name: pd.Series(values, dtype=object) if values.dtype == object else values
            for name, values in columns.items()
        }
    )


def _probability_matrix(
    probabilities: Any, classes: Sequence[Any] | None
) -> tuple[np.ndarray, Sequence[Any] | None]:
    """An [n, k] matrix, from one either already or from rows of ``{str(class): p}``."""
    if not (len(probabilities) and isinstance(probabilities[0], Mapping)):
        n_classes = 0 if classes is None else len(classes)
        proba = np.asarray(probabilities, dtype=np.float64)
        return (proba.reshape(0, n_classes) if proba.size == 0 else proba), classes
    keys = list(probabilities[0].keys())
    labels = {str(c): c for c in ([] if classes is None else list(classes))}
    matrix = np.array(
        [[row.get(k, np.nan) for k in keys] for row in probabilities], dtype=np.float64
    )
    return matrix, [labels.get(k, k) for k in keys]


def prediction_to_infer_response(
    predictions: Any,
    probabilities: Any = None,
    classes: Sequence[Any] | None = None,
    *,
    model_name: str = "",
    model_version: str = "",
    request_id: str = "",
) -> pb.ModelInferResponse:
    """`probabilities`: an [n, k] matrix whose columns are `classes`, or (as skyulf_core's
    PredictionResult has them) one ``{str(class): p}`` per row."""
    response = pb.ModelInferResponse(
        model_name=model_name, model_version=model_version, id=request_id
    )
    if isinstance(predictions, list) and predictions and is_plain(predictions):
        n = len(predictions)
        write_column(response.outputs.add(name=PREDICT), plain_column(PREDICT, predictions))
    else:
        datatype, values, nulls = _column(pd.Series(np.asarray(predictions)))
        n = len(values)
        out = response.outputs.add(name=PREDICT, datatype=datatype, shape=[n])
        write_contents(out, datatype, values, nulls)
    if probabilities is not None:
        proba, classes = _probability_matrix(probabilities, classes)
        if proba.ndim != 2 or proba.shape[0] != n:
            raise InvalidArgument(
                f"probabilities have shape {list(proba.shape)}, expected [{n}, k]",
                details={"output": PREDICT_PROBA},
            )
        labels = [
            c.item() if isinstance(c, np.generic) else c
            for c in ([] if classes is None else list(classes))
        ]
        if len(labels) != proba.shape[1]:
            raise InvalidArgument(
                f"{len(labels)} classes for {proba.shape[1]} probability columns",
                details={"output": PREDICT_PROBA, "field": CLASSES},
            )
        tensor = response.outputs.add(name=PREDICT_PROBA, datatype="FP64", shape=list(proba.shape))
        set_parameters(tensor.parameters, {CLASSES: json.dumps(labels, default=str)})
        tensor.contents.fp64_contents.extend(proba.ravel().tolist())
    return response
