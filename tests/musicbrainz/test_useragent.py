"""MUSICBRAINZ_USER_AGENT must identify us the way MusicBrainz asks, or nothing is sent."""

from __future__ import annotations

import re

import pytest

from trendcache.musicbrainz.errors import UserAgentError
from trendcache.musicbrainz.useragent import EXAMPLE, check_user_agent

SEED_PLACEHOLDER = "YourApp/1.0 (your@email.com)"  # the seed's .env example, verbatim


@pytest.mark.parametrize(
    "agent",
    [
        "trendcache/0.1 ( ops@trendcache.dev )",
        "trendcache/0.1 (ops@trendcache.dev)",
        "trendcache/0.1.0-rc1 ( https://github.com/trendcache/trendcache )",
        "Trend-Cache_Worker/2 ( http://trendcache.example.net/contact )",
        EXAMPLE,
    ],
)
def test_an_application_version_and_contact_are_accepted(agent: str) -> None:
    assert check_user_agent(agent) == agent


def test_surrounding_whitespace_is_stripped() -> None:
    assert check_user_agent("  trendcache/0.1 ( ops@trendcache.dev )\n") == (
        "trendcache/0.1 ( ops@trendcache.dev )"
    )


@pytest.mark.parametrize(
    ("agent", "why"),
    [
        (None, "is not set"),
        ("", "is not set"),
        ("   ", "is not set"),
        # library defaults, with or without a contact
        ("python-requests/2.32.3", "must read"),
        ("curl/8.5.0", "must read"),
        ("python-httpx/0.28.1 ( ops@trendcache.dev )", "generic application"),
        ("python-requests/2.32.3 ( ops@trendcache.dev )", "generic application"),
        ("python-urllib3/2.2 ( ops@trendcache.dev )", "generic application"),
        ("Go-http-client/1.1 ( ops@trendcache.dev )", "generic application"),
        ("Java/21 ( ops@trendcache.dev )", "generic application"),
        ("Mozilla/5.0 (X11; Linux x86_64)", "real contact"),
        # copied from documentation
        (SEED_PLACEHOLDER, "generic application"),
        ("MyApp/1.0 ( ops@trendcache.dev )", "generic application"),
        ("ExampleApp/1.0 ( ops@trendcache.dev )", "generic application"),
        ("trendcache/0.1 ( your@email.com )", "real contact"),
        ("trendcache/0.1 ( contact@example.org )", "real contact"),
        ("trendcache/0.1 ( me@example.com )", "real contact"),
        # an incomplete form
        ("trendcache/0.1", "must read"),
        ("trendcache/0.1 ()", "must read"),
        ("trendcache ( ops@trendcache.dev )", "must read"),
        ("trendcache/0.1 ( contact )", "real contact"),
        ("trendcache/0.1 ( ops at trendcache dot dev )", "real contact"),
        ("trendcache/0.1 ( ftp://trendcache.dev )", "real contact"),
    ],
)
def test_missing_generic_and_placeholder_agents_are_refused_naming_the_setting(
    agent: str | None, why: str
) -> None:
    with pytest.raises(UserAgentError) as refused:
        check_user_agent(agent)
    message = str(refused.value)
    assert "MUSICBRAINZ_USER_AGENT" in message
    assert why in message


def test_the_refusal_shows_how_it_should_read() -> None:
    for agent in (None, "curl/8.5.0"):
        with pytest.raises(UserAgentError, match=re.escape(EXAMPLE)):
            check_user_agent(agent)
