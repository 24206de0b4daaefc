"""Rows of a project-scoped table are stamped with the call's project and seen only there."""

from __future__ import annotations

from sqlalchemy import String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from skyulf_platform.db.base import new_id, service_metadata
from skyulf_platform.db.projects import ProjectScoped, in_project, visible
from skyulf_platform.projects import DEFAULT_PROJECT, acting_in


class _Base(DeclarativeBase):
    metadata = service_metadata()


class _Thing(ProjectScoped, _Base):
    __tablename__ = "things"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(32))


def test_rows_are_stamped_and_filtered_by_the_calls_project() -> None:
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add(_Thing(id="old", name="made before projects"))
        s.flush()
        with acting_in("team-a"):
            s.add(_Thing(id="a", name="a's"))
            s.flush()
        s.commit()
        assert s.get(_Thing, "old").project_id == DEFAULT_PROJECT  # type: ignore[union-attr]
        with acting_in("team-a"):
            assert s.scalars(select(_Thing.id).where(in_project(_Thing))).all() == ["a"]
            assert visible(s.get(_Thing, "a")) is not None
            assert visible(s.get(_Thing, "old")) is None
        with acting_in("team-b"):
            assert s.scalars(select(_Thing.id).where(in_project(_Thing))).all() == []
            assert visible(s.get(_Thing, "a")) is None
        assert visible(s.get(_Thing, "old")) is not None
