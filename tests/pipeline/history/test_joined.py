"""One album across sources: a Spotify album matched to a release group joins its `mb-` album
when read; nothing unmatched, or still in review, ever joins."""

from __future__ import annotations

from sqlalchemy import insert

from trendcache.db import Database
from trendcache.db.models import EnrichmentState
from trendcache.pipeline.history.joined import (
    canonical_id,
    is_mbid_album,
    joined_ids,
    mbid_album_id,
    release_group_of,
    same_album,
)

GROUP = "0b4c6b1e-8f6a-4a37-9a29-5a0b1f2b7c11"
OTHER_GROUP = "7d2e9c44-1f3b-4c5d-8e6f-0a1b2c3d4e5f"


def enrichment(database: Database, *rows: tuple[str, str, str | None, str | None]) -> None:
    """(album id, status, level, release group) rows, as enrichment leaves them."""
    with database.writer() as session:
        session.execute(
            insert(EnrichmentState),
            [
                {"album_id": a, "status": s, "level": level, "release_group_mbid": g}
                for a, s, level, g in rows
            ],
        )


def test_mbid_album_ids_name_their_release_group() -> None:
    assert mbid_album_id(GROUP.upper()) == f"mb-{GROUP}"
    assert release_group_of(f"mb-{GROUP}") == GROUP
    assert release_group_of("mb-not-a-uuid") is None
    assert release_group_of("4aawyAB9vmqN3uQ7FjRGTy") is None
    assert is_mbid_album(f"mb-{GROUP}") and not is_mbid_album("4aawyAB9vmqN3uQ7FjRGTy")


def test_a_matched_spotify_album_joins_its_release_group_at_either_level(
    database: Database,
) -> None:
    enrichment(
        database,
        ("spotify-a", "matched", "release", GROUP),
        ("spotify-b", "matched", "release_group", OTHER_GROUP),
    )
    with database.session() as session:
        assert same_album(session, "spotify-a") == ["spotify-a", f"mb-{GROUP}"]
        assert same_album(session, f"mb-{GROUP}") == [f"mb-{GROUP}", "spotify-a"]
        assert same_album(session, "spotify-b") == ["spotify-b", f"mb-{OTHER_GROUP}"]
        assert canonical_id(session, f"mb-{GROUP}") == "spotify-a"
        assert canonical_id(session, "spotify-a") == "spotify-a"


def test_two_spotify_editions_of_one_release_group_are_one_album(database: Database) -> None:
    enrichment(
        database,
        ("explicit", "matched", "release", GROUP),
        ("clean", "matched", "release", GROUP),
    )
    with database.session() as session:
        joined = joined_ids(session, ["explicit", "clean", f"mb-{GROUP}"])
        assert joined["explicit"] == ["explicit", "clean", f"mb-{GROUP}"]
        assert joined["clean"] == ["clean", "explicit", f"mb-{GROUP}"]
        assert joined[f"mb-{GROUP}"] == [f"mb-{GROUP}", "clean", "explicit"]
        assert canonical_id(session, f"mb-{GROUP}") == "clean", "the first, sorted"


def test_unmatched_and_reviewed_albums_join_nothing(database: Database) -> None:
    enrichment(
        database,
        ("pending", "pending", None, None),
        ("in-review", "needs_review", None, GROUP),
        ("no-match", "no_match", None, None),
    )
    with database.session() as session:
        joined = joined_ids(session, ["pending", "in-review", "no-match", "unknown"])
        assert joined == {a: [a] for a in ("pending", "in-review", "no-match", "unknown")}
        assert same_album(session, f"mb-{GROUP}") == [f"mb-{GROUP}"]
        assert canonical_id(session, f"mb-{GROUP}") == f"mb-{GROUP}"
