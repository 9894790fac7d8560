import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from trendcache.config import ConfigError, Settings, load_settings
from trendcache.web.secret_key import KEY_FILE, secret_key


def settings(folder: Path, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=folder / "data", **values)  # type: ignore[call-arg]


def test_without_secret_key_one_is_made_once_and_kept(tmp_path: Path) -> None:
    first = secret_key(settings(tmp_path))
    path = tmp_path / "data" / KEY_FILE
    assert path.read_text().strip().encode() == first
    assert len(first) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(settings(tmp_path)) == first  # a restart signs with the same key
    assert secret_key(settings(tmp_path / "elsewhere")) != first


def test_secret_key_is_used_as_given(tmp_path: Path) -> None:
    given = "s" * 40
    assert secret_key(settings(tmp_path, secret_key=SecretStr(given))) == given.encode()
    assert not (tmp_path / "data" / KEY_FILE).exists()


def test_a_short_secret_key_is_refused_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "tooshort")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "SECRET_KEY" in str(caught.value)
    assert "tooshort" not in str(caught.value)
