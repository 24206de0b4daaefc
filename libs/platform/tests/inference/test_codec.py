"""The OIP v2 codec: rows <-> requests <-> frames, predictions <-> responses, JSON <-> protos."""

from __future__ import annotations

import json
import math
import struct

import numpy as np
import pandas as pd
import pytest

import skyulf_platform.inference.codec as codec
from inference import grpc_predict_v2_pb2 as pb
from skyulf_errors import InvalidArgument
from skyulf_platform.inference.codec import (
    DecodedPrediction,
    infer_request_from_json,
    infer_request_to_frame,
    infer_request_to_json,
    infer_response_from_json,
    infer_response_to_json,
    infer_response_to_prediction,
    prediction_to_infer_response,
    rows_to_infer_request,
)

ROWS = [
    {"age": 31, "income": 1200.5, "city": "Oslo", "member": True},
    {"age": None, "income": None, "city": None, "member": None},
    {"age": 45, "income": 80.0, "city": "Bergen", "member": False},
]


def _input(request: pb.ModelInferRequest, name: str) -> pb.ModelInferRequest.InferInputTensor:
    return next(t for t in request.inputs if t.name == name)


def test_rows_become_one_input_per_column_with_pd_content_type() -> None:
    request = rows_to_infer_request(
        [{"n": 1, "x": 0.5, "s": "a", "b": True}, {"n": 2, "x": 1.5, "s": "b", "b": False}]
    )
    assert request.parameters["content_type"].string_param == "pd"
    types = {t.name: (t.datatype, list(t.shape)) for t in request.inputs}
    assert types == {
        "n": ("INT64", [2]),
        "x": ("FP64", [2]),
        "s": ("BYTES", [2]),
        "b": ("BOOL", [2]),
    }
    assert list(_input(request, "n").contents.int64_contents) == [1, 2]
    assert list(_input(request, "s").contents.bytes_contents) == [b"a", b"b"]


def test_missing_values_use_nan_for_numbers_and_null_indices_otherwise() -> None:
    request = rows_to_infer_request(ROWS)
    age = _input(request, "age")
    assert age.datatype == "FP64"
    assert math.isnan(age.contents.fp64_contents[1])
    assert "null_indices" not in age.parameters
    for name in ("city", "member"):
        assert json.loads(_input(request, name).parameters["null_indices"].string_param) == [1]
    assert list(_input(request, "city").contents.bytes_contents) == [b"Oslo", b"", b"Bergen"]


def test_missing_values_survive_to_the_frame() -> None:
    frame = infer_request_to_frame(rows_to_infer_request(ROWS))
    assert list(frame.columns) == ["age", "income", "city", "member"]
    assert frame["age"].dtype == np.float64
    assert frame["age"].isna().tolist() == [False, True, False]
    assert frame["city"].tolist() == ["Oslo", None, "Bergen"]
    assert frame["member"].tolist() == [True, None, False]
    assert frame["income"].tolist()[0] == 1200.5


def test_a_key_absent_from_a_row_is_missing() -> None:
    frame = infer_request_to_frame(rows_to_infer_request([{"a": 1, "b": "x"}, {"a": 2}]))
    assert frame["b"].tolist() == ["x", None]
    assert frame["a"].tolist() == [1, 2]


def test_mixed_column_is_sent_as_strings() -> None:
    request = rows_to_infer_request([{"code": "A1"}, {"code": 7}])
    assert _input(request, "code").datatype == "BYTES"
    assert infer_request_to_frame(request)["code"].tolist() == ["A1", "7"]


def test_number_beyond_float_range_is_refused_naming_the_column() -> None:
    # JSON integers are unbounded; 10**400 fits no INT64 nor FP64 tensor.
    with pytest.raises(InvalidArgument, match="'age'") as exc:
        rows_to_infer_request([{"age": 10**400, "city": "Oslo"}])
    assert exc.value.details == {"column": "age"}
    # Beyond int64 but within float range still goes as FP64.
    assert _input(rows_to_infer_request([{"age": 10**30}]), "age").datatype == "FP64"


def test_empty_rows_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="at least one row"):
        rows_to_infer_request([])


def test_frame_from_mismatched_input_lengths_names_the_input() -> None:
    request = pb.ModelInferRequest()
    a = request.inputs.add(name="a", datatype="FP64", shape=[2])
    a.contents.fp64_contents.extend([1.0, 2.0])
    b = request.inputs.add(name="b", datatype="FP64", shape=[3])
    b.contents.fp64_contents.extend([1.0, 2.0, 3.0])
    with pytest.raises(InvalidArgument, match="'b' has 3 rows") as exc:
        infer_request_to_frame(request)
    assert exc.value.details["input"] == "b"


