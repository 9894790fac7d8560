"""Demo mode keeps its emulators on the same ports across restarts, so cached URLs work."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from trendcache.config import AccessTier, Settings
from trendcache.demo import start_demo


def demo_settings(folder: Path) -> Settings:
    return Settings(_env_file=None, data_dir=folder)  # type: ignore[call-arg]


def test_a_restarted_demo_comes_back_on_its_ports(tmp_path: Path) -> None:
    settings, demo, _ = start_demo(demo_settings(tmp_path), AccessTier.EXTENDED)
    first = (settings.spotify_api_base_url, settings.musicbrainz_base_url)
    assert demo.moved is False  # nothing to move from on a first start
    demo.stop()
    settings, demo, _ = start_demo(demo_settings(tmp_path), AccessTier.EXTENDED)
    try:
        assert (settings.spotify_api_base_url, settings.musicbrainz_base_url) == first
        assert demo.moved is False
    finally:
        demo.stop()


def test_a_taken_port_moves_the_demo_and_says_so(tmp_path: Path) -> None:
    _, demo, _ = start_demo(demo_settings(tmp_path), AccessTier.EXTENDED)
    taken = demo.spotify.port
    demo.stop()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", taken))
        squatter.listen()
        settings, demo, _ = start_demo(demo_settings(tmp_path), AccessTier.EXTENDED)
        try:
            assert demo.moved is True
            assert demo.spotify.port != taken
            assert f":{demo.spotify.port}/" in settings.spotify_api_base_url
            saved = json.loads((tmp_path / "demo" / "ports.json").read_text())
            assert saved["spotify"] == demo.spotify.port
        finally:
            demo.stop()


def test_the_demo_runs_listenbrainz_and_its_cover_art_archive_too(tmp_path: Path) -> None:
    settings, demo, notice = start_demo(demo_settings(tmp_path), AccessTier.EXTENDED)
    try:
        assert settings.listenbrainz_base_url == demo.listenbrainz.base_url
        assert settings.cover_art_archive_base_url == demo.listenbrainz.coverart_url
        assert demo.listenbrainz.base_url in notice
        saved = json.loads((tmp_path / "demo" / "ports.json").read_text())
        assert saved["listenbrainz"] == demo.listenbrainz.port
        assert demo.listenbrainz.catalog.shared, "Spotify's albums chart on ListenBrainz too"
    finally:
        demo.stop()
