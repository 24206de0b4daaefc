"""A fitted estimator compiled to ONNX and run by ONNX Runtime, when that gives its answers.

Scikit-learn spends most of a small prediction validating its input (about 0.2-0.4 ms a call,
and a Python loop over the trees of a forest); ONNX Runtime runs the same model in a few tens of
microseconds. :func:`compile_model` converts the estimator with ``skl2onnx`` when the bundle is
written and keeps the result only if it agrees with scikit-learn on the training sample:

- classifiers: the same class for every row, and probabilities within ``RTOL``/``ATOL``;
- regressors: predictions within ``RTOL``/``ATOL``.

Tree models take float32 input (scikit-learn casts to float32 before walking a tree, so the
splits are the same); every other model takes float64. Where conversion fails or the answers
differ, the model stays on scikit-learn and the bundle says so (``runtime``).
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

RUNTIME_SKLEARN = "sklearn"
RUNTIME_ONNX = "onnxruntime"
# Agreement required on the training sample (np.allclose): float32 sums over 100 trees differ
# from scikit-learn's float64 by ~1e-7.
RTOL = 1e-5
ATOL = 1e-6
SAMPLE_ROWS = 2000
# Estimators tried: linear models and tree ensembles (the runtimes skl2onnx converts exactly).
_TREE_PREFIXES = (
    "DecisionTree",
    "ExtraTree",
    "RandomForest",
    "ExtraTrees",
    "GradientBoosting",
    "HistGradientBoosting",
)
_CONVERTIBLE = (
    *_TREE_PREFIXES,
    "LogisticRegression",
    "LinearRegression",
    "Ridge",
    "Lasso",
    "ElasticNet",
    "LinearSVC",
    "LinearSVR",
    "SGDClassifier",
    "SGDRegressor",
)


def _is_tree(model: Any) -> bool:
    return type(model).__name__.startswith(_TREE_PREFIXES)


class CompiledModel:
    """An ONNX model in an ONNX Runtime session: ``run(matrix) -> (labels, probabilities)``."""

    def __init__(self, onnx_bytes: bytes, *, classifier: bool) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        # One thread per call: the server runs calls side by side; spawning a pool per call
        # costs more than a small prediction.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(onnx_bytes, options, providers=["CPUExecutionProvider"])
        self.onnx_bytes = onnx_bytes
        self.classifier = classifier
        inp = self.session.get_inputs()[0]
        self.input_name = inp.name
        self.dtype = np.float32 if inp.type == "tensor(float)" else np.float64
        self.output_names = [o.name for o in self.session.get_outputs()]

    def run(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Predictions (class codes, or values) and, for a classifier, its probabilities."""
        x = np.ascontiguousarray(matrix, dtype=self.dtype)
        outputs = self.session.run(self.output_names, {self.input_name: x})
        predictions = np.asarray(outputs[0]).reshape(len(x))
        if not self.classifier or len(outputs) < 2:
            return predictions, None
        return predictions, np.asarray(outputs[1], dtype=np.float64)


def _convert(model: Any, sample: np.ndarray) -> bytes:
    from skl2onnx import to_onnx

    dtype = np.float32 if _is_tree(model) else np.float64
    options = {id(model): {"zipmap": False}} if hasattr(model, "classes_") else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        onx = to_onnx(model, sample[:1].astype(dtype), options=options)
    return bytes(onx.SerializeToString())


def agrees(compiled: CompiledModel, model: Any, sample: np.ndarray) -> bool:
    """Same classes and close probabilities (classifiers) or close values (regressors)."""
    labels, proba = compiled.run(sample)
    if compiled.classifier:
        expected = model.predict(sample)
        if not np.array_equal(labels.astype(expected.dtype), expected):
            return False
        if hasattr(model, "predict_proba"):
            if proba is None:
                return False
            want = np.asarray(model.predict_proba(sample), dtype=np.float64)
            return proba.shape == want.shape and bool(np.allclose(proba, want, RTOL, ATOL))
        return True
    want = np.asarray(model.predict(sample), dtype=np.float64).reshape(len(sample))
    return bool(np.allclose(labels.astype(np.float64), want, RTOL, ATOL))


def compile_model(model: Any, sample: np.ndarray, *, classifier: bool) -> bytes | None:
    """The model as ONNX when it converts and agrees with scikit-learn on ``sample``; else None."""
    name = type(model).__name__
    if not name.startswith(_CONVERTIBLE) or len(sample) == 0:
        return None
    rows = sample[:SAMPLE_ROWS]
    try:
        onnx_bytes = _convert(model, rows)
        compiled = CompiledModel(onnx_bytes, classifier=classifier)
        ok = agrees(compiled, model, rows)
    except Exception as e:  # skl2onnx and onnxruntime raise many types for unsupported models
        log.info("%s is served by scikit-learn: ONNX conversion failed (%s)", name, e)
        return None
    if not ok:
        log.info("%s is served by scikit-learn: its ONNX answers differ", name)
        return None
    return onnx_bytes
