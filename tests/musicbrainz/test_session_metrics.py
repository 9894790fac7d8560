"""What a MusicBrainz session counts, against the emulator: every attempt by endpoint
template and outcome, its 503s by rate-limit zone (ours, or their load shedding), the
Retry-After it waited, timeouts, and each wait for the shared limiter."""

from __future__ import annotations

from tests.musicbrainz.conftest import SessionFactory, fast_limiter
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.tally import Deltas, Tally
from trendcache.upstream_metrics import UpstreamMetrics
from trendcache.upstream_retry import RetryPolicy

QUICK = RetryPolicy(attempts=4, backoff_initial=0.01, backoff_max=0.1)


def counted(deltas: Deltas, name: str) -> dict[tuple[str, ...], float]:
    """The label values (in order) → value of every sample called `name`."""
    return {
        tuple(value for _, value in labels): amount
        for (sample, labels), amount in deltas.items()
        if sample == name
    }


def test_global_load_shedding_is_a_503_in_the_global_zone(
    make_session: SessionFactory, musicbrainz_emulator: MusicBrainzEmulator, known_release: str
) -> None:
    tally = Tally()
    musicbrainz_emulator.faults.overloaded(count=2)
    session = make_session(retry=QUICK, metrics=UpstreamMetrics(tally, "musicbrainz"))

    session.get(known_release)
    session.get("release", [("query", "reid:(x)"), ("limit", "1")])

    deltas = tally.take()
    assert counted(deltas, "trendcache_upstream_requests_total") == {
        ("musicbrainz", "/ws/2/release/{id}", "503"): 2,
        ("musicbrainz", "/ws/2/release/{id}", "2xx"): 1,
        ("musicbrainz", "/ws/2/release", "2xx"): 1,
    }
    assert counted(deltas, "trendcache_musicbrainz_rate_limited_total") == {("global",): 2}
    assert counted(deltas, "trendcache_upstream_retry_after_waits_total") == {}  # backoff
    waits = counted(deltas, "trendcache_upstream_limiter_wait_seconds_bucket")
    assert sum(waits.values()) == 4  # every attempt took a slot


def test_our_own_limit_is_a_503_in_the_ws_zone_and_its_retry_after_is_counted(
    make_session: SessionFactory, musicbrainz_emulator: MusicBrainzEmulator, known_release: str
) -> None:
    """Two clients of one application, each pacing only itself (see test_session.py)."""
    musicbrainz_emulator.requests_per_second = 0.5
    tally = Tally()
    first = make_session(limiter=fast_limiter("one"))
    second = make_session(
        limiter=fast_limiter("two"), metrics=UpstreamMetrics(tally, "musicbrainz")
    )

    first.get(known_release)
    second.get(known_release)

    deltas = tally.take()
    assert counted(deltas, "trendcache_musicbrainz_rate_limited_total") == {("ws",): 1}
    assert counted(deltas, "trendcache_upstream_retry_after_waits_total") == {("musicbrainz",): 1}
    waited = counted(deltas, "trendcache_upstream_retry_after_wait_seconds_total")
    assert waited[("musicbrainz",)] >= 2  # the emulator's Retry-After: 2
    assert counted(deltas, "trendcache_upstream_requests_total") == {
        ("musicbrainz", "/ws/2/release/{id}", "503"): 1,
        ("musicbrainz", "/ws/2/release/{id}", "2xx"): 1,
    }


def test_a_slow_answer_is_a_timeout(
    make_session: SessionFactory, musicbrainz_emulator: MusicBrainzEmulator, known_release: str
) -> None:
    tally = Tally()
    session = make_session(retry=QUICK, metrics=UpstreamMetrics(tally, "musicbrainz"), timeout=0.3)
    musicbrainz_emulator.faults.latency = 1.0
    try:
        session.get(known_release)
    except Exception:
        pass  # every attempt timed out: what matters here is what was counted
    finally:
        musicbrainz_emulator.faults.latency = 0.0

    requests = counted(tally.take(), "trendcache_upstream_requests_total")
    assert requests == {("musicbrainz", "/ws/2/release/{id}", "timeout"): QUICK.attempts}