def test_shape_that_disagrees_with_the_data_names_the_input() -> None:
    request = pb.ModelInferRequest()
    a = request.inputs.add(name="age", datatype="INT64", shape=[3])
    a.contents.int64_contents.extend([1, 2])
    with pytest.raises(InvalidArgument, match="'age' has shape \\[3\\]"):
        infer_request_to_frame(request)


def test_two_dimensional_input_is_refused() -> None:
    request = pb.ModelInferRequest()
    a = request.inputs.add(name="pixels", datatype="INT64", shape=[1, 2])
    a.contents.int64_contents.extend([1, 2])
    with pytest.raises(InvalidArgument, match="'pixels' has shape \\[1, 2\\]"):
        infer_request_to_frame(request)


def test_unknown_datatype_names_the_input() -> None:
    request = pb.ModelInferRequest()
    request.inputs.add(name="age", datatype="COMPLEX", shape=[1])
    with pytest.raises(InvalidArgument, match="'age' has unknown datatype 'COMPLEX'"):
        infer_request_to_frame(request)


def test_raw_input_contents_are_decoded() -> None:
    request = pb.ModelInferRequest()
    request.inputs.add(name="x", datatype="FP32", shape=[2])
    request.inputs.add(name="s", datatype="BYTES", shape=[2])
    request.raw_input_contents.append(np.asarray([1.5, -2.0], dtype="<f4").tobytes())
    request.raw_input_contents.append(struct.pack("<I", 2) + b"hi" + struct.pack("<I", 3) + b"yo!")
    frame = infer_request_to_frame(request)
    assert frame["x"].tolist() == [1.5, -2.0]
    assert frame["s"].tolist() == ["hi", "yo!"]


def test_prediction_response_for_a_classifier() -> None:
    response = prediction_to_infer_response(
        np.asarray(["no", "yes"]),
        np.asarray([[0.75, 0.25], [0.1, 0.9]]),
        np.asarray(["no", "yes"]),
        model_name="churn",
        model_version="3",
    )
    predict, proba = response.outputs
    assert (predict.name, predict.datatype, list(predict.shape)) == ("predict", "BYTES", [2])
    assert (proba.name, proba.datatype, list(proba.shape)) == ("predict_proba", "FP64", [2, 2])
    assert json.loads(proba.parameters["classes"].string_param) == ["no", "yes"]
    decoded = infer_response_to_prediction(response)
    assert decoded == DecodedPrediction(
        predictions=["no", "yes"],
        probabilities=[{"no": 0.75, "yes": 0.25}, {"no": 0.1, "yes": 0.9}],
    )


@pytest.mark.parametrize(
    ("values", "datatype"),
    [([1, 0], "INT64"), ([1.5, 2.5], "FP64"), ([True, False], "BOOL"), (["a", "b"], "BYTES")],
)
def test_prediction_datatype_follows_the_values(values: list, datatype: str) -> None:
    response = prediction_to_infer_response(values)
    assert response.outputs[0].datatype == datatype
    assert len(response.outputs) == 1
    assert infer_response_to_prediction(response).predictions == values
    assert infer_response_to_prediction(response).probabilities is None


def test_probabilities_as_rows_of_class_dicts_keep_typed_labels() -> None:
    response = prediction_to_infer_response(
        [1, 0], [{"0": 0.2, "1": 0.8}, {"0": 0.6, "1": 0.4}], [0, 1]
    )
    proba = response.outputs[1]
    assert json.loads(proba.parameters["classes"].string_param) == [0, 1]
    assert list(proba.contents.fp64_contents) == [0.2, 0.8, 0.6, 0.4]
    assert infer_response_to_prediction(response).probabilities == [
        {"0": 0.2, "1": 0.8},
        {"0": 0.6, "1": 0.4},
    ]


def test_no_rows_give_empty_outputs() -> None:
    response = prediction_to_infer_response([], [], ["a", "b"])
    assert [list(o.shape) for o in response.outputs] == [[0], [0, 2]]
    assert infer_response_to_prediction(response).predictions == []


def test_probabilities_with_the_wrong_number_of_classes_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="1 classes for 2 probability columns"):
        prediction_to_infer_response([0], [[0.5, 0.5]], [0])


