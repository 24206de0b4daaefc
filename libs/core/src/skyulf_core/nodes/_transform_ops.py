"""Element-wise transforms and power-transform fitting shared by the transformation nodes.

Every function takes and returns float64 arrays and never warns: the domain rules below decide
what an undefined value becomes, so the pandas applier and the array fast path agree exactly.

- ``log`` is ``log1p``; values ``<= -1`` (undefined, or ``-inf`` at ``-1``) become NaN.
- ``square_root`` of a negative value is NaN; ``cube_root`` is defined everywhere.
- ``reciprocal`` of 0 is NaN (not ±inf, which no model can use); ``1/±inf`` is 0.
- ``square`` and ``exponential`` overflow to ``+inf`` like numpy (``exp`` above ~709.78).
- ``box_cox`` needs strictly positive values: fitting refuses a column with a value ``<= 0`` and
  applying refuses such a value, both naming the column and the value (scikit-learn raises too).
- ``yeo_johnson`` is defined for every real value. Lambdas come from scipy's maximum-likelihood
  fit (``scipy.stats.boxcox`` / ``yeojohnson``), exactly what scikit-learn's PowerTransformer
  uses; a column that is constant apart from missing values gets lambda 1 (scikit-learn does
  this for yeo-johnson only when the column has no NaN, and raises for a constant box-cox column).
- NaN stays NaN; ±inf is ignored when fitting and follows the formula's limit when applying.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from scipy import stats

from skyulf_errors import NodeError

MethodName = Literal[
    "log",
    "square_root",
    "cube_root",
    "reciprocal",
    "square",
    "exponential",
    "box_cox",
    "yeo_johnson",
    "sqrt",
    "exp",
]
"""Accepted method names; ``sqrt`` and ``exp`` are the original Skyulf's aliases."""

ALIASES = {"sqrt": "square_root", "exp": "exponential"}
FITTED_METHODS = frozenset({"box_cox", "yeo_johnson"})
_EPS = float(np.finfo(np.float64).eps)


def canonical(method: str) -> str:
    return ALIASES.get(method, method)


def _log(x: np.ndarray) -> np.ndarray:
    return np.log1p(np.where(x > -1.0, x, np.nan))


def _square_root(x: np.ndarray) -> np.ndarray:
    return np.sqrt(np.where(x >= 0.0, x, np.nan))


def _reciprocal(x: np.ndarray) -> np.ndarray:
    return np.where(x != 0.0, 1.0 / np.where(x != 0.0, x, 1.0), np.nan)


_STATELESS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "log": _log,
    "square_root": _square_root,
    "cube_root": np.cbrt,
    "reciprocal": _reciprocal,
    "square": np.square,
    "exponential": np.exp,
}


def box_cox(x: np.ndarray, lmbda: float) -> np.ndarray:
    """Box-Cox of positive values (NaN elsewhere), as ``scipy.special.boxcox``."""
    logx = np.log(np.where(x > 0.0, x, np.nan))
    if abs(lmbda) < _EPS:
        return logx
    return np.expm1(lmbda * logx) / lmbda


def yeo_johnson(x: np.ndarray, lmbda: float) -> np.ndarray:
    """Yeo-Johnson, the numerically stable form ``scipy.stats.yeojohnson`` evaluates."""
    pos = np.where(x >= 0.0, x, np.nan)
    neg = np.where(x < 0.0, -x, np.nan)
    log_pos = np.log1p(pos)
    out_pos = log_pos if abs(lmbda) < _EPS else np.expm1(lmbda * log_pos) / lmbda
    if abs(lmbda - 2.0) > _EPS:
        out_neg = -np.expm1((2.0 - lmbda) * np.log1p(neg)) / (2.0 - lmbda)
    else:
        out_neg = -np.log1p(neg)
    return np.where(x >= 0.0, out_pos, out_neg)


def is_constant(values: np.ndarray) -> bool:
    """scikit-learn's ``_is_constant_feature`` bound: variance within float error of zero."""
    n = values.size
    mean = float(values.mean())
    var = float(values.var())
    return var <= n * _EPS * var + (n * mean * _EPS) ** 2


def _bad_box_cox_value(
    x: np.ndarray, column: str, node_id: str, node_type: str, when: str
) -> NodeError:
    bad = float(x[x <= 0.0][0])
    return NodeError(
        f"node '{node_id}' ({node_type}): box-cox needs strictly positive values but column "
        f"'{column}' has {bad!r} {when}; use yeo-johnson, or shift the column first",
        node_id=node_id,
        node_type=node_type,
        column=column,
        details={"value": bad},
    )


def fit_lambda(x: np.ndarray, method: str, column: str, node_id: str, node_type: str) -> float:
    """The maximum-likelihood lambda of ``method`` on one column (NaN and +inf ignored)."""
    if method == "box_cox" and bool((x <= 0.0).any()):
        raise _bad_box_cox_value(x, column, node_id, node_type, "in the training data")
    values = x[np.isfinite(x)]
    if values.size == 0:
        raise NodeError(
            f"node '{node_id}' ({node_type}): column '{column}' has no finite values to fit "
            "a power transform on; impute or drop it first",
            node_id=node_id,
            node_type=node_type,
            column=column,
        )
    if is_constant(values):
        return 1.0
    with np.errstate(all="ignore"):
        if method == "box_cox":
            _, lmbda = stats.boxcox(values, lmbda=None)
        else:
            _, lmbda = stats.yeojohnson(values, lmbda=None)
    return float(lmbda)


def transform(
    x: np.ndarray, method: str, lmbda: float | None, column: str, node_id: str, node_type: str
) -> np.ndarray:
    """Apply one method to one column of floats; ``lmbda`` is set for the fitted methods."""
    with np.errstate(all="ignore"):
        if method not in FITTED_METHODS:
            return _STATELESS[method](x)
        if lmbda is None:
            raise NodeError(
                f"node '{node_id}' ({node_type}): the fitted record has no lambda for "
                f"{method} of column '{column}'; refit the pipeline",
                node_id=node_id,
                node_type=node_type,
                column=column,
            )
        if method == "yeo_johnson":
            return yeo_johnson(x, lmbda)
        if bool((x <= 0.0).any()):
            raise _bad_box_cox_value(x, column, node_id, node_type, "at transform time")
        return box_cox(x, lmbda)
