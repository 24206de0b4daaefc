"""Models compiled to ONNX: converted when they agree with scikit-learn, refused otherwise."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

from skyulf_core.bundle import MANIFEST_FILE, FittedPipeline
from skyulf_core.bundle.compiled import (
    ATOL,
    RTOL,
    RUNTIME_ONNX,
    CompiledModel,
    agrees,
    compile_model,
)
from skyulf_core.bundle.pipeline import ONNX_FILE
from skyulf_core.graph import train_pipeline
from skyulf_errors import DataLoss


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize(
    "model",
    [
        LogisticRegression(max_iter=1000),
        RandomForestClassifier(n_estimators=20, random_state=0),
    ],
)
def test_classifiers_compile_and_agree(model: object, data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    model.fit(X, y)  # type: ignore[attr-defined]
    onnx = compile_model(model, X, classifier=True)
    assert onnx is not None
    labels, proba = CompiledModel(onnx, classifier=True).run(X)
    assert np.array_equal(labels, model.predict(X))  # type: ignore[attr-defined]
    assert proba is not None
    assert np.allclose(proba, model.predict_proba(X), RTOL, ATOL)  # type: ignore[attr-defined]


@pytest.mark.parametrize("model", [Ridge(), RandomForestRegressor(n_estimators=10, random_state=0)])
def test_regressors_compile_and_agree(model: object, data: tuple[np.ndarray, np.ndarray]) -> None:
    X, _ = data
    target = X[:, 0] * 3 + X[:, 1]
    model.fit(X, target)  # type: ignore[attr-defined]
    onnx = compile_model(model, X, classifier=False)
    assert onnx is not None
    values, _ = CompiledModel(onnx, classifier=False).run(X)
    assert np.allclose(values, model.predict(X), RTOL, ATOL)  # type: ignore[attr-defined]


def test_other_models_stay_on_sklearn(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    assert compile_model(KNeighborsClassifier().fit(X, y), X, classifier=True) is None


def test_disagreeing_answers_are_detected(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    a = LogisticRegression(max_iter=1000).fit(X, y)
    b = LogisticRegression(max_iter=1000).fit(X, 1 - y)
    onnx = compile_model(a, X, classifier=True)
    assert onnx is not None
    assert not agrees(CompiledModel(onnx, classifier=True), b, X)


@pytest.fixture(scope="module")
def fitted() -> FittedPipeline:
    frame = load_breast_cancer(as_frame=True).frame
    graph = {
        "nodes": [
            {"id": "split", "type": "TrainTestSplitter", "params": {"target_column": "target"}},
            {"id": "scale", "type": "StandardScaler", "params": {}},
            {"id": "model", "type": "logistic_regression", "params": {}},
        ],
        "edges": [
            {"source": "split", "target": "scale"},
            {"source": "scale", "target": "model"},
        ],
    }
    return train_pipeline(graph, frame).fitted


def test_trained_pipeline_carries_the_compiled_model(fitted: FittedPipeline) -> None:
    assert fitted.runtime == RUNTIME_ONNX
    files = fitted.to_files()
    assert json.loads(files[MANIFEST_FILE])["runtime"] == RUNTIME_ONNX
    loaded = FittedPipeline.from_files(files)
    assert loaded.runtime == RUNTIME_ONNX
    frame = load_breast_cancer(as_frame=True).frame.drop(columns=["target"])
    served, reference = loaded.predict(frame), fitted.predict(frame)
    assert served.predictions == reference.predictions
    # scikit-learn itself, with the compiled model set aside
    loaded.compiled = None
    assert loaded.predict(frame).predictions == served.predictions


def test_bundle_naming_onnx_without_the_file_is_refused(fitted: FittedPipeline) -> None:
    files = fitted.to_files()
    del files[ONNX_FILE]
    with pytest.raises(DataLoss, match=ONNX_FILE):
        FittedPipeline.from_files(files)
