"""What the database said when it refused a write, in one line fit for a log and a page."""

from __future__ import annotations

from sqlalchemy.exc import StatementError


def database_error(exc: Exception) -> str:
    """The database's own message, without the statement and parameters SQLAlchemy adds
    (which quote the data: possibly kilobytes of upstream text)."""
    cause = exc.orig if isinstance(exc, StatementError) and exc.orig is not None else exc
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else 'no message'}"
