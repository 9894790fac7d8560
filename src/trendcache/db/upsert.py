"""`INSERT … ON CONFLICT` for both backends, through each dialect's own construct."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table
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
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
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
