"""Cross-validation of a model node: the learned chain is refitted inside every fold.

The folds cut the train split as the TrainTestSplitter left it (before any node after it ran).
In each fold every node after the splitter fits on the fold's training rows only and is applied
to its held-out rows, then the model trains and is scored: no statistic learned from the held-out
rows (a scaler's mean, an imputer's median, an encoder's categories) reaches the fold's model.

``nested_cv`` (a tuned node only): nested cross-validation as scikit-learn users write it,
``cross_val_score(GridSearchCV(pipe, grid, cv=inner), X, y, cv=outer)``. The outer folds are a
k-fold of the train split; in each, the node's search (its ``tuning_config``: strategy, trials
and inner folds) runs again on the outer training rows alone, the model with the parameters it
chose is fitted on those rows and scored on the outer held-out rows. The mean over the outer
folds estimates the whole procedure, search included, on rows no search saw; the parameters
chosen in each outer fold are kept with the folds' scores.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from sklearn.model_selection import KFold, ShuffleSplit, StratifiedKFold, TimeSeriesSplit

from skyulf_core.bundle.target import relabel
from skyulf_core.evaluation.schema import CrossValidation, MetricSummary
from skyulf_core.graph.runner import Frames, Step, _run_step, guard_memory
from skyulf_core.models.training import CrossValidationSettings
from skyulf_core.nodes import FittedRecord, NodeContext
from skyulf_core.nodes.splitting import Split
from skyulf_errors import NodeError

# score(train, held_out, records): fit the model on the fold's transformed train rows and
# return its metrics on the transformed held-out rows (unprefixed names).
ScoreFold = Callable[[Split, Split, list[FittedRecord]], dict[str, float]]
# select(index, rows): nested_cv's inner search on one outer fold's training rows (raw, as cut
# from the train split): the score function of the model it chose, and the chosen parameters.
SelectFold = Callable[[int, Split], tuple[ScoreFold, dict[str, Any]]]
SHUFFLE_TEST_SIZE = 0.2


@dataclass
class CvResult:
    settings: CrossValidationSettings
    fold_metrics: list[dict[str, float]]
    # The records each fold's chain learned (kept to show what each fold saw).
    fold_records: list[list[FittedRecord]] = field(default_factory=list)
    # nested_cv: the parameters the inner search chose in each outer fold.
    fold_params: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, MetricSummary]:
        names = set.intersection(*(set(m) for m in self.fold_metrics)) if self.fold_metrics else ()
        return {
            name: MetricSummary(
                mean=float(np.mean(values)), std=float(np.std(values)), folds=values
            )
            for name in sorted(names)
            for values in [[float(m[name]) for m in self.fold_metrics]]
        }

    def job_metrics(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for name, s in self.summary().items():
            out[f"cv_{name}_mean"] = s.mean
            out[f"cv_{name}_std"] = s.std
        return out

    def evaluation(self) -> CrossValidation:
        return CrossValidation(
            type=self.settings.cv_type,
            folds=len(self.fold_metrics),
            metrics=self.summary(),
            fold_params=self.fold_params or None,
        )


def _error(message: str, node_id: str, model_type: str, fieldname: str) -> NodeError:
    return NodeError(
        f"node '{node_id}' ({model_type}): {message}",
        node_id=node_id,
        node_type=model_type,
        field=fieldname,
    )


def fold_indices(
    train: Split, settings: CrossValidationSettings, task: str, node_id: str, model_type: str
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Positional (train, held-out) index pairs of the folds of ``train``."""
    n, k = len(train.X), settings.cv_folds
    too_few = n < 5 if settings.cv_type == "shuffle_split" else n < 2 * k
    if too_few:
        raise _error(
            f"the train split has {n} rows, too few for {k} folds; lower cv_folds",
            node_id,
            model_type,
            "cv_folds",
        )
    seed = settings.cv_random_state if settings.cv_shuffle else None
    X = np.zeros((n, 1))
    kind = "k_fold" if settings.cv_type == "nested_cv" else settings.cv_type
    if kind == "k_fold":
        return list(KFold(k, shuffle=settings.cv_shuffle, random_state=seed).split(X))
    if kind == "shuffle_split":
        splitter = ShuffleSplit(k, test_size=SHUFFLE_TEST_SIZE, random_state=seed)
        return list(splitter.split(X))
    if kind == "stratified_k_fold":
        if task != "classification" or train.y is None:
            raise _error(
                "stratified_k_fold needs a classification target", node_id, model_type, "cv_type"
            )
        smallest = int(train.y.value_counts().min())
        if smallest < k:
            raise _error(
                f"a class has only {smallest} rows in the train split, fewer than {k} folds; "
                "lower cv_folds or use k_fold",
                node_id,
                model_type,
                "cv_folds",
            )
        strat = StratifiedKFold(k, shuffle=settings.cv_shuffle, random_state=seed)
        return list(strat.split(X, train.y.to_numpy()))
    # time_series_split: earlier rows train, the next block is held out.
    column = settings.cv_time_column
    if column is not None and column not in train.X.columns:
        raise _error(
            f"cv_time_column '{column}' is not in the data at the split",
            node_id,
            model_type,
            "cv_time_column",
        )
    keys = train.X[column] if column is not None else train.X.index.to_series()
    order = np.argsort(keys.to_numpy(), kind="stable")
    return [(order[a], order[b]) for a, b in TimeSeriesSplit(k).split(X)]


