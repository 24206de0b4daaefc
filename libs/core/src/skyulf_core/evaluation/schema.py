"""The evaluation data of one trained model, in the shape the REST API serves.

Every list is bounded: curves and scatters hold at most :data:`MAX_POINTS` points, so the JSON
stays small whatever the size of the test split.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

MAX_POINTS = 200

Task = Literal["classification", "regression", "clustering"]


class ConfusionMatrix(BaseModel):
    labels: list[str]
    counts: list[list[int]]
    # Each row divided by its true-label count (a row of zeros when the label never occurs).
    normalized: list[list[float]]


class RocCurve(BaseModel):
    label: str
    fpr: list[float]
    tpr: list[float]
    auc: float


class PrCurve(BaseModel):
    label: str
    precision: list[float]
    recall: list[float]
    average_precision: float


class CalibrationCurve(BaseModel):
    label: str
    mean_predicted: list[float]
    fraction_positive: list[float]
    count: list[int]


class ThresholdAnalysis(BaseModel):
    thresholds: list[float]
    precision: list[float]
    recall: list[float]
    f1: list[float]


class Histogram(BaseModel):
    edges: list[float]
    counts: list[int]


class Residuals(BaseModel):
    predicted: list[float]
    residual: list[float]
    histogram: Histogram


class NativeImportance(BaseModel):
    feature: str
    importance: float


class PermutationImportance(BaseModel):
    feature: str
    mean: float
    std: float


class PermutationSample(BaseModel):
    """What permutation importance was measured on: ``rows`` of the ``test_rows`` test rows
    (a seeded sample when there are more than it takes), each feature shuffled ``repeats``
    times."""

    rows: int
    test_rows: int
    repeats: int


class FeatureImportances(BaseModel):
    native: list[NativeImportance] | None = None
    permutation: list[PermutationImportance] | None = None
    permutation_sample: PermutationSample | None = None


class ClusterSize(BaseModel):
    cluster: int
    size: int


class Centroids(BaseModel):
    features: list[str]
    values: list[list[float]]


class Clusters(BaseModel):
    sizes: list[ClusterSize]
    centroids: Centroids | None = None


class MetricSummary(BaseModel):
    mean: float
    std: float
    folds: list[float]


class CrossValidation(BaseModel):
    type: str
    folds: int
    metrics: dict[str, MetricSummary]
    # nested_cv: the parameters the inner search chose in each outer fold, in fold order.
    fold_params: list[dict[str, Any]] | None = None


class SplitMetrics(BaseModel):
    train: dict[str, float] = Field(default_factory=dict)
    test: dict[str, float] = Field(default_factory=dict)
    validation: dict[str, float] | None = None


class ModelEvaluation(BaseModel):
    node_id: str
    model_type: str
    task: Task
    model_name: str | None = None
    model_version: int | None = None
    metrics: SplitMetrics = Field(default_factory=SplitMetrics)
    cv: CrossValidation | None = None
    confusion_matrix: ConfusionMatrix | None = None
    roc_curves: list[RocCurve] | None = None
    pr_curves: list[PrCurve] | None = None
    calibration: list[CalibrationCurve] | None = None
    threshold_analysis: ThresholdAnalysis | None = None
    residuals: Residuals | None = None
    feature_importances: FeatureImportances | None = None
    clusters: Clusters | None = None


class JobEvaluation(BaseModel):
    job_id: str
    models: list[ModelEvaluation]
