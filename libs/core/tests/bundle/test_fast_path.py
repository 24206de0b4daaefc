"""The array fast path gives the pandas path's predictions, probabilities, casts and errors."""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import skyulf_core.bundle.chain as chain_module
from skyulf_core.bundle import FittedPipeline, PredictionResult
from skyulf_core.graph import train_pipeline
from skyulf_errors import InvalidArgument, NodeError, SkyulfError

DATA = Path(__file__).parents[1] / "data" / "churn_300.csv"
SCALED = ["age", "income", "tenure_months", "monthly_spend", "lat", "lon"]


def _slice_graph(model: str, handle_unknown: str = "ignore") -> dict[str, Any]:
    nodes = [
        ("split", "TrainTestSplitter", {"target_column": "churned"}),
        ("impute_num", "SimpleImputer", {"strategy": "median", "columns": ["age", "income"]}),
        ("impute_geo", "SimpleImputer", {"strategy": "mean", "columns": ["lat", "lon"]}),
        ("impute_cat", "SimpleImputer", {"strategy": "most_frequent", "columns": ["city"]}),
        (
            "encode",
            "OneHotEncoder",
            {"columns": ["city", "plan_type"], "handle_unknown": handle_unknown},
        ),
        ("scale", "StandardScaler", {"columns": SCALED}),
        ("model", model, {}),
    ]
    return {
        "nodes": [{"id": i, "type": t, "params": p} for i, t, p in nodes],
        "edges": [{"source": a[0], "target": b[0]} for a, b in itertools.pairwise(nodes)],
    }


def _data() -> pd.DataFrame:
    return pd.read_csv(DATA).drop(columns=["customer_id", "signup_date"])


@pytest.fixture(scope="module", params=["logistic_regression", "random_forest_classifier"])
def fitted(request: pytest.FixtureRequest) -> FittedPipeline:
    return train_pipeline(_slice_graph(request.param), _data()).fitted


def _pandas_only(fitted: FittedPipeline) -> FittedPipeline:
    slow = FittedPipeline.from_files(fitted.to_files())
    slow.chain.fast_path_max_rows = 0
    return slow


def _fast_only(fitted: FittedPipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any fall-back to the pandas path fail loudly, to prove the array path ran."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the pandas path ran")

    fitted.chain.fast_path_max_rows = 1_000_000
    monkeypatch.setattr(chain_module, "conform", refuse)
    monkeypatch.setattr(chain_module, "feature_matrix", refuse)


def _same(a: PredictionResult, b: PredictionResult) -> None:
    assert a.predictions == b.predictions
    assert a.classes == b.classes
    assert a.probabilities == b.probabilities  # exact, not approximately


def _rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    # What a JSON body decodes to: None for missing, plain Python numbers and strings.
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
        for r in df.astype(object).to_dict(orient="records")
    ]


def test_slice_pipeline_is_eligible(fitted: FittedPipeline) -> None:
    assert fitted.chain.has_array_path
    assert fitted.chain.fast_path_max_rows >= 1


