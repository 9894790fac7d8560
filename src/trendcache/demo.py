"""Demo mode: with no Spotify credentials, `serve` runs against the built-in emulator.

The demo keeps its data apart (DATA_DIR/demo) so that setting real credentials later
starts from a clean cache instead of mixing invented albums into real history.
"""

from __future__ import annotations

from pydantic import SecretStr

from trendcache.config import AccessTier, Settings
from trendcache.emulators.spotify import SpotifyEmulator

DEMO_LATENCY_SECONDS = 0.02


def start_demo(settings: Settings, tier: AccessTier) -> tuple[Settings, SpotifyEmulator, str]:
    """Start the emulator and return settings pointing at it, plus a one-line notice."""
    emulator_tier = "development" if tier == AccessTier.DEVELOPMENT else "extended"
    emulator = SpotifyEmulator(tier=emulator_tier, latency=DEMO_LATENCY_SECONDS)
    emulator.start()
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
        }
    )
    notice = (
        "No Spotify credentials set (SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET): serving demo "
        f"data from the built-in Spotify emulator ({emulator_tier} tier) at {emulator.base_url}"
    )
    return demo, emulator, notice
