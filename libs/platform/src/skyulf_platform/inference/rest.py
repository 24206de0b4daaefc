"""The Open Inference Protocol v2 REST JSON bodies <-> the gRPC messages.

``{"id", "parameters", "inputs": [{"name", "shape", "datatype", "parameters", "data"}],
"outputs": [{"name", "parameters"}]}`` for a request, ``{"model_name", "model_version", "id",
"parameters", "outputs": [...]}`` for a response. ``data`` is flat or nested row-major; BYTES
elements are UTF-8 strings. JSON has no NaN, so a missing element is ``null`` in ``data``: it
becomes NaN in a floating tensor and a ``null_indices`` entry in any other (and back).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
from google.protobuf.message import Message

from inference import grpc_predict_v2_pb2 as pb
from skyulf_errors import InvalidArgument
from skyulf_platform.inference.tensors import (
    DATATYPES,
    FLOAT_TYPES,
    NULL_INDICES,
    element_count,
    parameters_to_dict,
    read_tensor,
    set_parameters,
    write_contents,
)


def _bad(name: str, message: str, field: str = "data") -> InvalidArgument:
    return InvalidArgument(f"input {name!r}: {message}", details={"input": name, "field": field})


def _flatten(data: list[Any]) -> list[Any]:
    if not any(isinstance(v, list) for v in data):
        return data
    out: list[Any] = []
    stack = [iter(data)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, list):
                stack.append(iter(item))
                break
            out.append(item)
        else:
            stack.pop()
    return out


_PLAIN_NUMBERS = frozenset({int, float})


def _plain_values(datatype: str, flat: list[Any]) -> tuple[np.ndarray, np.ndarray] | None:
    """The common case without per-element numpy work: FP64 numbers or INT64 integers, none
    missing. ``None`` when :func:`_values` must check the elements one by one."""
    if datatype == "FP64" and all(v.__class__ in _PLAIN_NUMBERS for v in flat):
        return np.array(flat, dtype=np.float64), np.zeros(len(flat), dtype=bool)
    if datatype == "INT64" and all(v.__class__ is int for v in flat):
        try:
            return np.array(flat, dtype=np.int64), np.zeros(len(flat), dtype=bool)
        except OverflowError:
            return None
    return None


def _values(name: str, datatype: str, flat: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """JSON elements -> (numpy values, missing mask), checking each element's JSON type."""
    plain = _plain_values(datatype, flat)
    if plain is not None:
        return plain
    obj = np.empty(len(flat), dtype=object)
    obj[:] = flat
    nulls = np.array([v is None for v in flat], dtype=bool)
    present = obj[~nulls]
    if datatype == "BYTES":
        if not all(isinstance(v, str) for v in present):
            raise _bad(name, "BYTES data must be strings")
        out = np.empty(len(flat), dtype=object)
        out[:] = [b"" if v is None else v.encode() for v in flat]
        return out, nulls
    if datatype == "BOOL":
        if not all(isinstance(v, bool) for v in present):
            raise _bad(name, "BOOL data must be true or false")
        return np.where(nulls, False, obj).astype(bool), nulls
    numbers = np.asarray(present.tolist())
    if len(present) and (numbers.dtype.kind not in "iuf" or numbers.dtype == object):
        raise _bad(name, f"{datatype} data must be numbers")
    dtype = DATATYPES[datatype][1]
    if datatype in FLOAT_TYPES:
        values = np.full(len(flat), np.nan, dtype=np.float64)
        values[~nulls] = numbers
        return values.astype(dtype), nulls
    if numbers.dtype.kind == "f" and not np.all(np.mod(numbers, 1) == 0):
        raise _bad(name, f"{datatype} data must be whole numbers")
    values = np.zeros(len(flat), dtype=dtype)
    try:
        with np.errstate(all="raise"):
            values[~nulls] = numbers.astype(dtype, casting="unsafe")
            if len(present) and not np.array_equal(values[~nulls], numbers):
                raise FloatingPointError
    except (OverflowError, FloatingPointError, ValueError) as e:
        raise _bad(name, f"a value does not fit {datatype}") from e
    return values, nulls


