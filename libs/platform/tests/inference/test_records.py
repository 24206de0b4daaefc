"""The plain-Python records translation agrees with the pandas codec on every JSON value."""

from __future__ import annotations

import json
import struct

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import skyulf_platform.inference.codec as codec
from inference import grpc_predict_v2_pb2 as pb
from skyulf_errors import InvalidArgument
from skyulf_platform.inference import records

# Values JSON gives: null, booleans, integers (some beyond int64), floats (NaN and inf too),
# strings, and nested lists/objects.
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.sampled_from("ab"), st.integers(0, 3), max_size=1),
)
ROWS = st.lists(st.dictionaries(st.sampled_from(["a", "b", "c"]), VALUES), min_size=1, max_size=6)
# A column of one kind, as real data mostly is (mixed columns are covered by VALUES above).
TYPED_ROWS = st.one_of(
    *(
        st.lists(st.fixed_dictionaries({"x": st.one_of(st.none(), kind)}), min_size=1, max_size=6)
        for kind in (st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(), st.text())
    )
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(ROWS, TYPED_ROWS))
def test_rows_encode_exactly_as_the_pandas_codec_does(rows: list) -> None:
    if not any(rows):  # no column at all: both refuse or agree below
        rows = [*rows, {"a": 1}]
    try:
        expected = codec.frame_to_infer_request(pd.DataFrame.from_records(rows))
    except InvalidArgument as e:
        with pytest.raises(InvalidArgument, match="too large"):
            records.rows_to_infer_request(rows)
        assert "too large" in str(e)
        return
    assert records.rows_to_infer_request(rows) == expected
    assert codec.rows_to_infer_request(rows) == expected


def test_missing_values_are_named_by_position_for_non_float_columns() -> None:
    request = records.rows_to_infer_request([{"a": True, "b": "x"}, {"a": None, "b": None}])
    a, b = request.inputs
    assert (a.datatype, list(a.contents.bool_contents)) == ("BOOL", [True, False])
    assert json.loads(a.parameters["null_indices"].string_param) == [1]
    assert (b.datatype, list(b.contents.bytes_contents)) == ("BYTES", [b"x", b""])


@pytest.mark.parametrize("rows", [[], [1], ["a"]])
def test_what_is_not_rows_is_refused(rows: list) -> None:
    with pytest.raises(InvalidArgument):
        records.rows_to_infer_request(rows)


def test_a_classifier_response_decodes_like_the_codec_wrote_it() -> None:
    response = codec.prediction_to_infer_response(
        ["yes", None], [[0.25, 0.75], [0.5, 0.5]], ["no", "yes"]
    )
    decoded = records.infer_response_to_prediction(response)
    assert decoded.predictions == ["yes", None]
    assert decoded.probabilities == [{"no": 0.25, "yes": 0.75}, {"no": 0.5, "yes": 0.5}]


def _raw_response() -> pb.ModelInferResponse:
    response = pb.ModelInferResponse(model_name="m")
    response.outputs.add(name="predict", datatype="INT32", shape=[2])
    proba = response.outputs.add(name="predict_proba", datatype="FP32", shape=[2, 2])
    proba.parameters["classes"].string_param = json.dumps([0, 1])
    response.raw_output_contents.append(struct.pack("<2i", 1, 0))
    response.raw_output_contents.append(struct.pack("<4f", 0.25, 0.75, 1.0, 0.0))
    return response


def test_raw_output_contents_from_another_v2_server_are_decoded() -> None:
    decoded = records.infer_response_to_prediction(_raw_response())
    assert decoded.predictions == [1, 0]
    assert decoded.probabilities == [{"0": 0.25, "1": 0.75}, {"0": 1.0, "1": 0.0}]


def test_a_response_whose_values_disagree_with_its_shape_is_refused() -> None:
    response = _raw_response()
    response.outputs[0].shape[:] = [3]
    with pytest.raises(InvalidArgument, match="shape"):
        records.infer_response_to_prediction(response)


def test_a_response_without_predictions_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="no output 'predict'"):
        records.infer_response_to_prediction(pb.ModelInferResponse())
