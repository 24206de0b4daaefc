"""The unit of work: one transaction that commits, rolls back, and translates database errors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from skyulf_errors import AlreadyExists, SkyulfError, Unavailable


class UnitOfWork:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._factory = sessionmaker(engine, expire_on_commit=False)

    @contextlib.contextmanager
    def __call__(self) -> Iterator[Session]:
        session = self._factory()
        try:
            yield session
            session.commit()
        except SkyulfError:
            session.rollback()
            raise
        except IntegrityError as e:
            session.rollback()
            raise AlreadyExists(
                "the record conflicts with an existing one", details={"constraint": _name(e)}
            ) from e
        except OperationalError as e:
            session.rollback()
            raise Unavailable("the database is not available") from e
        except SQLAlchemyError:
            session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def _name(e: IntegrityError) -> str:
    diag = getattr(getattr(e.orig, "diag", None), "constraint_name", None)
    return str(diag or e.orig).splitlines()[0]
