"""The session's promises, held to over real HTTP against the MusicBrainz emulator.

Timings come from the emulator's request log (when each request reached it), so these
tests prove what MusicBrainz would see, not how fast our side thinks it went.
"""

from __future__ import annotations

import threading
from itertools import pairwise
from pathlib import Path
from urllib.parse import parse_qs

import httpx2
import pytest

from tests.faults.hostile import FORBIDDEN, strings
from tests.fixtures.app import SettingsFactory
from tests.fixtures.musicbrainz import USER_AGENT
from tests.musicbrainz.conftest import DictCache, SessionFactory, fast_limiter
from trendcache.emulators.hostile import VARIANTS, variant_of
from trendcache.emulators.musicbrainz import MusicBrainzEmulator, RequestRecord
from trendcache.musicbrainz.connector import MusicBrainzConnector, musicbrainz_rate
from trendcache.musicbrainz.errors import (
    MusicBrainzRefused,
    MusicBrainzUnavailable,
    UserAgentError,
)
from trendcache.musicbrainz.sanitize import NAME_LIMIT
from trendcache.musicbrainz.session import MusicBrainzSession
from trendcache.text import clean_text
from trendcache.upstream_retry import RetryPolicy

UNKNOWN = "release/00000000-0000-4000-8000-000000000000"
GLOBAL = "global"


def gaps(requests: list[RequestRecord]) -> list[float]:
    """Seconds between consecutive arrivals at the emulator."""
    return [later.arrived - earlier.arrived for earlier, later in pairwise(requests)]


# What every request carries


def test_every_request_asks_for_json_and_identifies_us(
    session: MusicBrainzSession, musicbrainz_emulator: MusicBrainzEmulator, known_release: str
) -> None:
    document = session.get(known_release, [("inc", "release-groups")])
    session.get("release", [("query", "reid:(x)"), ("limit", "1")])

    assert document is not None and f"release/{document['id']}" == known_release
    requests = musicbrainz_emulator.stats.requests
    assert [r.status for r in requests] == [200, 200]
    for request in requests:
        assert parse_qs(request.query)["fmt"] == ["json"]
        assert request.client == f"127.0.0.1 {USER_AGENT}"
    assert parse_qs(requests[0].query)["inc"] == ["release-groups"]
    assert session.sent == 2


