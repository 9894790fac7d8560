"""Demo mode: with no Spotify credentials, `serve` runs against the built-in emulators.

Both: Spotify for the data, MusicBrainz (at its real pace of one request a second, so
enrichment fills in live) for the identifiers. The demo keeps its data apart
(DATA_DIR/demo) so that setting real credentials later starts from a clean cache instead
of mixing invented albums into real history.
"""

from __future__ import annotations

from pydantic import SecretStr

from trendcache.config import AccessTier, Settings
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator

DEMO_LATENCY_SECONDS = 0.02
DEMO_USER_AGENT = "trendcache-demo/0.1 ( https://github.com/trendcache/trendcache )"


class Demo:
    """The two emulators behind a demo, stopped together."""

    def __init__(self, spotify: SpotifyEmulator, musicbrainz: MusicBrainzEmulator) -> None:
        self.spotify, self.musicbrainz = spotify, musicbrainz

    def stop(self) -> None:
        self.musicbrainz.stop()
        self.spotify.stop()


def start_demo(settings: Settings, tier: AccessTier) -> tuple[Settings, Demo, str]:
    """Start the emulators and return settings pointing at them, plus a one-line notice."""
    emulator_tier = "development" if tier == AccessTier.DEVELOPMENT else "extended"
    emulator = SpotifyEmulator(tier=emulator_tier, latency=DEMO_LATENCY_SECONDS)
    emulator.start()
    musicbrainz = MusicBrainzEmulator(emulator.catalog).start()
    demo_dir = settings.data_dir / "demo"
    demo = settings.model_copy(
        update={
            "spotify_client_id": emulator.client_id,
            "spotify_client_secret": SecretStr(emulator.client_secret),
            "spotify_api_base_url": emulator.base_url,
            "spotify_accounts_base_url": emulator.accounts_url,
            "data_dir": demo_dir,
            "database_url": settings.database_url
            or f"sqlite:///{(demo_dir / 'trendcache.sqlite3').resolve()}",
            "musicbrainz_base_url": musicbrainz.base_url,
            "musicbrainz_user_agent": settings.musicbrainz_user_agent or DEMO_USER_AGENT,
        }
    )
    notice = (
        "No Spotify credentials set (SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET): serving demo "
        f"data from the built-in Spotify emulator ({emulator_tier} tier) at {emulator.base_url}"
        f" and MusicBrainz emulator at {musicbrainz.base_url}"
    )
    return demo, Demo(emulator, musicbrainz), notice
