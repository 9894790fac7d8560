"""What the database (or any dependency) said when it failed, in one line fit for a log,
a page and a start-up error."""

from __future__ import annotations

from sqlalchemy.exc import StatementError


class SchemaAhead(Exception):
    """The database's schema is newer than this release knows: a newer release migrated it."""

    def __init__(self, current: str, head: str) -> None:
        super().__init__(
            f"the database schema is at revision {current}, newer than this release knows "
            f"(its newest is {head}): run the release that migrated it, or restore a backup "
            "made before that migration"
        )


def underlying(exc: BaseException) -> BaseException:
    """What the driver raised, without the statement and parameters SQLAlchemy wraps it in
    (which quote the data: possibly kilobytes of upstream text)."""
    return exc.orig if isinstance(exc, StatementError) and exc.orig is not None else exc


def first_line(exc: BaseException) -> str:
    """An exception's message, its first line only (its type's name when it has none)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def database_error(exc: BaseException) -> str:
    """'OperationalError: …': the driver's error type and its first line."""
    cause = underlying(exc)
    return f"{type(cause).__name__}: {first_line(cause)}"
