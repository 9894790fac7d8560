import re
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from pydantic.fields import FieldInfo

from trendcache.config import AccessTier, ConfigError, Settings, load_settings

CONFIGURATION_PAGE = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
ROW = re.compile(r"^\| `([A-Z0-9_]+)` \| (.*?) \| (.+) \|$")
LITERAL = re.compile(r"^`([^`]*)`$")


def documented_settings() -> dict[str, str]:
    """The configuration page's table of settings: variable → its default cell."""
    rows = (ROW.match(line) for line in CONFIGURATION_PAGE.read_text().splitlines())
    return {row[1]: row[2] for row in rows if row}


def default_as_written(field: FieldInfo) -> str | None:
    """A field's default as the page writes it (`true`, `6`, `US,GB`), or None when unset."""
    value: Any = field.get_default(call_default_factory=True)
    if value is None or value == []:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


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
        ("ALERT_WEBHOOK_URL", "hooks.example.org/x", "ALERT_WEBHOOK_URL"),
        ("ALERT_CHECK_SECONDS", "0", "ALERT_CHECK_SECONDS"),
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


def test_every_setting_has_a_row_on_the_configuration_page() -> None:
    documented = documented_settings()
    missing = [name.upper() for name in Settings.model_fields if name.upper() not in documented]
    assert missing == [], f"docs/configuration.md has no row for {missing}"


def test_the_configuration_page_documents_no_setting_that_does_not_exist() -> None:
    settings = {name.upper() for name in Settings.model_fields}
    assert [name for name in documented_settings() if name not in settings] == []


def test_the_configuration_page_gives_every_setting_its_real_default() -> None:
    documented = documented_settings()
    wrong = {}
    for name, field in Settings.model_fields.items():
        cell = documented.get(name.upper(), "")
        literal = LITERAL.match(cell)
        written = default_as_written(field)
        if (literal[1] if literal else None) != written:
            wrong[name.upper()] = (cell, written)
    assert wrong == {}, "docs/configuration.md: (default cell, real default) " + repr(wrong)


def test_every_setting_has_a_description() -> None:
    assert [n for n, f in Settings.model_fields.items() if not f.description] == []


def test_the_alert_webhook_url_is_an_http_url_and_never_shown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Webhook URLs often carry their token in the path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ALERT_WEBHOOK_URL", "hooks.example.org/T0KEN")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "ALERT_WEBHOOK_URL" in str(caught.value)
    assert "T0KEN" not in str(caught.value)
    monkeypatch.setenv("ALERT_WEBHOOK_URL", "https://hooks.example.org/T0KEN")
    settings = load_settings()
    assert settings.alert_webhook_url is not None
    assert settings.alert_webhook_url.get_secret_value() == "https://hooks.example.org/T0KEN"
    assert "T0KEN" not in repr(settings)
