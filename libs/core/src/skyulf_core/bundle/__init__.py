"""The deployable pipeline: fitted records + model + signature, with predict() and file I/O."""

from skyulf_core.bundle.pipeline import (
    MANIFEST_FILE,
    MODEL_FILE,
    FittedPipeline,
    PipelineManifest,
    PredictionResult,
)
from skyulf_core.bundle.signature import InputColumn, OutputSpec, Signature

__all__ = [
    "MANIFEST_FILE",
    "MODEL_FILE",
    "FittedPipeline",
    "InputColumn",
    "OutputSpec",
    "PipelineManifest",
    "PredictionResult",
    "Signature",
]