def test_whole_dataset_same_predictions_and_probabilities(
    fitted: FittedPipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _data().drop(columns=["churned"])
    expected = _pandas_only(fitted).predict(data)
    rows = _rows(data)
    _fast_only(fitted, monkeypatch)
    _same(fitted.predict(data), expected)
    _same(fitted.predict_rows(rows), expected)
    assert expected.probabilities is not None and len(expected.probabilities) == 300


def test_single_rows_same_as_pandas_path(
    fitted: FittedPipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _data().drop(columns=["churned"])
    slow = _pandas_only(fitted)
    picked = range(0, len(data), 14)  # rows with missing ages, incomes, cities among them
    expected = {i: slow.predict(data.iloc[[i]]) for i in picked}
    rows = _rows(data)
    _fast_only(fitted, monkeypatch)
    for i in picked:
        _same(fitted.predict_rows([rows[i]]), expected[i])
        _same(fitted.predict(data.iloc[[i]]), expected[i])


def test_missing_unseen_extra_and_absent_values(
    fitted: FittedPipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows: list[dict[str, Any]] = [
        {"age": None, "income": 52000, "tenure_months": 12.0, "city": "Atlantis", "lat": 40.7,
         "lon": -74.0, "plan_type": "basic", "monthly_spend": 30, "unused": "x"},
        {"age": 30, "income": float("nan"), "tenure_months": 3, "city": None,
         "lat": float("inf"), "lon": None, "plan_type": "gold", "monthly_spend": 12.5},
        {"age": 41.0, "tenure_months": 7, "city": "Houston", "lat": 29.7, "lon": -95.4,
         "plan_type": "premium", "monthly_spend": 80.0},
    ]  # fmt: skip
    slow = _pandas_only(fitted)
    expected = slow.predict(pd.DataFrame(rows))
    # Alone, the third row lacks a column altogether: that is an error, not a missing value.
    one_by_one = [slow.predict(pd.DataFrame([row])) for row in rows[:2]]
    _fast_only(fitted, monkeypatch)
    _same(fitted.predict_rows(rows), expected)
    with pytest.raises(InvalidArgument, match=r"missing input column.*income"):
        fitted.predict_rows(rows[2:])
    for i, row in enumerate(rows[:2]):
        _same(fitted.predict_rows([row]), one_by_one[i])
        assert one_by_one[i].predictions == [expected.predictions[i]]


def test_values_only_pandas_can_cast_fall_back_to_it(fitted: FittedPipeline) -> None:
    row = {"age": "37", "income": "52000", "tenure_months": "12", "city": 5, "lat": 40.7,
           "lon": -74.0, "plan_type": "basic", "monthly_spend": np.float32(30.5)}  # fmt: skip
    expected = _pandas_only(fitted).predict(pd.DataFrame([row]))
    _same(fitted.predict_rows([row]), expected)
    _same(fitted.predict(pd.DataFrame([row])), expected)


def _error(call: Any) -> SkyulfError:
    with pytest.raises(SkyulfError) as info:
        call()
    return info.value


def test_errors_are_identical_on_both_paths(fitted: FittedPipeline) -> None:
    slow = _pandas_only(fitted)
    good = _rows(_data().drop(columns=["churned"]).head(1))[0]
    cases = [
        {k: v for k, v in good.items() if k != "city"},
        {**good, "age": "abc"},
        {**good, "tenure_months": True},
    ]
    for row in cases:
        want = _error(lambda row=row: slow.predict(pd.DataFrame([row])))
        for got in (
            _error(lambda row=row: fitted.predict_rows([row])),
            _error(lambda row=row: fitted.predict(pd.DataFrame([row]))),
        ):
            assert type(got) is type(want) is InvalidArgument
            assert str(got) == str(want)
            assert got.details == want.details
    assert "city" in str(_error(lambda: fitted.predict_rows([cases[0]])))
    assert "'age'" in str(_error(lambda: fitted.predict_rows([cases[1]])))


def test_unknown_category_error_is_identical() -> None:
    fitted = train_pipeline(_slice_graph("logistic_regression", "error"), _data()).fitted
    row = {**_rows(_data().drop(columns=["churned"]).head(1))[0], "city": "Atlantis"}
    want = _error(lambda: _pandas_only(fitted).predict(pd.DataFrame([row])))
    got = _error(lambda: fitted.predict_rows([row]))
    assert isinstance(got, NodeError) and str(got) == str(want)
    assert "Atlantis" in str(got) and got.details["column"] == "city"


def test_nan_the_model_refuses_is_the_same_error() -> None:
    graph = _slice_graph("logistic_regression")
    graph["nodes"][2]["params"]["columns"] = ["lat"]  # lon is never imputed
    train = _data().dropna(subset=["lon"])
    fitted = train_pipeline(graph, train).fitted
    row = {**_rows(train.drop(columns=["churned"]).head(1))[0], "lon": None}
    want = _error(lambda: _pandas_only(fitted).predict(pd.DataFrame([row])))
    got = _error(lambda: fitted.predict_rows([row]))
    assert str(got) == str(want) and "lon" in str(got)


def test_rows_must_be_a_list_of_objects(fitted: FittedPipeline) -> None:
    with pytest.raises(InvalidArgument, match="list of objects"):
        fitted.predict_rows(["not a row"])  # type: ignore[list-item]
    assert fitted.predict_rows([]).predictions == []