def test_request_json_round_trip_keeps_missing_values() -> None:
    request = rows_to_infer_request(ROWS)
    body = infer_request_to_json(request)
    assert body["parameters"] == {"content_type": "pd"}
    city = next(i for i in body["inputs"] if i["name"] == "city")
    assert city == {
        "name": "city",
        "shape": [3],
        "datatype": "BYTES",
        "data": ["Oslo", None, "Bergen"],
    }
    age = next(i for i in body["inputs"] if i["name"] == "age")
    assert age["data"] == [31.0, None, 45.0]
    json.dumps(body, allow_nan=False)
    again = infer_request_from_json(json.loads(json.dumps(body)), model_name="m")
    assert again.model_name == "m"
    pd.testing.assert_frame_equal(infer_request_to_frame(again), infer_request_to_frame(request))


def test_request_json_nested_data_and_int_nulls() -> None:
    body = {
        "inputs": [
            {"name": "n", "shape": [3, 1], "datatype": "INT64", "data": [[1], [None], [3]]},
        ]
    }
    request = infer_request_from_json(body)
    assert json.loads(request.inputs[0].parameters["null_indices"].string_param) == [1]
    frame = infer_request_to_frame(request)
    assert frame["n"].isna().tolist() == [False, True, False]


@pytest.mark.parametrize(
    ("tensor", "message"),
    [
        ({"name": "a", "shape": [2], "datatype": "FP64", "data": [1.0]}, "'a'.*1"),
        ({"name": "a", "shape": [1], "datatype": "FP99", "data": [1.0]}, "'a'.*unknown datatype"),
        ({"name": "a", "shape": [1], "datatype": "INT64", "data": ["x"]}, "'a'.*numbers"),
        ({"name": "a", "shape": [1], "datatype": "INT64", "data": [1.5]}, "'a'.*whole"),
        ({"name": "a", "shape": [1], "datatype": "INT8", "data": [300]}, "'a'.*does not fit"),
        ({"name": "a", "shape": [1], "datatype": "BOOL", "data": [1]}, "'a'.*true or false"),
        ({"name": "a", "shape": [1], "datatype": "BYTES", "data": [1]}, "'a'.*strings"),
        ({"name": "a", "shape": "1", "datatype": "FP64", "data": [1.0]}, "'a'.*shape"),
        ({"shape": [1], "datatype": "FP64", "data": [1.0]}, "input 0 has no name"),
    ],
)
def test_bad_json_inputs_name_the_input(tensor: dict, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        infer_request_from_json({"inputs": [tensor]})


def test_response_json_round_trip() -> None:
    response = prediction_to_infer_response(
        [1.5, float("nan")], model_name="m", model_version="2", request_id="r1"
    )
    body = infer_response_to_json(response)
    assert body["outputs"][0]["data"] == [1.5, None]
    assert (body["model_name"], body["model_version"], body["id"]) == ("m", "2", "r1")
    json.dumps(body, allow_nan=False)
    back = infer_response_from_json(body)
    assert infer_response_to_prediction(back).predictions == [1.5, None]
    assert back.model_version == "2"


@pytest.mark.parametrize(
    "rows",
    [
        [{"a": 1, "b": 2.5, "c": "x", "d": True}, {"a": 2, "b": None, "c": None, "d": False}],
        [{"a": 1}, {"a": None}],  # an integer column with a missing value is FP64
        [{"a": True}, {"a": None}],  # booleans with a missing value
        [{"a": 1, "b": "x"}, {"b": "y"}],  # an absent key
        [{"a": 2**70}],  # beyond int64: the frame path decides
        [{"a": 1}, {"a": "x"}],  # mixed: the frame path decides
        [{"a": float("nan")}],
    ],
)
def test_rows_encode_like_their_frame(rows: list) -> None:
    fast = codec.rows_to_infer_request(rows)
    via_frame = codec.frame_to_infer_request(pd.DataFrame.from_records(rows))
    assert fast == via_frame


def test_columns_decode_without_pandas_like_the_frame() -> None:
    rows = [{"a": 1, "b": 2.5, "c": "x", "d": True}, {"a": 2, "b": None, "c": None, "d": None}]
    request = codec.rows_to_infer_request(rows)
    columns = codec.infer_request_to_columns(request)
    assert columns["a"].dtype == np.int64 and columns["a"].tolist() == [1, 2]
    assert np.isnan(columns["b"][1])
    assert columns["c"].tolist() == ["x", None]
    assert columns["d"].tolist() == [True, None]
    frame = codec.infer_request_to_frame(request)
    assert frame["c"].dtype == object and frame["c"].tolist() == ["x", None]
