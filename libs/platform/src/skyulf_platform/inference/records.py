"""JSON records <-> Open Inference Protocol v2 messages, in plain Python (no numpy, no pandas).

The gateway's ``/predict`` speaks records (``{"rows": [{column: value}]}``) and the prediction
server speaks v2 tensors. This module is the translation for values that come from JSON (``None``,
booleans, numbers, strings, nested lists and objects), so the gateway needs no array library.
:mod:`skyulf_platform.inference.codec` uses it for such rows and keeps the pandas path for
anything else (numpy scalars, datetimes).

Column datatypes follow the codec's rules: all booleans -> BOOL; all integers within 64 bits and
none missing -> INT64; integers and floats -> FP64 (missing as NaN); anything else -> BYTES of
each value's ``str`` (missing as ``null_indices``). A column with no value at all is FP64 NaN.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from inference import grpc_predict_v2_pb2 as pb
from skyulf_errors import InvalidArgument

CONTENT_TYPE = "pd"
PREDICT = "predict"
PREDICT_PROBA = "predict_proba"
CLASSES = "classes"
NULL_INDICES = "null_indices"

JSON_SCALARS = (type(None), bool, int, float, str, list, dict)
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_NAN = float("nan")
_NUMBERS_OR_GAPS = frozenset({int, float, type(None)})

# datatype -> (typed contents field, struct format of one raw little-endian element)
_FIELDS: dict[str, tuple[str | None, str]] = {
    "BOOL": ("bool_contents", "?"),
    "UINT8": ("uint_contents", "B"),
    "UINT16": ("uint_contents", "H"),
    "UINT32": ("uint_contents", "I"),
    "UINT64": ("uint64_contents", "Q"),
    "INT8": ("int_contents", "b"),
    "INT16": ("int_contents", "h"),
    "INT32": ("int_contents", "i"),
    "INT64": ("int64_contents", "q"),
    "FP16": (None, "e"),
    "FP32": ("fp32_contents", "f"),
    "FP64": ("fp64_contents", "d"),
    "BYTES": ("bytes_contents", ""),
}
_FLOATS = frozenset({"FP16", "FP32", "FP64"})


class DecodedPrediction(BaseModel):
    """A response as a client sees it: one prediction per row, and per-class probabilities."""

    predictions: list[Any]
    probabilities: list[dict[str, float]] | None = None


def is_plain(values: Sequence[Any]) -> bool:
    """Whether every value is of a type JSON produces (what this module's rules are for)."""
    return all(type(v) in JSON_SCALARS for v in values)


def plain_column(name: str, values: Sequence[Any]) -> tuple[str, list[Any], list[int]]:
    """(datatype, contents, missing positions) for one column of JSON values."""
    kinds = set(map(type, values))
    if kinds <= _NUMBERS_OR_GAPS:
        # Numbers (a NaN among them is a number here, and stays NaN) and gaps: no test per value.
        if kinds == {int} and min(values) >= _INT64_MIN and max(values) <= _INT64_MAX:
            return "INT64", list(values), []
        try:
            if type(None) in kinds:
                return "FP64", [_NAN if v is None else float(v) for v in values], []
            return "FP64", list(map(float, values)), []
        except OverflowError as e:
            raise InvalidArgument(
                f"column {name!r} has a number too large to send (beyond a 64-bit float)",
                details={"column": name},
            ) from e
    nulls = [i for i, v in enumerate(values) if v is None or (isinstance(v, float) and v != v)]
    if nulls:
        missing = set(nulls)
        kinds = {type(v) for i, v in enumerate(values) if i not in missing}
        if kinds == {bool}:
            return "BOOL", [v is True for v in values], nulls
        encoded = [b"" if i in missing else str(v).encode() for i, v in enumerate(values)]
        return "BYTES", encoded, nulls
    if kinds == {bool}:
        return "BOOL", list(values), []
    return "BYTES", [str(v).encode() for v in values], []


def write_column(tensor: Any, column: tuple[str, list[Any], list[int]]) -> None:
    """Fill an input or output tensor (its name set) with a column from :func:`plain_column`."""
    datatype, contents, nulls = column
    tensor.datatype = datatype
    tensor.shape[:] = [len(contents)]
    if nulls and datatype not in _FLOATS:
        tensor.parameters[NULL_INDICES].string_param = json.dumps(nulls)
    field = _FIELDS[datatype][0]
    assert field is not None
    getattr(tensor.contents, field).extend(contents)


def new_request(model_name: str, model_version: str, request_id: str) -> pb.ModelInferRequest:
    request = pb.ModelInferRequest(
        model_name=model_name, model_version=model_version, id=request_id
    )
    request.parameters["content_type"].string_param = CONTENT_TYPE
    return request


def row_columns(rows: Sequence[Mapping[str, Any]]) -> dict[Any, list[Any]]:
    """Rows of ``{column: value}`` as columns (a key absent from a row is a missing value)."""
    if not rows:
        raise InvalidArgument("at least one row is required", details={"field": "rows"})
    names: dict[Any, None] = {}
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise InvalidArgument(
                f"row {i} is not an object of column: value", details={"field": "rows", "row": i}
            )
        names.update(dict.fromkeys(row))
    return {name: [row.get(name) for row in rows] for name in names}


def rows_to_infer_request(
    rows: Sequence[Mapping[str, Any]],
    *,
    model_name: str = "",
    model_version: str = "",
    request_id: str = "",
) -> pb.ModelInferRequest:
    """Rows of JSON values to a request, one input per column (MLServer's pandas codec)."""
    return columns_to_infer_request(
        row_columns(rows), model_name=model_name, model_version=model_version, request_id=request_id
    )


def columns_to_infer_request(
    columns: Mapping[Any, Sequence[Any]],
    *,
    model_name: str = "",
    model_version: str = "",
    request_id: str = "",
) -> pb.ModelInferRequest:
    """Columns of JSON values (``{name: values}``) to a request, one input per column."""
    request = new_request(model_name, model_version, request_id)
    for name, values in columns.items():
        write_column(request.inputs.add(name=str(name)), plain_column(str(name), values))
    return request


def _raw_values(name: str, datatype: str, raw: bytes) -> list[Any]:
    if datatype == "BYTES":
        out: list[Any] = []
        pos = 0
        while pos < len(raw):
            if pos + 4 > len(raw):
                raise InvalidArgument(f"output {name!r}: truncated raw BYTES contents")
            (n,) = struct.unpack_from("<I", raw, pos)
            out.append(raw[pos + 4 : pos + 4 + n])
            pos += 4 + n
        return out
    fmt = _FIELDS[datatype][1]
    size = struct.calcsize(fmt)
    if len(raw) % size:
        raise InvalidArgument(f"output {name!r}: raw contents are not a whole number of {datatype}")
    return list(struct.unpack(f"<{len(raw) // size}{fmt}", raw))


def _output_values(tensor: pb.ModelInferResponse.InferOutputTensor, raw: bytes | None) -> list[Any]:
    """The flat values of an output, with ``None`` where missing."""
    datatype = tensor.datatype
    if datatype not in _FIELDS:
        raise InvalidArgument(f"output {tensor.name!r} has unknown datatype {datatype!r}")
    field = _FIELDS[datatype][0]
    if raw is not None:
        values = _raw_values(tensor.name, datatype, raw)
    elif field is None:
        raise InvalidArgument(f"output {tensor.name!r}: {datatype} comes only as raw contents")
    else:
        values = list(getattr(tensor.contents, field))
    size = math.prod(tensor.shape) if tensor.shape else 1
    if len(values) != size:
        raise InvalidArgument(
            f"output {tensor.name!r} has shape {list(tensor.shape)} but {len(values)} values",
            details={"output": tensor.name},
        )
    if datatype == "BYTES":
        values = [v.decode(errors="replace") for v in values]
    if datatype in _FLOATS:
        values = [None if math.isnan(v) else v for v in values]
    if NULL_INDICES in tensor.parameters:
        try:
            positions = json.loads(tensor.parameters[NULL_INDICES].string_param)
            for i in positions:
                values[i] = None
        except (ValueError, TypeError, IndexError) as e:
            raise InvalidArgument(
                f"output {tensor.name!r}: bad {NULL_INDICES}", details={"output": tensor.name}
            ) from e
    return values


def infer_response_to_prediction(response: pb.ModelInferResponse) -> DecodedPrediction:
    """A response's ``predict`` output and, for classifiers, ``{str(class): p}`` per row."""
    raw = list(response.raw_output_contents)
    outputs = {t.name: (t, raw[i] if raw else None) for i, t in enumerate(response.outputs)}
    if PREDICT not in outputs:
        raise InvalidArgument(
            f"the response has no output {PREDICT!r}", details={"output": PREDICT}
        )
    predictions = _output_values(*outputs[PREDICT])
    if PREDICT_PROBA not in outputs:
        return DecodedPrediction(predictions=predictions)
    tensor, tensor_raw = outputs[PREDICT_PROBA]
    shape = list(tensor.shape)
    try:
        param = tensor.parameters[CLASSES].string_param if CLASSES in tensor.parameters else ""
        classes = json.loads(param or "null")
    except ValueError:
        classes = None
    if len(shape) != 2 or not isinstance(classes, list) or len(classes) != shape[1]:
        raise InvalidArgument(
            f"output {PREDICT_PROBA!r} needs shape [n, k] and a JSON list of k {CLASSES}",
            details={"output": PREDICT_PROBA},
        )
    flat = [_NAN if v is None else float(v) for v in _output_values(tensor, tensor_raw)]
    k = shape[1]
    if len(flat) != shape[0] * k:
        raise InvalidArgument(
            f"output {PREDICT_PROBA!r} has shape {shape} but {len(flat)} values",
            details={"output": PREDICT_PROBA},
        )
    keys = [str(c) for c in classes]
    probabilities = [
        dict(zip(keys, flat[r * k : (r + 1) * k], strict=True)) for r in range(shape[0])
    ]
    return DecodedPrediction(predictions=predictions, probabilities=probabilities)
