"""Evaluation data of trained models: curves, matrices, residuals and importances on the test
split, served with a job and with each registered model version."""

from skyulf_core.evaluation.evaluate import Predictor, evaluate_model, split_metrics
from skyulf_core.evaluation.schema import JobEvaluation, ModelEvaluation

__all__ = ["JobEvaluation", "ModelEvaluation", "Predictor", "evaluate_model", "split_metrics"]
