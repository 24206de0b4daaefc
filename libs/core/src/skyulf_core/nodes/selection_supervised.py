"""Supervised feature selection (fit): UnivariateSelection and ModelBasedSelection.

Both score the numeric columns against the target with scikit-learn's own selectors on the train
split — so the kept columns equal ``get_support()`` of the same selector with the same settings —
and record only the kept and dropped names plus the scores; applying is a plain column drop (see
``selection``). They need a target (place them after TrainTestSplitter) and complete values:
NaN or ±inf in a scored column is an error naming it (impute first), as in scikit-learn, rather
than a silent row drop that would score on other rows than the model trains on.

The task is detected from the target unless ``problem_type`` says it: text, booleans, and whole
numbers with at most 20 distinct values are classification; other numbers regression.
"""

from __future__ import annotations

import warnings
from functools import partial
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from pydantic import AfterValidator, Field, WithJsonSchema
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.feature_selection import (
    RFE,
    GenericUnivariateSelect,
    SelectFdr,
    SelectFpr,
    SelectFromModel,
    SelectFwe,
    SelectKBest,
    SelectPercentile,
    chi2,
    f_classif,
    f_regression,
    mutual_info_classif,
    mutual_info_regression,
    r_regression,
)
from sklearn.linear_model import LinearRegression, LogisticRegression

from skyulf_core.nodes.base import (
    ColumnsParams,
    NodeContext,
    NodeDefinition,
    Seed,
    same_columns,
)
from skyulf_core.nodes.selection import (
    SelectionRecord,
    apply_selection,
    numeric_block,
    optional_float,
    scored_columns,
    select_arrays,
)
from skyulf_errors import NodeError

Task = Literal["classification", "regression"]
ProblemType = Literal["auto", "classification", "regression"]
_MAX_CLASSES = 20
# Column counts above the scored columns keep them all, so the cap only refuses typos: it is the
# widest frame a node can make (a hash encoder's n_features).
MAX_COLUMNS = 2**20
# A random forest fit per selection (per step for rfe); 5000 trees is already minutes.
MAX_TREES = 5000


def detect_task(y: pd.Series, problem_type: ProblemType) -> Task:
    if problem_type != "auto":
        return problem_type
    if not ptypes.is_numeric_dtype(y.dtype) or ptypes.is_bool_dtype(y.dtype):
        return "classification"
    values = y.to_numpy(dtype="float64")
    whole = bool(np.all(values == np.round(values)))
    return "classification" if whole and len(np.unique(values)) <= _MAX_CLASSES else "regression"


def _error(ctx: NodeContext, node: str, message: str, **where: Any) -> NodeError:
    return NodeError(
        f"node '{ctx.node_id}' ({node}): {message}", node_id=ctx.node_id, node_type=node, **where
    )


def _training_data(
    X: pd.DataFrame, y: pd.Series | None, columns: list[str], ctx: NodeContext, node: str
) -> tuple[np.ndarray, np.ndarray]:
    if y is None:
        raise _error(ctx, node, "needs the target; place it after TrainTestSplitter")
    if bool(y.isna().any()):
        raise _error(ctx, node, "the target has missing values", column=str(y.name))
    block = numeric_block(X, columns)
    bad = np.isnan(block).any(axis=0)
    if bad.any():
        col = columns[int(np.flatnonzero(bad)[0])]
        raise _error(
            ctx,
            node,
            f"column '{col}' has missing or infinite values; impute it first",
            column=col,
        )
    return block, y.to_numpy()


def _record(
    record_type: type[SelectionRecord],
    ctx: NodeContext,
    columns: list[str],
    support: np.ndarray,
    **stats: Any,
) -> Any:
    return record_type(
        node_id=ctx.node_id,
        columns=[c for c, s in zip(columns, support, strict=True) if s],
        dropped=[c for c, s in zip(columns, support, strict=True) if not s],
        **stats,
    )


def _scores(columns: list[str], values: np.ndarray | None) -> dict[str, float | None] | None:
    if values is None:
        return None
    return {c: optional_float(v) for c, v in zip(columns, np.asarray(values), strict=True)}


