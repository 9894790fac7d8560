import re
from pathlib import Path

import pytest

from trendcache.config import AccessTier, ConfigError, Settings, load_settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_defaults_follow_the_seed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.cache_duration_hours == 6
    assert settings.enable_background_sync is True
    assert settings.spotify_markets == ["US"]
    assert settings.spotify_access_tier is AccessTier.AUTO
    assert settings.spotify_requests_per_minute == 180
    assert settings.spotify_api_base_url == "https://api.spotify.com/v1"
    assert settings.resolved_database_url.startswith("sqlite:///")
    assert settings.has_spotify_credentials is False


def test_environment_and_dotenv_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("SPOTIFY_CLIENT_ID=from-dotenv\nSPOTIFY_MARKETS=gb, de\n")
    monkeypatch.setenv("SPOTIFY_CLIENT_SECRET", "s3cret-value")
    monkeypatch.setenv("ENABLE_BACKGROUND_SYNC", "false")
    settings = load_settings()
    assert settings.spotify_client_id == "from-dotenv"
    assert settings.spotify_markets == ["GB", "DE"]
    assert settings.enable_background_sync is False
    assert settings.has_spotify_credentials
    assert "s3cret-value" not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value", "mentions"),
    [
        ("SPOTIFY_MARKETS", "US,USA", "SPOTIFY_MARKETS"),
        ("SPOTIFY_MARKETS", " , ", "SPOTIFY_MARKETS"),
        ("CACHE_DURATION_HOURS", "abc", "CACHE_DURATION_HOURS"),
        ("CACHE_DURATION_HOURS", "0", "CACHE_DURATION_HOURS"),
        ("SPOTIFY_ACCESS_TIER", "premium", "SPOTIFY_ACCESS_TIER"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("SPOTIFY_API_BASE_URL", "ftp://x", "SPOTIFY_API_BASE_URL"),
        ("ENABLE_BACKGROUND_SYNC", "maybe", "ENABLE_BACKGROUND_SYNC"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
        ("TRUSTED_PROXIES", "10.0.0.1,proxy.local", "TRUSTED_PROXIES"),
    ],
)
def test_invalid_values_give_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, value: str, mentions: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert mentions in message
    assert "\n" not in message
    assert message.startswith("invalid configuration")


def test_a_bad_secret_is_never_echoed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_settings(spotify_client_secret=31415926535)
    assert "SPOTIFY_CLIENT_SECRET" in str(caught.value)
    assert "31415926535" not in str(caught.value)


def test_trusted_proxies_are_addresses_or_networks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings().trusted_proxies == []
    monkeypatch.setenv("TRUSTED_PROXIES", " 10.0.0.1, 10.1.0.0/16,::1,10.0.0.1")
    assert load_settings().trusted_proxies == ["10.0.0.1", "10.1.0.0/16", "::1"]
    monkeypatch.setenv("TRUSTED_PROXIES", "*")
    assert load_settings().trusted_proxies == ["*"]


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = README.read_text()
    undocumented = [
        name.upper()
        for name in Settings.model_fields
        if not re.search(rf"`{name.upper()}`", readme)
    ]
    assert undocumented == [], f"README.md does not document {undocumented}"


def test_every_setting_has_a_description() -> None:
    assert [n for n, f in Settings.model_fields.items() if not f.description] == []
