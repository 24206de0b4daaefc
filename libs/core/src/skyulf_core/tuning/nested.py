"""nested_cv's inner loop: the node's search run again on one outer fold's training rows.

As ``GridSearchCV`` inside ``cross_val_score``: the search (the node's ``tuning_config``: its
strategy, its trial budget and its own folds) sees only the outer fold's training rows, in this
process and in memory; the parameters it chose are then fitted on those rows and scored on the
outer fold's held-out rows (by :func:`skyulf_core.graph.cross_validation.cross_validate`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from skyulf_core.graph.runner import ModelStep
from skyulf_core.nodes.splitting import Split
from skyulf_core.tuning.objective import TuningProblem
from skyulf_core.tuning.study import ERROR_ATTR, best_of, open_study, run_trials
from skyulf_errors import Cancelled, NodeError

if TYPE_CHECKING:
    from skyulf_core.graph.executor import TrainContext


def inner_search(
    context: TrainContext, model: ModelStep, rows: Split
) -> tuple[ModelStep, dict[str, Any]]:
    """The model node with the parameters its search chose on ``rows``, and those parameters."""
    problem = TuningProblem.within(context, model.node_id, rows)
    study = open_study(problem, f"skyulf-nested-{model.node_id}")
    budget = [problem.n_trials]

    def claim() -> bool:
        budget[0] -= 1
        return budget[0] >= 0

    should_stop = context.hooks.cancelled
    run_trials(study, problem, claim=claim, should_stop=should_stop)
    if should_stop():
        raise Cancelled("training cancelled during nested cross-validation's inner search")
    best = best_of(study)
    if best is None:
        failed = [t.user_attrs.get(ERROR_ATTR, "") for t in study.trials]
        reason = next((r for r in failed if r), "")
        raise NodeError(
            f"node '{model.node_id}' ({model.definition.id}): nested_cv: no trial of the inner "
            f"search completed on an outer fold's training rows; {reason}".rstrip("; "),
            node_id=model.node_id,
            node_type=model.definition.id,
            field="tuning_config",
        )
    params = dict(best.params)
    return problem.step(params), params