# --------------------------------------------------------------------------- UnivariateSelection

ScoreFunc = Literal[
    "f_classif",
    "mutual_info_classif",
    "chi2",
    "f_regression",
    "mutual_info_regression",
    "r_regression",
]
_FOR_TASK: dict[str, Task] = {
    "f_classif": "classification",
    "mutual_info_classif": "classification",
    "chi2": "classification",
    "f_regression": "regression",
    "mutual_info_regression": "regression",
    "r_regression": "regression",
}
_SCORE_FUNCS = {
    "f_classif": f_classif,
    "mutual_info_classif": mutual_info_classif,
    "chi2": chi2,
    "f_regression": f_regression,
    "mutual_info_regression": mutual_info_regression,
    "r_regression": r_regression,
}


class UnivariateSelectionParams(ColumnsParams):
    method: Literal[
        "select_k_best",
        "select_percentile",
        "select_fpr",
        "select_fdr",
        "select_fwe",
        "generic_univariate_select",
    ] = "select_k_best"
    score_func: ScoreFunc | None = Field(None, description="None = f_classif or f_regression")
    k: int = Field(
        10, ge=1, le=MAX_COLUMNS, description="more than the scored columns keeps them all"
    )
    percentile: float = Field(10.0, gt=0.0, le=100.0)
    alpha: float = Field(0.05, gt=0.0, le=1.0)
    mode: Literal["k_best", "percentile", "fpr", "fdr", "fwe"] = "percentile"
    problem_type: ProblemType = "auto"
    random_state: Seed | None = 42


class UnivariateSelectionRecord(SelectionRecord):
    node_type: str = "UnivariateSelection"
    score_func: str
    scores: dict[str, float | None] | None
    pvalues: dict[str, float | None] | None


def univariate_selector(params: UnivariateSelectionParams, task: Task, n_columns: int) -> Any:
    """The scikit-learn selector these parameters describe (also used by the tests)."""
    name = params.score_func or ("f_classif" if task == "classification" else "f_regression")
    func: Any = _SCORE_FUNCS[name]
    if name.startswith("mutual_info"):
        func = partial(func, random_state=params.random_state)
    k = min(params.k, n_columns)
    if params.method == "select_k_best":
        return SelectKBest(func, k=k)
    if params.method == "select_percentile":
        return SelectPercentile(func, percentile=params.percentile)
    if params.method == "generic_univariate_select":
        param = {"k_best": k, "percentile": params.percentile}.get(params.mode, params.alpha)
        return GenericUnivariateSelect(func, mode=params.mode, param=param)
    alpha_selector = {"select_fpr": SelectFpr, "select_fdr": SelectFdr, "select_fwe": SelectFwe}
    return alpha_selector[params.method](func, alpha=params.alpha)


def _check_univariate(
    params: UnivariateSelectionParams, task: Task, block: np.ndarray, cols: list[str], ctx: Any
) -> str:
    node = "UnivariateSelection"
    name = params.score_func or ("f_classif" if task == "classification" else "f_regression")
    if _FOR_TASK[name] != task:
        raise _error(
            ctx,
            node,
            f"score_func '{name}' is for {_FOR_TASK[name]} but the target is {task}; pick "
            "another score_func or set problem_type",
            field="score_func",
        )
    uses_pvalues = params.method in ("select_fpr", "select_fdr", "select_fwe") or (
        params.method == "generic_univariate_select" and params.mode in ("fpr", "fdr", "fwe")
    )
    if name.startswith(("mutual_info", "r_")) and uses_pvalues:
        raise _error(
            ctx,
            node,
            f"score_func '{name}' gives no p-values, which {params.method} needs",
            field="score_func",
        )
    if name == "chi2" and block.size and (block < 0).any():
        col = cols[int(np.flatnonzero((block < 0).any(axis=0))[0])]
        raise _error(
            ctx, node, f"chi2 needs non-negative values; column '{col}' has some", column=col
        )
    return name


