"""`INSERT … ON CONFLICT` for both backends, through each dialect's own construct."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, case, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import DeclarativeBase, Session


def upsert(
    session: Session,
    model: type[DeclarativeBase],
    rows: Sequence[dict[str, Any]],
    conflict: Sequence[str],
    update: Sequence[str] = (),
) -> None:
    """Insert `rows`; on a `conflict` clash overwrite only the `update` columns (or skip)."""
    if not rows:
        return
    insert = _insert(session)
    # Rows go as parameters, not in the statement: one compiled (and cached) statement,
    # sent with SQLAlchemy's "insertmanyvalues" batching.
    # The Core table, not the ORM entity: the ORM's bulk path costs more than the database.
    statement = insert(cast(Table, model.__table__))
    if update:
        statement = statement.on_conflict_do_update(
            index_elements=list(conflict),
            set_={column: statement.excluded[column] for column in update},
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
    session.execute(statement, list(rows))


def accumulate(
    session: Session,
    model: type[DeclarativeBase],
    rows: Sequence[dict[str, Any]],
    conflict: Sequence[str],
    *,
    add: Sequence[str] = (),
    least: Sequence[str] = (),
) -> None:
    """Insert `rows`; on a clash add the `add` columns to the stored ones and keep the
    smaller of each `least` column, in the statement (no read first)."""
    if not rows:
        return
    table = cast(Table, model.__table__)
    statement = _insert(session)(table)
    new = statement.excluded
    set_: dict[str, Any] = {column: table.c[column] + new[column] for column in add}
    set_.update(
        {
            column: case((new[column] < table.c[column], new[column]), else_=table.c[column])
            for column in least
        }
    )
    statement = statement.on_conflict_do_update(index_elements=list(conflict), set_=set_)
    session.execute(statement, list(rows))


def keep_least(
    session: Session,
    model: type[DeclarativeBase],
    rows: Sequence[dict[str, Any]],
    conflict: Sequence[str],
    order: Sequence[str],
) -> None:
    """Insert `rows`; on a clash replace the stored row only when the new one comes first
    by the `order` columns, compared as a tuple."""
    if not rows:
        return
    table = cast(Table, model.__table__)
    statement = _insert(session)(table)
    new = statement.excluded
    update = [c.name for c in table.columns if c.name not in conflict]
    statement = statement.on_conflict_do_update(
        index_elements=list(conflict),
        set_={column: new[column] for column in update},
        where=tuple_(*(new[c] for c in order)) < tuple_(*(table.c[c] for c in order)),
    )
    session.execute(statement, list(rows))


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
