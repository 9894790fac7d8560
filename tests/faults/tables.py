"""Everything a database holds, table by table, in a form two runs can be compared in.

Two runs of the same work (one clean, one killed and resumed) store the same facts, but not
the same clocks or counters: times, surrogate integer keys (a rolled-back insert still uses
up a PostgreSQL sequence) and the bookkeeping of the runs themselves differ by nature.
`contents` drops exactly those and keeps every other column, so any lost, duplicated or
half-written row shows as a difference.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, select

from trendcache.db import Database
from trendcache.db.models import Base

# How the runs went, not what they stored.
BOOKKEEPING = {"sync_runs", "leases", "state", "upstream_requests"}
# What the processes counted and reported for /metrics: a killed process loses the counts it
# had not flushed yet (up to 5 s of them, by design), and its resumed work counts again.
BOOKKEEPING |= {"metric_counters", "web_snapshots", "worker_heartbeats"}
# Which worker's claim a row was decided in: bookkeeping, made up per claim.
CLAIMS = {"batch_id"}
# Times inside stored JSON documents (the cached views carry when they were made).
JSON_TIMES = {"fetchedAt", "expires", "generatedAt", "updatedAt", "checkedAt", "decidedAt"}
JSON_TIMES |= {"created"}  # MusicBrainz's search responses say when they were made


def contents(database: Database) -> dict[str, Counter[str]]:
    """Each table's rows (as sorted reprs, counted), without clocks and surrogate keys."""
    found: dict[str, Counter[str]] = {}
    with database.session() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            kept = [column for column in table.columns if _is_fact(column)]
            rows = session.execute(select(*kept)).all()
            found[table.name] = Counter(
                repr(
                    sorted(
                        (column.name, _plain(value))
                        for column, value in zip(kept, row, strict=True)
                    )
                )
                for row in rows
            )
    return found


def differences(clean: dict[str, Counter[str]], other: dict[str, Counter[str]]) -> list[str]:
    """What `other` lacks or has in excess, per table: empty when they hold the same."""
    found = []
    for table in sorted(set(clean) | set(other)):
        missing = clean.get(table, Counter()) - other.get(table, Counter())
        extra = other.get(table, Counter()) - clean.get(table, Counter())
        if missing or extra:
            found.append(
                f"{table}: {sum(missing.values())} rows missing, {sum(extra.values())} extra"
                f" (e.g. {_first(missing)} / {_first(extra)})"
            )
    return found


def _first(rows: Counter[str]) -> str:
    return next(iter(rows), "-")[:2000]


def _is_fact(column: Any) -> bool:
    if column.name.endswith("_at") or column.name in {"expires", "fetched_at", *CLAIMS}:
        return False
    if _python_type(column) is datetime or _is_random(column):
        return False
    if any(_is_random(key.column) for key in column.foreign_keys):
        return False
    surrogate = isinstance(column.type, Integer) and (
        column.primary_key or column.foreign_keys or column.name.endswith("_id")
    )
    return not surrogate


def _is_random(column: Any) -> bool:
    """A key made up when the row was written (`new_id`), not a fact about it."""
    default = getattr(column.default, "arg", None)
    return getattr(default, "__name__", "") == "new_id"


def _python_type(column: Any) -> type | None:
    kind = getattr(column.type, "impl", column.type)  # a TypeDecorator's underlying type
    try:
        python_type: type = kind.python_type
    except NotImplementedError:
        return None
    return python_type


def _plain(value: Any) -> Any:
    """JSON without its times; dates as text, so both backends compare alike."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in sorted(value.items()) if key not in JSON_TIMES}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