def _fit_univariate(
    X: pd.DataFrame, y: pd.Series | None, params: UnivariateSelectionParams, ctx: NodeContext
) -> UnivariateSelectionRecord:
    node = "UnivariateSelection"
    columns = scored_columns(X, params, ctx, node)
    block, target = _training_data(X, y, columns, ctx, node)
    assert y is not None
    task = detect_task(y, params.problem_type)
    name = _check_univariate(params, task, block, columns, ctx)
    if not columns:
        return UnivariateSelectionRecord(
            node_id=ctx.node_id, dropped=[], score_func=name, scores={}, pvalues=None
        )
    selector = univariate_selector(params, task, len(columns))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant columns: undefined F statistic, ranked last
        selector.fit(block, target)
    return _record(
        UnivariateSelectionRecord,
        ctx,
        columns,
        selector.get_support(),
        score_func=name,
        scores=_scores(columns, selector.scores_),
        pvalues=_scores(columns, getattr(selector, "pvalues_", None)),
    )


UNIVARIATE_SELECTION: NodeDefinition[UnivariateSelectionParams, UnivariateSelectionRecord] = (
    NodeDefinition(
        id="UnivariateSelection",
        group="selection",
        description="Keeps the numeric columns that score best against the target one at a time "
        "(F test, chi2, mutual information, correlation).",
        params_model=UnivariateSelectionParams,
        record_model=UnivariateSelectionRecord,
        learns=True,
        train_only=False,
        calculator=_fit_univariate,
        applier=apply_selection,
        column_flow=same_columns,
        array_applier=select_arrays,
    )
)
"""Differences from NODES.md: ``score_func`` defaults to ``None`` = f_classif or f_regression by the
detected task; ``percentile`` (10) and ``alpha`` (0.05) are the knobs of select_percentile and
select_fpr/fdr/fwe; generic_univariate_select takes its ``mode`` (default percentile, as in
scikit-learn) and reads its parameter from ``k``/``percentile``/``alpha`` instead of a separate
``param`` (scikit-learn's default param 1e-5 keeps almost nothing). ``k`` above the number of
scored columns keeps them all; a score function of the other task, or one without p-values under
an alpha-based method, is an error naming ``score_func``."""

# --------------------------------------------------------------------------- ModelBasedSelection


def _count_or_fraction(value: int | float) -> int | float:
    if isinstance(value, float) and value >= 1 and value.is_integer():
        value = int(value)  # 3.0 from a form is the count 3, not a fraction
    if isinstance(value, int) and not 1 <= value <= MAX_COLUMNS:
        raise ValueError(
            f"a count of columns must be at least 1 and less than or equal to {MAX_COLUMNS}"
        )
    if isinstance(value, float) and not 0 < value < 1:
        raise ValueError("a fraction of the columns must be between 0 and 1 (both excluded)")
    return value


# Checked after the union so errors name the field itself; the schema shows a form both limits.
CountOrFraction = Annotated[
    int | float,
    AfterValidator(_count_or_fraction),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": MAX_COLUMNS},
                {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            ]
        }
    ),
]


class ModelBasedSelectionParams(ColumnsParams):
    method: Literal["select_from_model", "rfe"] = "select_from_model"
    estimator: Literal["auto", "random_forest", "logistic_regression", "linear_regression"] = "auto"
    threshold: float | str | None = Field("mean", description='"mean", "median", "1.5*mean", 0.01')
    max_features: int | None = Field(None, ge=1, le=MAX_COLUMNS)
    n_features_to_select: CountOrFraction | None = Field(
        None, description="a count, a fraction of the columns in (0, 1), or None = half"
    )
    step: CountOrFraction = Field(1, description="columns removed per round: a count or a fraction")
    n_estimators: int = Field(
        100, ge=1, le=MAX_TREES, description="trees of the random forest (at most 5000)"
    )
    problem_type: ProblemType = "auto"
    random_state: Seed | None = 42


class ModelBasedSelectionRecord(SelectionRecord):
    node_type: str = "ModelBasedSelection"
    estimator: str
    importances: dict[str, float | None] | None
    ranking: dict[str, int] | None


