"""Clustering evaluation: the scores of a split's cluster ids, and the clusters as learned on the
train split (their sizes and centroids in the model's feature space)."""

from __future__ import annotations

from typing import Any

import numpy as np

from skyulf_core.evaluation.curves import floats
from skyulf_core.evaluation.schema import Centroids, Clusters, ClusterSize
from skyulf_core.metrics import clustering_metrics


def cluster_scores(estimator: Any, matrix: np.ndarray, prefix: str) -> dict[str, float]:
    """Silhouette, Davies-Bouldin, Calinski-Harabasz of the predicted ids on ``matrix``, and the
    k-means inertia (sum of squared distances to the nearest centroid) where defined."""
    labels = np.asarray(estimator.predict(matrix))
    inertia = -float(estimator.score(matrix)) if hasattr(estimator, "inertia_") else None
    return clustering_metrics(matrix, labels, prefix, inertia)


def n_clusters_of(estimator: Any) -> int:
    for name in ("n_clusters", "n_components"):
        value = getattr(estimator, name, None)
        if isinstance(value, int):
            return value
    return int(np.max(estimator.labels_)) + 1


def cluster_summary(estimator: Any, matrix: np.ndarray, features: list[str]) -> Clusters:
    """Rows per cluster id (0..k-1, empty ones included) and each cluster's centroid: the
    model's own centres (k-means, Gaussian means) or else the mean of its rows."""
    labels = np.asarray(estimator.predict(matrix)).astype(int)
    k = max(n_clusters_of(estimator), int(labels.max()) + 1 if len(labels) else 0)
    counts = np.bincount(labels, minlength=k)
    centres = getattr(estimator, "cluster_centers_", None)
    if centres is None:
        centres = getattr(estimator, "means_", None)
    if centres is None or np.shape(centres) != (k, len(features)):
        centres = np.zeros((k, len(features)))
        for c in range(k):
            if counts[c]:
                centres[c] = np.nanmean(matrix[labels == c], axis=0)
    return Clusters(
        sizes=[ClusterSize(cluster=c, size=int(counts[c])) for c in range(k)],
        centroids=Centroids(features=features, values=[floats(row) for row in centres]),
    )