def _tensor_from_json(tensor: Message, body: Any, index: int, *, with_data: bool) -> None:
    if not isinstance(body, Mapping):
        raise InvalidArgument(
            f"input {index} must be an object", details={"field": "inputs", "index": index}
        )
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidArgument(
            f"input {index} has no name", details={"field": "inputs", "index": index}
        )
    tensor.name = name  # type: ignore[attr-defined]
    params = body.get("parameters") or {}
    if not isinstance(params, Mapping):
        raise _bad(name, "parameters must be an object", "parameters")
    if not with_data:
        set_parameters(tensor.parameters, params)  # type: ignore[attr-defined]
        return
    datatype, shape, data = body.get("datatype"), body.get("shape"), body.get("data")
    if datatype not in DATATYPES:
        raise _bad(name, f"unknown datatype {datatype!r}", "datatype")
    if not isinstance(shape, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) for d in shape
    ):
        raise _bad(name, "shape must be a list of integers", "shape")
    if not isinstance(data, list):
        raise _bad(name, "data must be a list")
    flat = _flatten(data)
    size = element_count(name, shape)
    if len(flat) != size:
        raise _bad(name, f"shape {shape} holds {size} elements but data has {len(flat)}", "shape")
    if datatype == "FP64" and not params and all(v.__class__ in _PLAIN_NUMBERS for v in flat):
        # Plain numbers, none missing: straight into the typed contents, no numpy round trip.
        tensor.datatype = datatype  # type: ignore[attr-defined]
        tensor.shape.extend(shape)  # type: ignore[attr-defined]
        tensor.contents.fp64_contents.extend(flat)  # type: ignore[attr-defined]
        return
    values, nulls = _values(name, datatype, flat)
    extra_nulls = params.get(NULL_INDICES)
    if extra_nulls is not None:
        try:
            nulls[np.asarray(json.loads(extra_nulls), dtype=np.int64)] = True
        except (ValueError, TypeError, IndexError) as e:
            raise _bad(name, f"{NULL_INDICES} must list positions in the data", NULL_INDICES) from e
    tensor.datatype = datatype  # type: ignore[attr-defined]
    tensor.shape.extend(shape)  # type: ignore[attr-defined]
    set_parameters(
        tensor.parameters,  # type: ignore[attr-defined]
        {k: v for k, v in params.items() if k != NULL_INDICES},
    )
    write_contents(tensor, datatype, values, nulls)


def _tensor_to_json(tensor: Message, raw: bytes | None) -> dict[str, Any]:
    decoded = read_tensor(tensor, raw)
    if decoded.datatype == "BYTES":
        try:
            data = [v.decode() for v in decoded.values]
        except UnicodeDecodeError as e:
            raise _bad(decoded.name, "BYTES that are not UTF-8 cannot be sent as JSON") from e
    else:
        data = decoded.values.tolist()
    if decoded.has_nulls:
        for i in np.flatnonzero(decoded.nulls).tolist():
            data[i] = None
    params = parameters_to_dict(tensor.parameters)  # type: ignore[attr-defined]
    params.pop(NULL_INDICES, None)
    body: dict[str, Any] = {
        "name": decoded.name,
        "shape": decoded.shape,
        "datatype": decoded.datatype,
        "data": data,
    }
    if params:
        body["parameters"] = params
    return body


def _object(body: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise InvalidArgument(f"the {what} body must be a JSON object", details={"field": "body"})
    params = body.get("parameters") or {}
    if not isinstance(params, Mapping):
        raise InvalidArgument("parameters must be an object", details={"field": "parameters"})
    return body


def infer_request_from_json(
    body: Any, *, model_name: str = "", model_version: str = ""
) -> pb.ModelInferRequest:
    body = _object(body, "request")
    request = pb.ModelInferRequest(
        model_name=model_name, model_version=model_version, id=str(body.get("id") or "")
    )
    set_parameters(request.parameters, body.get("parameters") or {})
    inputs = body.get("inputs")
    if not isinstance(inputs, list) or not inputs:
        raise InvalidArgument("inputs must be a non-empty list", details={"field": "inputs"})
    for i, item in enumerate(inputs):
        _tensor_from_json(request.inputs.add(), item, i, with_data=True)
    for i, item in enumerate(body.get("outputs") or []):
        _tensor_from_json(request.outputs.add(), item, i, with_data=False)
    return request


def infer_request_to_json(request: pb.ModelInferRequest) -> dict[str, Any]:
    raw = list(request.raw_input_contents)
    body: dict[str, Any] = {
        "inputs": [
            _tensor_to_json(t, raw[i] if raw else None) for i, t in enumerate(request.inputs)
        ]
    }
    if request.id:
        body["id"] = request.id
    if request.parameters:
        body["parameters"] = parameters_to_dict(request.parameters)
    if request.outputs:
        body["outputs"] = [
            {"name": o.name, "parameters": parameters_to_dict(o.parameters)}
            for o in request.outputs
        ]
    return body


def infer_response_from_json(body: Any) -> pb.ModelInferResponse:
    body = _object(body, "response")
    response = pb.ModelInferResponse(
        model_name=str(body.get("model_name") or ""),
        model_version=str(body.get("model_version") or ""),
        id=str(body.get("id") or ""),
    )
    set_parameters(response.parameters, body.get("parameters") or {})
    outputs = body.get("outputs")
    if not isinstance(outputs, list):
        raise InvalidArgument("outputs must be a list", details={"field": "outputs"})
    for i, item in enumerate(outputs):
        _tensor_from_json(response.outputs.add(), item, i, with_data=True)
    return response


def infer_response_to_json(response: pb.ModelInferResponse) -> dict[str, Any]:
    raw = list(response.raw_output_contents)
    body: dict[str, Any] = {
        "model_name": response.model_name,
        "model_version": response.model_version or None,
        "outputs": [
            _tensor_to_json(t, raw[i] if raw else None) for i, t in enumerate(response.outputs)
        ],
    }
    if response.id:
        body["id"] = response.id
    if response.parameters:
        body["parameters"] = parameters_to_dict(response.parameters)
    return body
