"""The model catalog: scikit-learn estimators with typed hyperparameters."""

from skyulf_core.models.base import ModelDefinition, ModelInfo, ModelParams, Task
from skyulf_core.models.registry import get_model, is_model, model_catalog

__all__ = [
    "ModelDefinition",
    "ModelInfo",
    "ModelParams",
    "Task",
    "get_model",
    "is_model",
    "model_catalog",
]