def test_not_found_is_none_not_an_error(
    session: MusicBrainzSession, musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    assert session.get(UNKNOWN) is None
    assert musicbrainz_emulator.stats.by_status == {404: 1}


@pytest.mark.parametrize("agent", ["python-requests/2.32.3", "curl/8.5.0", "Go-http-client/1.1"])
def test_a_refused_agent_raises_user_agent_error_at_once(
    make_session: SessionFactory, musicbrainz_emulator: MusicBrainzEmulator, agent: str
) -> None:
    with pytest.raises(UserAgentError, match="has not identified itself"):
        make_session(agent=agent).get(UNKNOWN)
    assert musicbrainz_emulator.stats.by_status == {403: 1}, "never retried"


def test_another_refusal_is_musicbrainz_refused_at_once(
    session: MusicBrainzSession, musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    with pytest.raises(MusicBrainzRefused, match=r"400: Invalid mbid\."):
        session.get("release/not-an-mbid")
    assert musicbrainz_emulator.stats.by_status == {400: 1}


# 503 from the per-client limit


def test_a_per_client_503_is_retried_no_sooner_than_its_retry_after(
    make_session: SessionFactory, musicbrainz_emulator: MusicBrainzEmulator, known_release: str
) -> None:
    """Two clients of one application (one IP, one agent), each pacing only itself.

    At one request per two seconds the emulator asks the second to wait 2 s, longer than
    the session's own floor of 1 s, so only honouring the header passes.
    """
    musicbrainz_emulator.requests_per_second = 0.5
    answers: list[httpx2.Response] = []
    first = make_session(limiter=fast_limiter("one"))
    second = make_session(limiter=fast_limiter("two"), on_response=answers.append)

    assert first.get(known_release) is not None
    assert second.get(known_release) is not None

    ahead, refused, retried = musicbrainz_emulator.stats.requests
    assert (ahead.status, refused.status, retried.status) == (200, 503, 200)
    assert refused.zone == "ws ip=127.0.0.1" and refused.violation
    retry_after = float(answers[0].headers["retry-after"])
    assert retry_after == 2
    assert retried.arrived - refused.arrived >= retry_after
    assert second.sent == 2


# 503 from global load shedding


def test_global_overload_is_retried_with_growing_gaps_not_its_retry_after_of_zero(
    make_session: SessionFactory, musicbrainz_emulator: MusicBrainzEmulator, known_release: str
) -> None:
    musicbrainz_emulator.faults.overloaded(count=2)
    answers: list[httpx2.Response] = []
    retry = RetryPolicy(attempts=4, backoff_initial=0.1, backoff_max=1.0)
    session = make_session(retry=retry, on_response=answers.append)

    assert session.get(known_release) is not None

    requests = musicbrainz_emulator.stats.requests
    assert [(r.status, r.zone) for r in requests] == [(503, GLOBAL), (503, GLOBAL), (200, None)]
    assert [a.headers.get("retry-after") for a in answers] == ["0", "0", None]
    first_gap, second_gap = gaps(requests)
    assert first_gap >= retry.backoff_initial
    assert second_gap >= 2 * retry.backoff_initial
    assert second_gap > first_gap
    assert musicbrainz_emulator.stats.violations == []


def test_lasting_overload_is_unavailable_after_the_policys_attempts(
    make_session: SessionFactory, musicbrainz_emulator: MusicBrainzEmulator, known_release: str
) -> None:
    musicbrainz_emulator.faults.overloaded(count=None)
    session = make_session(retry=RetryPolicy(attempts=3, backoff_initial=0.01))

    with pytest.raises(MusicBrainzUnavailable, match=r"busy.*3 attempts"):
        session.get(known_release)
    assert [r.zone for r in musicbrainz_emulator.stats.requests] == [GLOBAL] * 3


def test_an_outage_is_unavailable_after_the_policys_attempts(
    make_session: SessionFactory, musicbrainz_emulator: MusicBrainzEmulator, known_release: str
) -> None:
    musicbrainz_emulator.faults.outage = True
    session = make_session(retry=RetryPolicy(attempts=3, backoff_initial=0.01))

    with pytest.raises(MusicBrainzUnavailable, match="unreachable"):
        session.get(known_release)
    assert musicbrainz_emulator.stats.by_status == {0: 3}
    assert session.sent == 3


# The shared limiter, retries included


def test_retries_take_slots_of_the_shared_limiter(
    make_settings: SettingsFactory, musicbrainz_emulator: MusicBrainzEmulator, known_release: str
) -> None:
    """Two connectors on one data directory (as two worker processes), MusicBrainz at its
    real 1/s, load shedding forcing a retry that would go out after 0.01 s: every attempt
    waits for its slot, so MusicBrainz never sees us too fast."""
    musicbrainz_emulator.requests_per_second = 1.0
    musicbrainz_emulator.faults.overloaded(count=1)
    settings = make_settings(
        musicbrainz_base_url=musicbrainz_emulator.base_url,
        musicbrainz_user_agent=USER_AGENT,
        musicbrainz_rate=1.0,
    )
    quick = RetryPolicy(attempts=4, backoff_initial=0.01, backoff_max=0.01)
    connectors = [MusicBrainzConnector(settings, retry=quick) for _ in range(2)]
    found: list[object] = []

    def fetch(connector: MusicBrainzConnector) -> None:
        found.append(connector.client().session.get(known_release))

    try:
        workers = [threading.Thread(target=fetch, args=(c,)) for c in connectors]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(30)
    finally:
        for connector in connectors:
            connector.close()

    assert len(found) == 2 and None not in found
    requests = musicbrainz_emulator.stats.requests
    assert sorted(r.status for r in requests) == [200, 200, 503]
    assert musicbrainz_emulator.stats.violations == []
    assert all(gap >= 0.975 for gap in gaps(requests)), gaps(requests)


def test_the_connector_refuses_an_anonymous_agent_before_anything_is_sent(
    make_settings: SettingsFactory, musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    for agent in (None, "YourApp/1.0 (your@email.com)"):
        settings = make_settings(
            musicbrainz_base_url=musicbrainz_emulator.base_url, musicbrainz_user_agent=agent
        )
        with pytest.raises(UserAgentError, match="MUSICBRAINZ_USER_AGENT"):
            MusicBrainzConnector(settings)
    assert musicbrainz_emulator.stats.total == 0


def test_the_connector_sends_its_checked_agent(
    make_settings: SettingsFactory, musicbrainz_emulator: MusicBrainzEmulator, tmp_path: Path
) -> None:
    settings = make_settings(
        musicbrainz_base_url=musicbrainz_emulator.base_url,
        musicbrainz_user_agent=f"  {USER_AGENT} ",
        musicbrainz_rate=100,
    )
    connector = MusicBrainzConnector(settings)
    try:
        assert connector.client().session.get(UNKNOWN) is None
    finally:
        connector.close()
    (request,) = musicbrainz_emulator.stats.requests
    assert request.client == f"127.0.0.1 {USER_AGENT}"
    assert (tmp_path / "data" / "ratelimits.sqlite3").exists(), "the limiter all processes share"


@pytest.mark.parametrize(
    ("rate", "window"),
    [(1.0, (1, 1.0)), (0.5, (1, 2.0)), (0.2, (1, 5.0)), (3.0, (3, 1.0)), (50, (50, 1.0))],
)
def test_musicbrainz_rate_becomes_a_count_per_window(
    rate: float, window: tuple[int, float]
) -> None:
    assert musicbrainz_rate(rate) == window


# The response cache


def test_a_cached_answer_sends_nothing(
    make_session: SessionFactory, musicbrainz_emulator: MusicBrainzEmulator, known_release: str
) -> None:
    cache = DictCache()
    session = make_session(cache=cache)
    first = session.get(known_release)
    absent = session.get(UNKNOWN)
    sent = musicbrainz_emulator.stats.total

    again = make_session(cache=cache)  # as a resumed batch would
    assert again.get(known_release) == first
    assert again.get(UNKNOWN) is None and absent is None  # a 404 is remembered too
    assert musicbrainz_emulator.stats.total == sent == 2
    assert again.sent == 0 and cache.hits == 2
    assert all("fmt=json" in url for url in cache.documents)


def test_a_failed_request_is_not_cached(
    make_session: SessionFactory, musicbrainz_emulator: MusicBrainzEmulator, known_release: str
) -> None:
    cache = DictCache()
    musicbrainz_emulator.faults.outage = True
    with pytest.raises(MusicBrainzUnavailable):
        make_session(cache=cache, retry=RetryPolicy(attempts=1)).get(known_release)
    assert cache.documents == {}


# Hostile text


def test_answers_are_cleaned_before_they_are_cached_or_used(
    make_session: SessionFactory, musicbrainz_emulator: MusicBrainzEmulator, known_release: str
) -> None:
    cache = DictCache()
    musicbrainz_emulator.faults.hostile_names = True
    document = make_session(cache=cache).get(known_release, [("inc", "artist-credits")])

    assert document is not None
    (cached,) = cache.documents.values()
    assert cached == document  # what is cached is what matching sees
    original = musicbrainz_emulator.catalog.release(document["id"])
    assert original is not None
    hostile = VARIANTS[variant_of(original.id)](original.title)
    assert document["title"] == clean_text(hostile, NAME_LIMIT) != hostile
    assert not any(FORBIDDEN.search(value) for value in strings(document))


def test_an_answer_cached_before_cleaning_is_cleaned_when_read(
    make_session: SessionFactory, musicbrainz_emulator: MusicBrainzEmulator, known_release: str
) -> None:
    cache = DictCache()
    session = make_session(cache=cache)
    first = session.get(known_release)
    assert first is not None
    (url,) = cache.documents
    cache.documents[url] = {**first, "title": "\u202eOld\x00 row"}  # as SQLite kept it

    assert session.get(known_release) == {**first, "title": "Old row"}
    assert musicbrainz_emulator.stats.total == 1
