"""Demo mode: with no Spotify credentials, `serve` runs against the built-in emulators.

All three: Spotify and ListenBrainz for the data (a share of Spotify's albums chart on
ListenBrainz too, under the release groups MusicBrainz has for them), MusicBrainz (at its
real pace of one request a second, so enrichment fills in live) for the identifiers, and
the Cover Art Archive (served by the ListenBrainz emulator) for ListenBrainz's covers. The
emulators can move to another day together (`Demo.move_to`): the demo's weeks of history
are written that way (`trendcache.demo_history`). The demo keeps its data apart
(DATA_DIR/demo) so that setting real credentials later starts from a clean cache instead
of mixing invented albums into real history. For the same reason it refuses to start when
DATABASE_URL or REDIS_URL is set: those name a real deployment's database and queue, and
missing credentials there are a mistake to report, not a reason to fill them with demo data.

The emulators come back on the ports they had last time (kept in DATA_DIR/demo/ports.json):
the cached views and the history hold URLs on them (covers, MusicBrainz links), which a
restart on new ports would break until the next sync. When a port is taken, they get free
ones and the caller is told to refresh the cache at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from pydantic import SecretStr

from trendcache.config import AccessTier, Settings
from trendcache.emulators.listenbrainz import ListenBrainzEmulator
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.startup import StartupError

DEMO_LATENCY_SECONDS = 0.02
DEMO_USER_AGENT = "trendcache-demo/0.1 ( https://github.com/trendcache/trendcache )"
# Requests a second to the ListenBrainz emulator: our own, on loopback, so no need to wait.
DEMO_LISTENBRAINZ_RATE = 50.0
# Spotify requests a minute, unless set: the demo's history sends four weeks of syncs in
# well under a minute (`demo_history`), which Spotify's real pace (180) would stretch and
# leave the live first sync waiting behind. The emulator is ours; it takes them.
DEMO_SPOTIFY_REQUESTS_PER_MINUTE = 1200
Server = TypeVar("Server", SpotifyEmulator, MusicBrainzEmulator, ListenBrainzEmulator)


class Demo:
    """The emulators behind a demo, moved and stopped together."""

    def __init__(
        self,
        spotify: SpotifyEmulator,
        musicbrainz: MusicBrainzEmulator,
        listenbrainz: ListenBrainzEmulator,
        *,
        moved: bool,
    ) -> None:
        self.spotify, self.musicbrainz, self.listenbrainz = spotify, musicbrainz, listenbrainz
        self.moved = moved  # not on last time's ports: cached URLs point nowhere

    def move_to(self, day: date) -> None:
        """Every emulator at `day`: Spotify's clock (new releases, tokens, quotas) and
        ListenBrainz's charts and fresh releases. MusicBrainz does not change by the day."""
        self.spotify.advance(days=(day - self.spotify.today).days)
        self.listenbrainz.set_day(day)

    def stop(self) -> None:
        self.listenbrainz.stop()
        self.musicbrainz.stop()
        self.spotify.stop()


def _ports_file(demo_dir: Path) -> Path:
    return demo_dir / "ports.json"


def _saved_ports(demo_dir: Path) -> dict[str, int]:
    try:
        saved = json.loads(_ports_file(demo_dir).read_text())
        return {name: int(port) for name, port in saved.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def _start_on(make: Callable[[int], Server], port: int | None) -> Server:
    """Started on `port` when it is free, else on any free port."""
    if port:
        try:
            return make(port).start()
        except OSError:
            pass
    return make(0).start()


def check_demo_allowed(settings: Settings) -> None:
    """Refuse the demo where a real deployment is configured (see the module's doc)."""
    for setting, value in (
        ("DATABASE_URL", settings.database_url),
        ("REDIS_URL", settings.redis_url),
    ):
        if value:
            raise StartupError(
                setting,
                "is set but SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET are not: the demo "
                "never writes invented albums into a configured deployment; set the "
                f"credentials, or unset {setting} to try the demo on its own SQLite file",
            )


def start_demo(settings: Settings, tier: AccessTier) -> tuple[Settings, Demo, str]:
    """Start the emulators and return settings pointing at them, plus a one-line notice."""
    check_demo_allowed(settings)
    emulator_tier = "development" if tier == AccessTier.DEVELOPMENT else "extended"
    demo_dir = settings.data_dir / "demo"
    saved = _saved_ports(demo_dir)
    emulator = _start_on(
        lambda port: SpotifyEmulator(tier=emulator_tier, latency=DEMO_LATENCY_SECONDS, port=port),
        saved.get("spotify"),
    )
    musicbrainz = _start_on(
        lambda port: MusicBrainzEmulator(emulator.catalog, port=port), saved.get("musicbrainz")
    )
    listenbrainz = _start_on(
        lambda port: ListenBrainzEmulator(
            today=emulator.today,
            latency=DEMO_LATENCY_SECONDS,
            port=port,
            shared_with=(emulator.catalog, musicbrainz.catalog),
        ),
        saved.get("listenbrainz"),
    )
    ports = {
        "spotify": emulator.port,
        "musicbrainz": musicbrainz.port,
        "listenbrainz": listenbrainz.port,
    }
    demo_dir.mkdir(parents=True, exist_ok=True)
    _ports_file(demo_dir).write_text(json.dumps(ports))
    demo = settings.model_copy(
        update={
            "spotify_client_id": emulator.client_id,
            "spotify_client_secret": SecretStr(emulator.client_secret),
            "spotify_api_base_url": emulator.base_url,
            "spotify_accounts_base_url": emulator.accounts_url,
            "data_dir": demo_dir,
            "database_url": f"sqlite:///{(demo_dir / 'trendcache.sqlite3').resolve()}",
            "musicbrainz_base_url": musicbrainz.base_url,
            "musicbrainz_user_agent": settings.musicbrainz_user_agent or DEMO_USER_AGENT,
            "spotify_requests_per_minute": settings.spotify_requests_per_minute
            if "spotify_requests_per_minute" in settings.model_fields_set
            else DEMO_SPOTIFY_REQUESTS_PER_MINUTE,
            "listenbrainz_base_url": listenbrainz.base_url,
            "listenbrainz_rate": DEMO_LISTENBRAINZ_RATE,
            "cover_art_archive_base_url": listenbrainz.coverart_url,
        }
    )
    notice = (
        "No Spotify credentials set (SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET): serving demo "
        f"data from the built-in Spotify emulator ({emulator_tier} tier) at {emulator.base_url}"
        f", MusicBrainz emulator at {musicbrainz.base_url} and ListenBrainz emulator (with the "
        f"Cover Art Archive) at {listenbrainz.base_url}"
    )
    moved = bool(saved) and saved != ports
    return demo, Demo(emulator, musicbrainz, listenbrainz, moved=moved), notice
