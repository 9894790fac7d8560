"""Helpers for the hostile-text fault tests: what clean text looks like, and a database
that refuses chosen writes with a real trigger (both backends)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import text

from trendcache.db import Database
from trendcache.emulators.hostile import LONG_NAME_CHARACTERS

NAME_LIMIT = 500  # albums.name, albums.label and artists.name are String(500)
TEXT_LIMIT = 2000  # no stored string is longer (links at most; other text 1000)
# What no stored text may contain: C0/C1 controls, bidi embeddings, overrides and
# isolates, zero-width spaces, word joiners and byte order marks.
FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")


def cleaned(variant: str, original: str) -> str:
    """What must be stored for `original` served in hostile `variant`."""
    if variant == "decomposed":
        return f"{original} Café"  # composed again (NFC)
    if variant == "long":
        return f"{original} {'W' * LONG_NAME_CHARACTERS}"[: NAME_LIMIT - 1] + "…"
    return original


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON document, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)


def refuse_writes(
    database: Database, table: str, message: str, when: str = "true", events: str = "INSERT"
) -> Callable[[], None]:
    """A real refusal: a trigger that makes the database reject `events` on `table` for
    rows where `when` holds (SQL over NEW). Returns the undo (PostgreSQL's test database
    outlives the test)."""
    name = f"refuse_{table}"
    each = [event.strip().upper() for event in events.split(",")]
    if database.engine.dialect.name == "postgresql":
        create = [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN IF {when} THEN RAISE EXCEPTION '{message}'; END IF; RETURN NEW; END $$",
            f"CREATE TRIGGER {name} BEFORE {' OR '.join(each)} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()",
        ]
        drop = [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
    else:  # SQLite: one trigger per event
        create = [
            f"CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON {table} "
            f"WHEN {when} BEGIN SELECT RAISE(ABORT, '{message}'); END"
            for event in each
        ]
        drop = [f"DROP TRIGGER IF EXISTS {name}_{event.lower()}" for event in each]
    with database.engine.begin() as connection:
        for statement in create:
            connection.execute(text(statement))

    def undo() -> None:
        with database.engine.begin() as connection:
            for statement in drop:
                connection.execute(text(statement))

    return undo
