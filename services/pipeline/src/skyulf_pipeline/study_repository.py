"""The tuning studies' rows: one per tuned model node of a job, and its trial budget.

A worker may run a trial only after :meth:`StudyRepository.claim` granted it: one conditional
UPDATE that raises ``claimed`` while it is below ``n_trials`` (and the deadline has not passed),
so however many workers share a study, it never runs more trials than its budget, and a trial a
dead worker held is never handed out again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal, cast

from sqlalchemy import or_, select, update

from skyulf_pipeline.db.tables import TuningStudyRow
from skyulf_pipeline.models import TuningStudy
from skyulf_platform.db.base import utcnow
from skyulf_platform.db.uow import UnitOfWork

Direction = Literal["maximize", "minimize"]


def _study(row: TuningStudyRow) -> TuningStudy:
    return TuningStudy(
        id=row.id,
        job_id=row.job_id,
        node_id=row.node_id,
        study_name=row.study_name,
        strategy=row.strategy,
        metric=row.metric,
        direction=cast(Direction, row.direction),
        n_trials=row.n_trials,
        timeout=row.timeout,
        claimed=row.claimed,
        deadline_at=row.deadline_at,
        state=row.state,  # type: ignore[arg-type]
        importances=row.importances or {},
    )


class StudyRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def ensure(
        self,
        *,
        job_id: str,
        node_id: str,
        study_name: str,
        strategy: str,
        metric: str,
        direction: str,
        n_trials: int,
        timeout: float | None,
    ) -> TuningStudy:
        """The node's study row, created by the first attempt (a later attempt goes on with it)."""
        with self.uow() as session:
            row = session.scalar(
                select(TuningStudyRow).where(
                    TuningStudyRow.job_id == job_id, TuningStudyRow.node_id == node_id
                )
            )
            if row is None:
                now = utcnow()
                row = TuningStudyRow(
                    job_id=job_id,
                    node_id=node_id,
                    study_name=study_name,
                    strategy=strategy,
                    metric=metric,
                    direction=direction,
                    n_trials=n_trials,
                    timeout=timeout,
                    claimed=0,
                    deadline_at=now + timedelta(seconds=timeout) if timeout else None,
                    state="RUNNING",
                    created_at=now,
                )
                session.add(row)
                session.flush()
            return _study(row)

    def claim(self, study_id: int) -> bool:
        """Take one trial of the budget; False once it is spent, past the deadline, or the
        study is no longer RUNNING."""
        now = utcnow()
        with self.uow() as session:
            result = session.execute(
                update(TuningStudyRow)
                .where(
                    TuningStudyRow.id == study_id,
                    TuningStudyRow.state == "RUNNING",
                    TuningStudyRow.claimed < TuningStudyRow.n_trials,
                    or_(TuningStudyRow.deadline_at.is_(None), TuningStudyRow.deadline_at > now),
                )
                .values(claimed=TuningStudyRow.claimed + 1)
                .execution_options(synchronize_session=False)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def finish(self, study_id: int, state: str, importances: dict[str, float]) -> None:
        with self.uow() as session:
            session.execute(
                update(TuningStudyRow)
                .where(TuningStudyRow.id == study_id)
                .values(state=state, importances=importances, finished_at=utcnow())
                .execution_options(synchronize_session=False)
            )

    def get(self, study_id: int) -> TuningStudy | None:
        with self.uow() as session:
            row = session.get(TuningStudyRow, study_id)
            return _study(row) if row is not None else None

    def for_job(self, job_id: str) -> list[TuningStudy]:
        with self.uow() as session:
            rows = session.scalars(
                select(TuningStudyRow)
                .where(TuningStudyRow.job_id == job_id)
                .order_by(TuningStudyRow.id)
            ).all()
            return [_study(r) for r in rows]

    def deadline_passed(self, study: TuningStudy, now: datetime | None = None) -> bool:
        return study.deadline_at is not None and (now or utcnow()) >= study.deadline_at
