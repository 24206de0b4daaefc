"""Per-node progress of a training job, as ``node`` events in the job's event stream.

At the start every node of the graph is ``queued``; the executor then reports each node
``running`` and ``done``. When training raises, the node last reported running is ``failed``;
whatever never ran (a failed or cancelled job, or a node the executor does not run) ends
``skipped``, so every node ends in a final state.
"""

from __future__ import annotations

import logging

from skyulf_core.graph import PipelineGraph
from skyulf_core.graph.executor import StepEvent
from skyulf_pipeline.models import NodeStatus
from skyulf_pipeline.repository import JobRepository

log = logging.getLogger(__name__)


class NodeProgress:
    """The ``on_step`` callback of one job's training run; records each node's status."""

    def __init__(self, jobs: JobRepository, job_id: str, graph: PipelineGraph) -> None:
        self.jobs = jobs
        self.job_id = job_id
        self.types = {n.id: n.type for n in graph.nodes}
        self.status: dict[str, NodeStatus] = {}

    def start(self) -> None:
        self._write([(node_id, "queued") for node_id in self.types])

    def __call__(self, event: StepEvent) -> None:
        self._write([(event.node_id, event.status)])

    def failed(self) -> None:
        """Training raised: fail the node it was in, skip those it never reached."""
        changes: list[tuple[str, NodeStatus]] = [
            (n, "failed") for n, s in self.status.items() if s == "running"
        ]
        changes += [(n, "skipped") for n, s in self.status.items() if s == "queued"]
        self._write(changes)

    def finished(self) -> None:
        """Training succeeded: any node it did not run is skipped."""
        self._write([(n, "skipped") for n, s in self.status.items() if s == "queued"])

    def _write(self, changes: list[tuple[str, NodeStatus]]) -> None:
        if not changes:
            return
        rows = [(n, s, f"node '{n}' ({self.types.get(n, '?')}) {s}") for n, s in changes]
        try:
            self.jobs.node_events(self.job_id, rows)
        except Exception:
            # Node events are a view of progress; losing one must not fail the training.
            log.warning(
                "could not record node events of job %s",
                self.job_id,
                exc_info=True,
                extra={"job_id": self.job_id},
            )
            return
        self.status.update(changes)
