"""The data plane both transports call: health, metadata and inference, on OIP protobufs."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Sequence

from pydantic import BaseModel

from inference import grpc_predict_v2_pb2 as pb
from skyulf_deployment.predictor.batching import Batcher
from skyulf_deployment.predictor.input_log import InputLog
from skyulf_deployment.predictor.model_repository import LoadedModel, ModelRepository
from skyulf_deployment.predictor.stats import EndpointStats
from skyulf_platform.grpc.server import HealthCheck
from skyulf_platform.inference.codec import (
    CLASSES,
    PREDICT,
    PREDICT_PROBA,
    infer_request_to_columns,
    prediction_to_infer_response,
)

SERVER_NAME = "skyulf"
# Batches up to this size are predicted on the event loop: a thread hop costs more than the
# prediction (well under a millisecond on the array path); larger ones go to a worker thread.
INLINE_MAX_ROWS = 256
SERVER_VERSION = "0.1.0"
PLATFORM = "skyulf"

_KIND_DATATYPE = {
    "integer": "INT64",
    "float": "FP64",
    "boolean": "BOOL",
    "string": "BYTES",
    "datetime": "BYTES",
}


class TensorMetadata(BaseModel):
    name: str
    datatype: str
    shape: list[int]
    parameters: dict[str, str] = {}


class ModelMetadata(BaseModel):
    name: str
    versions: list[str]
    platform: str
    inputs: list[TensorMetadata]
    outputs: list[TensorMetadata]


def _label_datatype(classes: Sequence[object] | None, task: str) -> str:
    if task != "classification" or not classes:
        return "FP64"
    if all(isinstance(c, bool) for c in classes):
        return "BOOL"
    if all(isinstance(c, int) and not isinstance(c, bool) for c in classes):
        return "INT64"
    if all(isinstance(c, int | float) for c in classes):
        return "FP64"
    return "BYTES"


def metadata_of(model: LoadedModel) -> ModelMetadata:
    sig = model.pipeline.signature
    out = sig.output
    outputs = [
        TensorMetadata(name=PREDICT, datatype=_label_datatype(out.classes, out.task), shape=[-1])
    ]
    if out.probabilities and out.classes:
        outputs.append(
            TensorMetadata(
                name=PREDICT_PROBA,
                datatype="FP64",
                shape=[-1, len(out.classes)],
                parameters={CLASSES: json.dumps(out.classes)},
            )
        )
    return ModelMetadata(
        name=model.ref.name,
        versions=[str(model.ref.version)],
        platform=PLATFORM,
        inputs=[
            TensorMetadata(name=c.name, datatype=_KIND_DATATYPE.get(c.kind, "BYTES"), shape=[-1])
            for c in sig.inputs
        ],
        outputs=outputs,
    )


class DataPlane:
    def __init__(
        self,
        models: ModelRepository,
        readiness: Sequence[HealthCheck] = (),
        inputs: InputLog | None = None,
    ) -> None:
        self.models = models
        self.readiness = list(readiness)
        self.stats = EndpointStats()
        self.inputs = inputs
        self._batchers: dict[tuple[str, int], Batcher] = {}

    def _batcher(self, model: LoadedModel) -> Batcher:
        key = (model.ref.name, model.ref.version)
        size, wait = model.settings.batch_max_size, model.settings.batch_max_wait_ms
        batcher = self._batchers.get(key)
        if batcher is None or not batcher.same(model.pipeline, size, wait):
            batcher = Batcher(model.pipeline, size, wait, INLINE_MAX_ROWS)
            self._batchers[key] = batcher
        return batcher

    async def live(self) -> bool:
        return True

    async def ready(self) -> tuple[bool, str]:
        """Ready when the deployment service, the registry and the artifact store answer."""
        for check in self.readiness:
            try:
                await asyncio.wait_for(check(), timeout=5.0)
            except Exception as e:
                return False, f"{getattr(check, '__name__', 'check')}: {e}"
        return True, ""

    async def model_metadata(self, name: str, version: str = "") -> ModelMetadata:
        return metadata_of(await self.models.get(name, version))

    async def model_ready(self, name: str, version: str = "") -> bool:
        await self.models.get(name, version)
        return True

    async def infer(self, request: pb.ModelInferRequest) -> pb.ModelInferResponse:
        started = time.perf_counter()
        model = await self.models.get(request.model_name, request.model_version)
        n_rows = 0
        ok = False
        try:
            columns = infer_request_to_columns(request)
            n_rows = len(next(iter(columns.values())))
            rate = model.settings.log_sample_rate
            if rate and self.inputs is not None and random.random() < rate:
                self.inputs.add(model.ref.endpoint, columns, n_rows)
            if model.settings.batch_max_size > 1:
                result = await self._batcher(model).predict(columns, n_rows)
            elif n_rows <= INLINE_MAX_ROWS:
                result = model.pipeline.predict_columns(columns)
            else:
                result = await asyncio.to_thread(model.pipeline.predict_columns, columns)
            response = prediction_to_infer_response(
                result.predictions,
                result.probabilities,
                result.classes,
                model_name=model.ref.name,
                model_version=str(model.ref.version),
                request_id=request.id,
            )
            ok = True
            return response
        finally:
            # Per endpoint and version: a canary's two versions are compared on these.
            self.stats.record(model.ref.endpoint, model.ref.version, started, n_rows, ok)