def _take(part: Split, rows: np.ndarray) -> Split:
    return Split(part.X.iloc[rows], None if part.y is None else part.y.iloc[rows])


def _run_fold(
    steps: Sequence[Step],
    target: str | None,
    labels: tuple[Any, ...] | None,
    train: Split,
    held_out: Split,
) -> tuple[Frames, list[FittedRecord]]:
    frames = Frames(train=train, test=held_out)
    records: list[FittedRecord] = []
    for step in steps:
        ctx = NodeContext(node_id=step.node_id, target=target, target_classes=labels)
        frames, record = guard_memory(
            step.node_id, step.definition.id, partial(_run_step, step, frames, ctx)
        )
        if record is not None:
            records.append(record)
            labels = relabel(labels, record)
    return frames, records


def cross_validate(
    steps: Sequence[Step],
    train: Split,
    settings: CrossValidationSettings,
    score: ScoreFold,
    *,
    task: str,
    target: str | None,
    labels: Sequence[Any] | None,
    node_id: str,
    model_type: str,
    before_fold: Callable[[int], None] | None = None,
    after_fold: Callable[[int, dict[str, float]], None] | None = None,
    select: SelectFold | None = None,
) -> CvResult:
    """Score the model over the folds of ``train``; ``steps`` are the nodes after the splitter.

    ``after_fold(index, metrics)`` hears each fold's scores (a search prunes a trial on them).
    ``select`` (nested_cv) chooses the model of each outer fold from its training rows."""
    if settings.cv_type == "nested_cv" and select is None:
        raise _error(
            "cv_type 'nested_cv' runs the node's search inside each outer fold and needs "
            "run_mode 'tuned'; for a fixed model use k_fold",
            node_id,
            model_type,
            "cv_type",
        )
    label_tuple = None if labels is None else tuple(labels)
    result = CvResult(settings=settings, fold_metrics=[])
    folds = fold_indices(train, settings, task, node_id, model_type)
    for index, (fit_rows, held_rows) in enumerate(folds):
        if before_fold is not None:
            before_fold(index)
        fit_part, held_part = _take(train, fit_rows), _take(train, held_rows)
        fold_score = score
        if select is not None:
            fold_score, params = select(index, fit_part)
            result.fold_params.append(params)
        frames, records = _run_fold(steps, target, label_tuple, fit_part, held_part)
        assert frames.test is not None
        metrics = fold_score(frames.train, frames.test, records)
        result.fold_metrics.append(metrics)
        result.fold_records.append(records)
        if after_fold is not None:
            after_fold(index, metrics)
    return result
