"""Clustering models (scikit-learn). They take no target: a pipeline with one needs no
``target_column``; predictions are cluster ids 0..k-1."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from sklearn.cluster import Birch, KMeans, MiniBatchKMeans
from sklearn.mixture import GaussianMixture

from skyulf_core.models.base import (
    MAX_ITER,
    MAX_ROWS,
    ModelDefinition,
    ModelParams,
    Seed,
    model_definition,
    sklearn_builder,
)

SEED = 42
MAX_CLUSTERS = 100
MAX_INIT = 100


class KMeansParams(ModelParams):
    n_clusters: int = Field(3, ge=2, le=MAX_CLUSTERS)
    init: Literal["k-means++", "random"] = "k-means++"
    n_init: int = Field(10, ge=1, le=MAX_INIT)
    max_iter: int = Field(300, ge=1, le=MAX_ITER)
    tol: float = Field(1e-4, ge=0)
    random_state: Seed | None = SEED


class MiniBatchKMeansParams(ModelParams):
    n_clusters: int = Field(3, ge=2, le=MAX_CLUSTERS)
    batch_size: int = Field(1024, ge=1, le=MAX_ROWS)
    n_init: int = Field(3, ge=1, le=MAX_INIT)
    max_iter: int = Field(100, ge=1, le=MAX_ITER)
    random_state: Seed | None = SEED


class GaussianMixtureParams(ModelParams):
    n_components: int = Field(3, ge=2, le=MAX_CLUSTERS)
    covariance_type: Literal["full", "tied", "diag", "spherical"] = "full"
    max_iter: int = Field(100, ge=1, le=MAX_ITER)
    n_init: int = Field(1, ge=1, le=MAX_INIT)
    reg_covar: float = Field(1e-6, gt=0)
    random_state: Seed | None = SEED


class BirchParams(ModelParams):
    n_clusters: int = Field(3, ge=2, le=MAX_CLUSTERS)
    threshold: float = Field(0.5, gt=0)
    branching_factor: int = Field(50, ge=2, le=10_000)


_cluster = model_definition("clustering")

MODELS: list[ModelDefinition] = [
    _cluster(
        "kmeans",
        "K-means: k centroids, each row in the cluster of the nearest.",
        KMeansParams,
        sklearn_builder(KMeans),
        row_params=("n_clusters",),
    ),
    _cluster(
        "minibatch_kmeans",
        "K-means fitted on mini-batches; for large data.",
        MiniBatchKMeansParams,
        sklearn_builder(MiniBatchKMeans),
        row_params=("n_clusters",),
    ),
    _cluster(
        "gaussian_mixture",
        "Mixture of Gaussians; each row in its most likely component.",
        GaussianMixtureParams,
        sklearn_builder(GaussianMixture),
        row_params=("n_components",),
    ),
    _cluster(
        "birch",
        "BIRCH: a clustering-feature tree, its leaves merged into n_clusters.",
        BirchParams,
        sklearn_builder(Birch),
        row_params=("n_clusters",),
    ),
]
