"""Regression evaluation data: residuals against predictions, and their histogram."""

from __future__ import annotations

import numpy as np

from skyulf_core.evaluation.curves import downsample, floats
from skyulf_core.evaluation.schema import Histogram, Residuals

HISTOGRAM_BINS = 20


def residuals(y_true: np.ndarray, y_pred: np.ndarray) -> Residuals:
    """``residual = actual - predicted``; the scatter is a bounded, evenly spread sample (in
    prediction order), the histogram counts every row."""
    t = np.asarray(y_true, dtype="float64")
    p = np.asarray(y_pred, dtype="float64")
    res = t - p
    finite = np.isfinite(res) & np.isfinite(p)
    res, p = res[finite], p[finite]
    order = np.argsort(p, kind="stable")
    keep = order[downsample(len(order))]
    if len(res):
        counts, edges = np.histogram(res, bins=HISTOGRAM_BINS)
    else:
        counts, edges = np.zeros(0, dtype=int), np.zeros(0)
    return Residuals(
        predicted=floats(p[keep]),
        residual=floats(res[keep]),
        histogram=Histogram(edges=floats(edges), counts=[int(c) for c in counts]),
    )