def model_estimator(params: ModelBasedSelectionParams, task: Task) -> Any:
    """The scikit-learn estimator these parameters describe (also used by the tests)."""
    name = "random_forest" if params.estimator == "auto" else params.estimator
    if name == "random_forest":
        forest = RandomForestClassifier if task == "classification" else RandomForestRegressor
        return forest(n_estimators=params.n_estimators, random_state=params.random_state)
    if name == "logistic_regression":
        return LogisticRegression(max_iter=1000, random_state=params.random_state)
    return LinearRegression()


def model_selector(params: ModelBasedSelectionParams, task: Task, n_columns: int) -> Any:
    estimator = model_estimator(params, task)
    if params.method == "rfe":
        n_select = params.n_features_to_select
        if isinstance(n_select, int) and not isinstance(n_select, bool):
            n_select = min(n_select, n_columns)
        return RFE(estimator, n_features_to_select=n_select, step=params.step)
    max_features = None if params.max_features is None else min(params.max_features, n_columns)
    return SelectFromModel(estimator, threshold=params.threshold, max_features=max_features)


def _fit_model_based(
    X: pd.DataFrame, y: pd.Series | None, params: ModelBasedSelectionParams, ctx: NodeContext
) -> ModelBasedSelectionRecord:
    node = "ModelBasedSelection"
    columns = scored_columns(X, params, ctx, node)
    block, target = _training_data(X, y, columns, ctx, node)
    assert y is not None
    task = detect_task(y, params.problem_type)
    wrong = {"logistic_regression": "regression", "linear_regression": "classification"}
    if wrong.get(params.estimator) == task:
        raise _error(
            ctx,
            node,
            f"estimator '{params.estimator}' cannot learn a {task} target",
            field="estimator",
        )
    if not columns:
        return ModelBasedSelectionRecord(
            node_id=ctx.node_id, dropped=[], estimator=params.estimator, importances={}, ranking={}
        )
    selector = model_selector(params, task, len(columns))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence warnings on unscaled data
            selector.fit(block, target)
            support = selector.get_support()  # reads the threshold
    except ValueError as exc:  # a threshold string scikit-learn cannot read, a too-large step
        field = "threshold" if params.method == "select_from_model" else "n_features_to_select"
        raise _error(ctx, node, str(exc), field=field) from exc
    fitted = selector.estimator_
    importances = getattr(fitted, "feature_importances_", None)
    if importances is None and params.method == "select_from_model":
        coef = np.asarray(fitted.coef_)
        importances = np.abs(coef) if coef.ndim == 1 else np.linalg.norm(coef, axis=0, ord=1)
    ranking = getattr(selector, "ranking_", None)
    return _record(
        ModelBasedSelectionRecord,
        ctx,
        columns,
        support,
        estimator=params.estimator,
        importances=_scores(columns, importances) if params.method != "rfe" else None,
        ranking=None if ranking is None else dict(zip(columns, map(int, ranking), strict=True)),
    )


MODEL_BASED_SELECTION: NodeDefinition[ModelBasedSelectionParams, ModelBasedSelectionRecord] = (
    NodeDefinition(
        id="ModelBasedSelection",
        group="selection",
        description="Keeps the numeric columns a fitted model finds important (SelectFromModel) "
        "or that survive recursive elimination (RFE).",
        params_model=ModelBasedSelectionParams,
        record_model=ModelBasedSelectionRecord,
        learns=True,
        train_only=False,
        calculator=_fit_model_based,
        applier=apply_selection,
        column_flow=same_columns,
        array_applier=select_arrays,
    )
)
"""Estimators: auto = random_forest (RandomForestClassifier/Regressor by task, ``n_estimators``
trees — a parameter NODES.md does not list), logistic_regression (classification only,
max_iter 1000), linear_regression (regression only); all seeded with ``random_state``.
select_from_model uses ``threshold`` and ``max_features``; rfe uses ``n_features_to_select``
(None = half, as in scikit-learn) and ``step``. Counts above the number of scored columns are
capped to it."""

NODES: list[NodeDefinition] = [UNIVARIATE_SELECTION, MODEL_BASED_SELECTION]
