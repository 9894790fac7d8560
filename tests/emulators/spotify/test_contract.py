"""Contract: every endpoint, in both tiers, success and failure, checked against the spec.

Each response passes through ``contract.check``, which validates status code, content
type and body with openapi-core against fixed-spotify-open-api.yml (whose server,
https://api.spotify.com/v1, stands in for the emulator's own URL).

Where Spotify's real behaviour (ERRORS.md) and the spec disagree, the test says so
instead of skipping: the spec lists no 400, 404 or 5xx for these operations although
Spotify sends them, so such answers must first be *rejected* by the strict spec (if the
spec ever gains them, the test fails and this list should shrink) and are then
validated against a copy of the spec extended with the spec's own ``BadRequest`` and
``NotFound`` responses (5xx reuse the same ErrorObject body). Quota 429s carry a
``reason`` field the spec's ErrorObject does not declare; it validates because the
spec allows additional properties, and is asserted explicitly below.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from openapi_core import Config, OpenAPI
from openapi_core.exceptions import OpenAPIError
from openapi_core.templating.paths.exceptions import PathNotFound
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator

from tests.fixtures.spotify import local_client, spotify_token
from trendcache.emulators.spotify import SpotifyEmulator

SPEC_HOST = "https://api.spotify.com"
# Statuses Spotify really sends (ERRORS.md) that the spec omits for every GET we serve.
SPEC_GAPS = {
    400: "BadRequest",  # "Invalid limit" (ERRORS.md c), "Invalid base62 id", ...
    404: "NotFound",  # "Resource not found" for unknown ids
    500: "BadRequest",  # 5xx bodies are plain ErrorObjects; the spec lists none
    502: "BadRequest",
    503: "BadRequest",
}
# Batch lookups answer ``null`` for unknown ids (as the spec itself says for audiobooks),
# but ManyAlbums/ManyArtists declare non-nullable items.
NULLABLE_BATCH_ITEMS = {"ManyAlbums": "albums", "ManyArtists": "artists", "ManyTracks": "tracks"}
TIERS = ("extended", "development")


def _patched(spec: dict[str, Any]) -> dict[str, Any]:
    patched = copy.deepcopy(spec)
    for item in patched["paths"].values():
        operation = item.get("get")
        if operation is not None:
            for status, component in SPEC_GAPS.items():
                ref = {"$ref": f"#/components/responses/{component}"}
                operation["responses"].setdefault(str(status), ref)
    for component, key in NULLABLE_BATCH_ITEMS.items():
        schema = patched["components"]["responses"][component]["content"]["application/json"]
        items = schema["schema"]["properties"][key]["items"]
        null = {"type": "object", "nullable": True, "maxProperties": 0}
        schema["schema"]["properties"][key]["items"] = {"anyOf": [items, null]}
    return patched


def _explain(error: Exception) -> str:
    """openapi-core buries the useful part; dig out the schema messages."""
    messages: list[str] = []
    cause: BaseException | None = error
    while cause is not None:
        messages += [e.message[:200] for e in getattr(cause, "schema_errors", ())]
        cause = cause.__cause__
    return f"{type(error).__name__}: {messages or str(error)[:300]}"


def _known_gap(response: httpx2.Response) -> bool:
    if response.status_code in SPEC_GAPS:
        return True
    body = response.json() if response.status_code == 200 else {}
    return any(None in body.get(key, ()) for key in NULLABLE_BATCH_ITEMS.values())


@dataclass
class Contract:
    strict: OpenAPI
    patched: OpenAPI
    spec: dict[str, Any]
    base_url: str

    def check(self, response: httpx2.Response) -> httpx2.Response:
        """Validate one emulator answer against the spec; returns it for chaining."""
        url = response.request.url
        assert str(url).startswith(self.base_url), url
        request = MockRequest(SPEC_HOST, response.request.method, url.path, args=dict(url.params))
        content_type = response.headers.get("content-type", "")
        assert content_type == "application/json; charset=utf-8"
        answer = MockResponse(
            response.content, response.status_code, dict(response.headers), content_type
        )
        problem = self._problem(self.strict, request, answer)
        if problem == "no such path":
            # Unknown paths have no operation at all; the body is still Spotify's 404.
            assert response.status_code == 404
            self._validate_component("NotFound", response.json())
        elif _known_gap(response):
            assert problem, "the spec now covers this gap: shrink SPEC_GAPS/NULLABLE_BATCH_ITEMS"
            problem = self._problem(self.patched, request, answer)
        if problem and problem != "no such path":
            pytest.fail(f"{url.path} {response.status_code}: {problem}", pytrace=False)
        return response

    @staticmethod
    def _problem(api: OpenAPI, request: MockRequest, answer: MockResponse) -> str | None:
        try:
            api.validate_response(request, answer)
        except PathNotFound:
            return "no such path"
        except OpenAPIError as error:
            return _explain(error)
        return None

    def _validate_component(self, name: str, body: Any) -> None:
        content = self.spec["components"]["responses"][name]["content"]["application/json"]
        schema = {**content["schema"], "components": self.spec["components"]}
        OAS30Validator(schema).validate(body)


@pytest.fixture(scope="module")
def contract_specs(spotify_openapi_spec: dict[str, Any]) -> tuple[OpenAPI, OpenAPI]:
    strict = OpenAPI.from_dict(spotify_openapi_spec)  # also checks the spec document itself
    unchecked = Config(spec_validator_cls=None)  # the patch is ours; skip a second 0.3 s check
    return strict, OpenAPI.from_dict(_patched(spotify_openapi_spec), config=unchecked)


@pytest.fixture
def contract(
    contract_specs: tuple[OpenAPI, OpenAPI],
    spotify_openapi_spec: dict[str, Any],
    spotify_emulator: SpotifyEmulator,
) -> Contract:
    strict, patched = contract_specs
    return Contract(strict, patched, spotify_openapi_spec, spotify_emulator.base_url)


@pytest.fixture
def api(spotify_emulator: SpotifyEmulator, contract: Contract) -> Iterator[httpx2.Client]:
    """A client whose every response is contract-checked as it arrives."""
    headers = {"Authorization": f"Bearer {spotify_token(spotify_emulator)}"}

    def check(response: httpx2.Response) -> None:
        response.read()
        contract.check(response)

    with local_client(
        base_url=spotify_emulator.base_url,
        headers=headers,
        event_hooks={"response": [check]},
    ) as client:
        yield client


def _some_album(api: httpx2.Client) -> dict[str, Any]:
    albums: dict[str, Any] = api.get("/search", params={"q": "tag:new", "type": "album"}).json()
    return albums["albums"]["items"][0]  # type: ignore[no-any-return]


@pytest.mark.parametrize("tier", TIERS)
def test_reads_conform_in_both_tiers(
    tier: str, spotify_emulator: SpotifyEmulator, api: httpx2.Client
) -> None:
    spotify_emulator.tier = tier
    limit = 10  # the tier maximums are exercised in test_tiers; 10 items validate the shapes
    album = _some_album(api)
    artist_id = album["artists"][0]["id"]
    for q, kind in [("love", "album"), ("love", "track"), ("the", "artist")]:
        found = api.get("/search", params={"q": q, "type": kind, "limit": limit}).json()
        assert found[f"{kind}s"]["items"], "an empty page would validate nothing"
    for q, kind in [
        ("tag:new", "album"),
        ("love", "album,track,artist"),
        ("year:2020-2026 artist:a", "track"),
        ("genre:pop", "artist"),
        ("tag:new", "playlist,show,episode,audiobook"),
    ]:
        assert api.get("/search", params={"q": q, "type": kind, "limit": limit}).status_code == 200
    assert api.get("/search", params={"q": "tag:new", "type": "album", "market": "JP"}).is_success
    assert api.get(f"/albums/{album['id']}").status_code == 200
    assert api.get(f"/albums/{album['id']}", params={"market": "SE"}).status_code == 200
    assert api.get(f"/albums/{album['id']}/tracks", params={"limit": 2, "offset": 1}).is_success
    assert api.get(f"/artists/{artist_id}").status_code == 200
    track_id = api.get(f"/albums/{album['id']}/tracks").json()["items"][0]["id"]
    track = api.get(f"/tracks/{track_id}")
    assert track.status_code == 200
    assert track.json()["external_ids"]["isrc"], "full tracks carry the ISRC in both tiers"


def test_extended_only_endpoints_conform(api: httpx2.Client) -> None:
    album = _some_album(api)
    track_id = api.get(f"/albums/{album['id']}/tracks").json()["items"][0]["id"]
    tracks = api.get("/tracks", params={"ids": f"{track_id},{'0' * 22}"}).json()["tracks"]
    assert tracks[0]["id"] == track_id
    assert tracks[1] is None
    assert api.get("/browse/new-releases", params={"limit": 50, "offset": 40}).status_code == 200
    unknown = "0" * 22
    ids = f"{album['id']},{unknown}"
    assert api.get("/albums", params={"ids": ids}).json()["albums"][1] is None
    artists = api.get("/artists", params={"ids": f"{album['artists'][0]['id']},{unknown}"})
    assert artists.json()["artists"][1] is None


def test_development_tier_forbidden_endpoints_conform(
    spotify_emulator: SpotifyEmulator, api: httpx2.Client
) -> None:
    spotify_emulator.tier = "development"
    for path, query in [
        ("/browse/new-releases", {}),
        ("/albums", {"ids": "0" * 22}),
        ("/artists", {"ids": "0" * 22}),
        ("/tracks", {"ids": "0" * 22}),
    ]:
        response = api.get(path, params=query)
        assert response.status_code == 403
        assert response.json() == {"error": {"status": 403, "message": "Forbidden"}}


@pytest.mark.parametrize("tier", TIERS)
def test_bad_requests_conform(
    tier: str, spotify_emulator: SpotifyEmulator, api: httpx2.Client
) -> None:
    spotify_emulator.tier = tier
    too_many = ",".join(["0" * 22] * 21)
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("/search", {"q": "x", "type": "album", "limit": 51}, "Invalid limit"),
        ("/search", {"q": "x", "type": "album", "limit": 0}, "Invalid limit"),
        ("/search", {"q": "x", "type": "album", "offset": 1001}, "Invalid offset"),
        ("/search", {"q": "", "type": "album"}, "No search query"),
        ("/search", {"q": "x"}, "Missing parameter type"),
        ("/search", {"q": "x", "type": "song"}, "Bad search type field song"),
        ("/search", {"q": "x", "type": "album", "market": "usa"}, "Invalid market code"),
        ("/albums/not-an-id", {}, "Invalid base62 id"),
        ("/albums/short/tracks", {}, "Invalid base62 id"),
        ("/artists/!!", {}, "Invalid base62 id"),
        (f"/albums/{'0' * 22}/tracks", {"limit": 51}, "Invalid limit"),
    ]
    if tier == "development":
        cases.append(("/search", {"q": "x", "type": "album", "limit": 11}, "Invalid limit"))
    else:
        cases += [
            ("/albums", {"ids": too_many}, "Too many ids requested"),
            ("/artists", {"ids": ",".join(["0" * 22] * 51)}, "Too many ids requested"),
            ("/tracks", {"ids": ",".join(["0" * 22] * 51)}, "Too many ids requested"),
            ("/browse/new-releases", {"limit": 51}, "Invalid limit"),
            ("/browse/new-releases", {"offset": -1}, "Invalid offset"),
        ]
    for path, query, message in cases:
        response = api.get(path, params=query)
        assert response.status_code == 400, (path, query, response.text)
        assert response.json() == {"error": {"status": 400, "message": message}}


def test_not_found_conforms(api: httpx2.Client) -> None:
    missing = "0" * 22
    for path in (
        f"/albums/{missing}",
        f"/albums/{missing}/tracks",
        f"/artists/{missing}",
        f"/tracks/{missing}",
    ):
        response = api.get(path)
        assert response.json() == {"error": {"status": 404, "message": "Resource not found"}}
    unknown = api.get("/recommendations/of-the-day")
    assert unknown.json() == {"error": {"status": 404, "message": "Service not found"}}


def test_unauthorized_conforms(
    spotify_emulator: SpotifyEmulator, contract: Contract, api: httpx2.Client
) -> None:
    cases = [
        ({}, "No token provided"),
        ({"Authorization": "Bearer not-a-token"}, "Invalid access token"),
    ]
    with local_client(base_url=spotify_emulator.base_url) as anonymous:
        for headers, message in cases:
            response = contract.check(anonymous.get("/browse/new-releases", headers=headers))
            assert response.status_code == 401
            assert response.json() == {"error": {"status": 401, "message": message}}
            assert response.headers["www-authenticate"].startswith('Bearer realm="spotify"')
        basic = contract.check(anonymous.get("/search", headers={"Authorization": "Basic eDp5"}))
        assert basic.json()["error"]["message"] == "Only valid bearer authentication supported"
    spotify_emulator.faults.revoke_tokens()
    expired = api.get(f"/artists/{'0' * 22}")
    assert expired.json() == {"error": {"status": 401, "message": "The access token expired"}}


def test_rate_limits_and_quota_conform(
    spotify_emulator: SpotifyEmulator, api: httpx2.Client
) -> None:
    faults = spotify_emulator.faults
    faults.rate_limit(retry_after=3)
    limited = api.get("/search", params={"q": "x", "type": "album"})
    assert limited.status_code == 429
    assert limited.json() == {"error": {"status": 429, "message": "API rate limit exceeded"}}
    faults.quota_exceeded(retry_after=52_531)
    quota = api.get("/browse/new-releases")
    assert quota.status_code == 429
    # "reason" is real (Spotify changelog, July 2026) but undeclared by the spec's ErrorObject.
    assert quota.json()["error"]["reason"] == "QUOTA_EXCEEDED"
    assert quota.headers["retry-after"] == "52531"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_conform(
    status: int, spotify_emulator: SpotifyEmulator, api: httpx2.Client
) -> None:
    spotify_emulator.faults.server_error(status=status)
    response = api.get("/search", params={"q": "x", "type": "album"})
    assert response.status_code == status
    assert response.json()["error"]["status"] == status
