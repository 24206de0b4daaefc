"""The deployable pipeline: file round trip, signature checks, one output per row."""

from __future__ import annotations

import io
import itertools
import json

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

from skyulf_core.bundle import MANIFEST_FILE, MODEL_FILE, FittedPipeline
from skyulf_core.bundle.pipeline import ONNX_FILE, REFERENCE_FILE
from skyulf_core.graph import train_pipeline
from skyulf_errors import DataLoss, InvalidArgument


@pytest.fixture(scope="module")
def fitted() -> FittedPipeline:
    from pathlib import Path

    churn = pd.read_csv(Path(__file__).parents[1] / "data" / "churn_300.csv")
    nodes = [
        ("drop", "DropMissingColumns", {"columns": ["customer_id", "signup_date"]}),
        ("flag", "MissingIndicator", {"columns": ["income"]}),
        ("split", "TrainTestSplitter", {"target_column": "churned"}),
        ("impute_num", "SimpleImputer", {"strategy": "median"}),
        ("impute_cat", "SimpleImputer", {"strategy": "most_frequent", "columns": ["city"]}),
        ("encode", "OneHotEncoder", {"columns": ["city", "plan_type"]}),
        ("scale", "StandardScaler", {}),
        ("model", "random_forest_classifier", {}),
    ]
    graph = {
        "nodes": [{"id": i, "type": t, "params": p} for i, t, p in nodes],
        "edges": [{"source": a[0], "target": b[0]} for a, b in itertools.pairwise(nodes)],
    }
    return train_pipeline(graph, churn).fitted


def test_signature_lists_raw_inputs_without_target_or_dropped(fitted: FittedPipeline) -> None:
    names = fitted.signature.input_names
    assert names == [
        "age",
        "income",
        "tenure_months",
        "city",
        "lat",
        "lon",
        "plan_type",
        "monthly_spend",
    ]
    kinds = {c.name: c.kind for c in fitted.signature.inputs}
    assert kinds["tenure_months"] == "integer" and kinds["city"] == "string"
    assert fitted.signature.output.classes == [0, 1]


def test_files_round_trip_gives_identical_predictions(
    fitted: FittedPipeline, churn: pd.DataFrame
) -> None:
    files = fitted.to_files()
    # The forest is served by ONNX Runtime: it converts and agrees with scikit-learn.
    assert set(files) == {MANIFEST_FILE, MODEL_FILE, ONNX_FILE, REFERENCE_FILE}
    # The training split's statistics travel with the bundle: the reference for drift.
    restored_reference = FittedPipeline.from_files(files).reference
    assert restored_reference is not None and restored_reference == fitted.reference
    assert {c.name for c in restored_reference.columns} == {c.name for c in fitted.signature.inputs}
    manifest = json.loads(files[MANIFEST_FILE])
    assert manifest["runtime"] == "onnxruntime"
    assert [r["node_id"] for r in manifest["records"]] == [
        "drop",
        "flag",
        "impute_num",
        "impute_cat",
        "encode",
        "scale",
    ]
    loaded = FittedPipeline.from_files(files)
    a, b = fitted.predict(churn), loaded.predict(churn)
    assert a == b
    assert len(a.predictions) == 300
    # float32 probabilities from ONNX Runtime (see skyulf_core.bundle.compiled).
    assert all(abs(sum(p.values()) - 1) < 1e-6 for p in a.probabilities)


def test_missing_column_is_named(fitted: FittedPipeline, churn: pd.DataFrame) -> None:
    with pytest.raises(InvalidArgument, match=r"missing input column.*city") as info:
        fitted.predict(churn.drop(columns=["city"]))
    assert info.value.details["column"] == "city"


def test_extra_and_dropped_columns_are_not_needed(
    fitted: FittedPipeline, churn: pd.DataFrame
) -> None:
    rows = churn.drop(columns=["customer_id", "signup_date", "churned"]).head(3)
    assert fitted.predict(rows.assign(unused="x")) == fitted.predict(churn.head(3))


def test_uncastable_value_names_the_column(fitted: FittedPipeline, churn: pd.DataFrame) -> None:
    bad = churn.head(2).astype({"age": object})
    bad.loc[bad.index[0], "age"] = "abc"
    with pytest.raises(InvalidArgument, match=r"'age'.*abc") as info:
        fitted.predict(bad)
    assert info.value.details["column"] == "age"


def test_single_json_like_row_with_missing_and_unseen_values(fitted: FittedPipeline) -> None:
    row = pd.DataFrame(
        [
            {
                "age": None,
                "income": "52000",
                "tenure_months": 12.0,
                "city": "Atlantis",
                "lat": 40.7,
                "lon": -74.0,
                "plan_type": "basic",
                "monthly_spend": 30,
            }
        ]
    )
    result = fitted.predict(row)
    assert len(result.predictions) == 1 and result.predictions[0] in (0, 1)
    assert set(result.probabilities[0]) == {"0", "1"}


def test_one_output_per_row_and_empty_input(fitted: FittedPipeline, churn: pd.DataFrame) -> None:
    assert len(fitted.predict(churn.head(17)).predictions) == 17
    empty = fitted.predict(churn.head(0))
    assert empty.predictions == [] and empty.probabilities == []


def test_infinite_input_is_imputed_like_a_missing_value(
    fitted: FittedPipeline, churn: pd.DataFrame
) -> None:
    # The median imputer covers every numeric column and treats ±inf as missing.
    as_inf = fitted.predict(churn.head(3).assign(tenure_months=[1, np.inf, 3]))
    as_nan = fitted.predict(churn.head(3).assign(tenure_months=[1, np.nan, 3]))
    assert as_inf == as_nan


def test_bundle_with_a_foreign_model_is_refused(fitted: FittedPipeline) -> None:
    files = fitted.to_files()
    buffer = io.BytesIO()
    joblib.dump(LinearRegression(), buffer)
    with pytest.raises(DataLoss, match="LinearRegression") as info:
        FittedPipeline.from_files({**files, MODEL_FILE: buffer.getvalue()})
    assert info.value.details["file"] == MODEL_FILE


def test_bundle_with_missing_or_broken_manifest_is_refused(fitted: FittedPipeline) -> None:
    files = fitted.to_files()
    with pytest.raises(DataLoss, match=MANIFEST_FILE):
        FittedPipeline.from_files({MODEL_FILE: files[MODEL_FILE]})
    with pytest.raises(DataLoss, match=MANIFEST_FILE):
        FittedPipeline.from_files({**files, MANIFEST_FILE: b"{}"})


def test_missing_value_with_no_imputer_names_the_column(churn: pd.DataFrame, churn_graph) -> None:
    graph = churn_graph()
    graph["nodes"][2]["params"]["columns"] = ["age", "income", "lat", "lon"]
    pipeline = train_pipeline(graph, churn).fitted
    row = churn.head(1).assign(tenure_months=[None])
    with pytest.raises(InvalidArgument, match=r"tenure_months.*imputer") as info:
        pipeline.predict(row)
    assert info.value.details["column"] == "tenure_months"
