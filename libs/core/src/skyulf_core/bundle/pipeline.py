"""FittedPipeline: what gets deployed — fitted records, the model, the signature — and predict().

On disk it is two files: ``pipeline.json`` (records, signature and metadata as plain JSON) and
``model.joblib`` (the scikit-learn estimator). Checksums and signing are the platform's job;
``from_files`` reads those two files only and checks the estimator is the model type the
manifest names.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import joblib
import numpy as np
import pandas as pd
import sklearn
from pydantic import BaseModel, ValidationError
from sklearn.base import BaseEstimator

from skyulf_core.bundle.chain import FittedChain
from skyulf_core.bundle.compiled import RUNTIME_ONNX, RUNTIME_SKLEARN, CompiledModel
from skyulf_core.bundle.signature import Signature
from skyulf_core.bundle.target import decode_target, target_decoders
from skyulf_core.drift import ReferenceStats
from skyulf_core.models import get_model
from skyulf_core.models.base import Task
from skyulf_core.nodes import FittedRecord, get_node
from skyulf_errors import DataLoss, FailedPrecondition

FORMAT_VERSION = 1
MANIFEST_FILE = "pipeline.json"
MODEL_FILE = "model.joblib"
ONNX_FILE = "model.onnx"
# The training split's column statistics, the reference drift is measured against (optional:
# bundles written before drift support have none).
REFERENCE_FILE = "reference.json"

Label = str | int | float | bool


class PredictionResult(BaseModel):
    predictions: list[Any]
    probabilities: list[dict[str, float]] | None = None
    classes: list[Label] | None = None


class PipelineManifest(BaseModel):
    """The JSON half of a bundle."""

    format_version: int = FORMAT_VERSION
    sklearn_version: str
    model_type: str
    model_node_id: str
    model_params: dict[str, Any]
    task: Task
    target: str | None  # None: a clustering model
    classes: list[Label] | None
    feature_columns: list[str]
    signature: Signature
    records: list[dict[str, Any]]
    # For records that do not form a chain (a merge on the model's path): the records feeding
    # each record, by node id ("" is the raw input). Absent for a chain.
    record_inputs: dict[str, list[str]] | None = None
    # What serves the model: "sklearn", or "onnxruntime" from model.onnx (see bundle.compiled).
    runtime: str = RUNTIME_SKLEARN


class FittedPipeline:
    """Fitted preprocessing records + a fitted estimator, applied in order to new rows."""

    def __init__(
        self,
        *,
        records: list[FittedRecord],
        model: BaseEstimator,
        model_type: str,
        model_node_id: str,
        model_params: dict[str, Any],
        task: Task,
        target: str | None,
        classes: list[Label] | None,
        feature_columns: list[str],
        signature: Signature,
        record_inputs: dict[str, list[str]] | None = None,
        compiled: bytes | None = None,
        reference: ReferenceStats | None = None,
    ) -> None:
        self.reference = reference
        self.records = records
        self.record_inputs = record_inputs
        self.model = model
        self.model_type = model_type
        self.model_node_id = model_node_id
        self.model_params = model_params
        self.task = task
        self.target = target
        self.classes = classes
        self.feature_columns = feature_columns
        self.signature = signature
        self.chain = FittedChain(
            records=records,
            target=target,
            signature=signature,
            feature_columns=feature_columns,
            allows_nan=get_model(model_type).allows_nan,
            model_node_id=model_node_id,
            model_type=model_type,
            inputs=record_inputs,
        )
        # Nodes that re-encoded the target (a Label/OrdinalEncoder on it): class predictions go
        # back through them. A regression model on an ordinal-coded target predicts numbers on
        # that code scale (0 = the first label of the order), returned as they are.
        self._target_decoders = target_decoders(records) if task == "classification" else []
        # The estimator compiled to ONNX (checked equal to it when the bundle was written).
        self.compiled = (
            CompiledModel(compiled, classifier=task == "classification")
            if compiled is not None
            else None
        )

    @property
    def runtime(self) -> str:
        return RUNTIME_ONNX if self.compiled is not None else RUNTIME_SKLEARN

    def transform(self, df: pd.DataFrame) -> pd.DataFrame:
        """Check and cast the input, then apply every fitted record in order."""
        return self.chain.transform(df)

    def predict(self, df: pd.DataFrame) -> PredictionResult:
        """One prediction per input row (and class probabilities when the model has them)."""
        return self._predict_matrix(self.chain.matrix(df))

    def predict_rows(self, rows: Sequence[Mapping[str, Any]]) -> PredictionResult:
        """:meth:`predict` for rows given as ``{column: value}`` objects (a JSON request body).

        Same checks, casts and results as ``predict(pd.DataFrame(rows))``; small batches skip
        pandas entirely (see :mod:`skyulf_core.bundle.chain`).
        """
        return self._predict_matrix(self.chain.matrix_rows(rows))

    def predict_columns(self, cols: Mapping[str, np.ndarray]) -> PredictionResult:
        """:meth:`predict` for ``{column: 1-D array}`` (text as object arrays, ``None`` or NaN
        missing), as a prediction server decodes a request; small batches skip pandas."""
        return self._predict_matrix(self.chain.matrix_columns(cols))

    def _predict_matrix(self, matrix: np.ndarray) -> PredictionResult:
        if len(matrix) == 0:
            probs: list[dict[str, float]] | None = [] if self._has_proba() else None
            return PredictionResult(predictions=[], probabilities=probs, classes=self.classes)
        if self.compiled is not None:
            codes, compiled_proba = self.compiled.run(matrix)
        else:
            codes, compiled_proba = self.model.predict(matrix), None
        raw = decode_target(self._target_decoders, codes)
        if self.task == "clustering":
            return PredictionResult.model_construct(predictions=[int(v) for v in raw])
        if self.task != "classification" or self.classes is None:
            return PredictionResult.model_construct(predictions=[float(v) for v in raw])
        labels = self.classes
        predictions = [labels[int(code)] for code in raw]
        probabilities = None
        if self._has_proba():
            proba = (
                compiled_proba
                if compiled_proba is not None
                else np.asarray(self.model.predict_proba(matrix), dtype="float64")
            )
            codes = decode_target(self._target_decoders, self.model.classes_)
            names = [str(labels[int(c)]) for c in codes]
            probabilities = [dict(zip(names, map(float, row), strict=True)) for row in proba]
        # Built from values of the right types already: validating them again costs more than
        # the model does on a small batch.
        return PredictionResult.model_construct(
            predictions=predictions, probabilities=probabilities, classes=labels
        )

    def _has_proba(self) -> bool:
        return self.task == "classification" and hasattr(self.model, "predict_proba")

    # ------------------------------------------------------------------ serialisation

    def manifest(self) -> PipelineManifest:
        return PipelineManifest(
            sklearn_version=sklearn.__version__,
            model_type=self.model_type,
            model_node_id=self.model_node_id,
            model_params=self.model_params,
            task=self.task,
            target=self.target,
            classes=self.classes,
            feature_columns=self.feature_columns,
            signature=self.signature,
            records=[r.model_dump(mode="json") for r in self.records],
            record_inputs=self.record_inputs,
            runtime=self.runtime,
        )

    def to_files(self) -> dict[str, bytes]:
        buffer = io.BytesIO()
        joblib.dump(self.model, buffer, compress=3)
        files = {
            MANIFEST_FILE: self.manifest().model_dump_json(indent=2).encode(),
            MODEL_FILE: buffer.getvalue(),
        }
        if self.compiled is not None:
            files[ONNX_FILE] = self.compiled.onnx_bytes
        if self.reference is not None:
            files[REFERENCE_FILE] = self.reference.model_dump_json().encode()
        return files

    @classmethod
    def from_files(cls, files: dict[str, bytes]) -> FittedPipeline:
        for name in (MANIFEST_FILE, MODEL_FILE):
            if name not in files:
                raise DataLoss(f"bundle is missing {name}", details={"file": name})
        try:
            manifest = PipelineManifest.model_validate_json(files[MANIFEST_FILE])
        except ValidationError as exc:
            raise DataLoss(
                f"{MANIFEST_FILE} is not a valid pipeline manifest: {exc.errors()[0]['msg']}",
                details={"file": MANIFEST_FILE},
            ) from exc
        if manifest.format_version > FORMAT_VERSION:
            raise FailedPrecondition(
                f"bundle format {manifest.format_version} is newer than this library reads "
                f"({FORMAT_VERSION})",
                details={"file": MANIFEST_FILE},
            )
        records = [get_node(r["node_type"]).load_record(r) for r in manifest.records]
        model_def = get_model(manifest.model_type)
        expected = type(model_def.build(manifest.model_params))
        try:
            model = joblib.load(io.BytesIO(files[MODEL_FILE]))
        except Exception as exc:  # joblib raises many types on corrupt input
            raise DataLoss(f"{MODEL_FILE} cannot be read", details={"file": MODEL_FILE}) from exc
        if type(model) is not expected:
            raise DataLoss(
                f"{MODEL_FILE} holds a {type(model).__name__}, expected {expected.__name__}",
                details={"file": MODEL_FILE},
            )
        if getattr(model, "n_features_in_", len(manifest.feature_columns)) != len(
            manifest.feature_columns
        ):
            raise DataLoss(
                f"{MODEL_FILE} expects {model.n_features_in_} features, the manifest lists "
                f"{len(manifest.feature_columns)}",
                details={"file": MODEL_FILE},
            )
        return cls(
            records=records,
            model=model,
            compiled=_compiled_bytes(manifest, files),
            model_type=manifest.model_type,
            model_node_id=manifest.model_node_id,
            model_params=manifest.model_params,
            task=manifest.task,
            target=manifest.target,
            classes=manifest.classes,
            feature_columns=manifest.feature_columns,
            signature=manifest.signature,
            record_inputs=manifest.record_inputs,
            reference=_reference(files),
        )


def _reference(files: dict[str, bytes]) -> ReferenceStats | None:
    if REFERENCE_FILE not in files:
        return None
    try:
        return ReferenceStats.model_validate_json(files[REFERENCE_FILE])
    except ValidationError as exc:
        raise DataLoss(
            f"{REFERENCE_FILE} is not valid reference statistics", details={"file": REFERENCE_FILE}
        ) from exc


def _compiled_bytes(manifest: PipelineManifest, files: dict[str, bytes]) -> bytes | None:
    if manifest.runtime == RUNTIME_SKLEARN:
        return None
    if manifest.runtime != RUNTIME_ONNX:
        raise FailedPrecondition(
            f"bundle runtime {manifest.runtime!r} is not one this library runs",
            details={"file": MANIFEST_FILE},
        )
    if ONNX_FILE not in files:
        raise DataLoss(f"bundle is missing {ONNX_FILE}", details={"file": ONNX_FILE})
    return files[ONNX_FILE]
