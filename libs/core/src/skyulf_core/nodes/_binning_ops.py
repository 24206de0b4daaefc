"""Bin edges, bin assignment and bin labels shared by the binning nodes.

Learned edges reproduce ``sklearn.preprocessing.KBinsDiscretizer(encode="ordinal")`` per column:
``uniform`` is ``linspace(min, max)``, ``quantile`` is ``np.percentile`` with the chosen
``quantile_method`` (scikit-learn 1.9's default ``averaged_inverted_cdf``), ``kmeans`` is 1-D
k-means started from the uniform bin centres; quantile and kmeans bins narrower than 1e-8 are
merged away. Assignment is ``searchsorted(inner edges, side="right")``: bins are ``[a, b)`` and a
value outside the fitted range falls into the first or last bin (±inf included). The edges are
fitted on every finite value (scikit-learn subsamples above 200,000 rows). A constant column gets
one bin and code 0, as in scikit-learn; k-means on fewer values than bins uses one cluster per
value (scikit-learn raises). User-given (custom) edges instead leave a value outside
``[first, last]`` as NaN; their last bin includes its right edge (``numpy.histogram``'s
convention). NaN always stays NaN.
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np

from skyulf_errors import NodeError

KBinsStrategy = Literal["uniform", "quantile", "kmeans"]
QuantileMethod = Literal[
    "averaged_inverted_cdf",
    "inverted_cdf",
    "closest_observation",
    "interpolated_inverted_cdf",
    "hazen",
    "weibull",
    "linear",
    "median_unbiased",
    "normal_unbiased",
]
"""The ``np.percentile`` methods scikit-learn's KBinsDiscretizer accepts."""

_MIN_WIDTH = 1e-8  # scikit-learn's threshold for dropping a too-narrow bin


def learn_edges(
    values: np.ndarray, strategy: KBinsStrategy, n_bins: int, quantile_method: QuantileMethod
) -> list[float]:
    """Bin edges of finite ``values`` (at least one) as KBinsDiscretizer computes them."""
    lo, hi = float(values.min()), float(values.max())
    if lo == hi:
        return [lo, hi]
    if strategy == "uniform":
        edges = np.linspace(lo, hi, n_bins + 1)
    elif strategy == "quantile":
        levels = np.linspace(0, 100, n_bins + 1)
        edges = np.asarray(np.percentile(values, levels, method=quantile_method), dtype="float64")
    else:
        # k-means needs a value per cluster (scikit-learn raises): fewer values, fewer bins.
        edges = _kmeans_edges(values, lo, hi, min(n_bins, values.size))
    if strategy != "uniform":
        edges = edges[np.ediff1d(edges, to_begin=np.inf) > _MIN_WIDTH]
    if edges.size < 2:  # every bin was too narrow: one bin, like scikit-learn's codes
        return [lo, hi]
    return [float(v) for v in edges]


def _kmeans_edges(values: np.ndarray, lo: float, hi: float, n_bins: int) -> np.ndarray:
    from sklearn.cluster import KMeans

    uniform = np.linspace(lo, hi, n_bins + 1)
    init = ((uniform[1:] + uniform[:-1]) * 0.5)[:, None]
    with warnings.catch_warnings():
        # Fewer distinct values than bins: scikit-learn warns and so would we; the narrow-bin
        # merge below handles it.
        warnings.simplefilter("ignore")
        km = KMeans(n_clusters=n_bins, init=init, n_init=1, random_state=0)
        centers = np.sort(km.fit(values[:, None]).cluster_centers_[:, 0])
    return np.r_[lo, (centers[1:] + centers[:-1]) * 0.5, hi]


def custom_edges(
    edges: list[float], node_id: str, node_type: str, field: str, column: str | None = None
) -> list[float]:
    """User-given edges, sorted; at least two, finite and distinct, or an error naming them."""
    ordered = sorted(float(e) for e in edges)
    problem = None
    if len(ordered) < 2:
        problem = "needs at least two bin edges"
    elif not all(np.isfinite(ordered)):
        problem = "has a non-finite bin edge"
    elif len(set(ordered)) < len(ordered):
        problem = "has a repeated bin edge"
    if problem:
        where = f" for column '{column}'" if column else ""
        raise NodeError(
            f"node '{node_id}' ({node_type}): parameter '{field}'{where} {problem}: {edges}",
            node_id=node_id,
            node_type=node_type,
            column=column,
            field=field,
        )
    return ordered


def bin_codes(x: np.ndarray, edges: list[float], clip: bool) -> np.ndarray:
    """Float bin numbers of ``x`` (0-based); NaN for NaN and, without ``clip``, out of range."""
    if clip:
        codes = np.searchsorted(edges[1:-1], x, side="right").astype("float64")
    else:
        codes = (np.searchsorted(edges, x, side="right") - 1).astype("float64")
        codes[x == edges[-1]] = len(edges) - 2
        codes[(x < edges[0]) | (x > edges[-1])] = np.nan
    codes[np.isnan(x)] = np.nan
    return codes


def label_values(codes: np.ndarray, labels: list[str]) -> np.ndarray:
    """Object array of the label of each code; NaN where the code is NaN."""
    out = np.full(codes.shape, np.nan, dtype=object)
    ok = ~np.isnan(codes)
    out[ok] = np.asarray(labels, dtype=object)[codes[ok].astype(np.intp)]
    return out


def _edge_text(edges: list[float]) -> list[str]:
    short = [f"{e:.6g}" for e in edges]
    return short if len(set(short)) == len(short) else [repr(e) for e in edges]


def range_labels(edges: list[float], clip: bool) -> list[str]:
    """Interval labels that say which values each bin holds, e.g. ``[1.5, 3)``.

    With ``clip`` the outer bins are open towards ±inf, since out-of-range values land in them.
    """
    text = _edge_text(edges)
    n = len(edges) - 1
    labels: list[str] = []
    for i in range(n):
        first, last = i == 0, i == n - 1
        left = "(-inf" if clip and first else "[" + text[i]
        right = "inf)" if clip and last else text[i + 1] + ("]" if last else ")")
        labels.append(f"{left}, {right}")
    return labels
