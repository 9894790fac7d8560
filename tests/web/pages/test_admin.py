"""The admin page over a TestClient: who may see it, CSRF on every form, and every action
taken and audited (see test_admin_browser.py for the same in Chromium)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.accounts import PASSWORD
from tests.pipeline.alerts.rows import sync_runs
from tests.pipeline.enrichment.reviews import make_needs_review, released_albums
from tests.web.api.test_enrichment import albums_of
from tests.web.conftest import VIEWER, ClientFactory, csrf_of, sign_in, wait_for
from trendcache.accounts.audit import recent_actions
from trendcache.accounts.users import create_user
from trendcache.db.models import EnrichmentState
from trendcache.pipeline.enrichment.claims import OPERATOR
from trendcache.pipeline.sync.run_reads import recent_runs
from trendcache.services import Services

ACTIONS = [
    ("/admin/sync", {"market": ""}),
    ("/admin/sync/pause", {}),
    ("/admin/sync/resume", {}),
    ("/admin/enrichment/retry-errors", {}),
    ("/admin/albums/0Zz9Yy8Xx7Ww6Vv5Uu4Tt3/retry", {}),
    ("/admin/albums/0Zz9Yy8Xx7Ww6Vv5Uu4Tt3/resolve", {"not_in_musicbrainz": "1"}),
]


def signed_in_as(client: TestClient, services: Services, name: str, *, admin: bool) -> TestClient:
    create_user(services.database, name, PASSWORD, admin=admin)
    assert sign_in(client, name, PASSWORD).status_code == 303
    return client


@pytest.fixture
def admin(client: TestClient, synced_services: Services) -> TestClient:
    return signed_in_as(client, synced_services, "root", admin=True)


def post(client: TestClient, path: str, **fields: str) -> Any:
    csrf = csrf_of(client.get("/admin").text)
    return client.post(path, data={"csrf_token": csrf, **fields}, follow_redirects=False)


def audited(services: Services) -> list[tuple[str, str, str | None]]:
    return [(e.user_name, e.action, e.target) for e in recent_actions(services.database)]


def test_signed_out_visitors_are_sent_to_sign_in_and_back(client: TestClient) -> None:
    response = client.get("/admin", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fadmin"
    form = client.get(response.headers["location"])
    assert 'name="next" value="/admin"' in form.text


def test_a_plain_user_is_refused_with_a_page_and_sees_no_admin_link(
    client: TestClient, synced_services: Services
) -> None:
    signed_in_as(client, synced_services, "alice", admin=False)
    page = client.get("/admin")
    assert page.status_code == 403
    assert 'data-status="403"' in page.text and "for admins" in page.text
    assert client.get("/admin/fragments/sync").status_code == 403
    assert 'href="/admin"' not in client.get(VIEWER).text


def test_an_admin_sees_every_panel_and_a_link_in_the_header(admin: TestClient) -> None:
    page = admin.get("/admin")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "private, no-store"
    for section in ("alerts", "sync", "review", "audit"):
        assert f'<section id="{section}"' in page.text
    assert 'id="admin-sync"' in page.text and "budget-left" in page.text
    assert 'data-trigger="cli"' in page.text, "the sync the database was made with"
    assert '<a href="/admin"' in admin.get(VIEWER).text
    fragment = admin.get("/admin/fragments/sync")
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith('<div id="admin-sync"')


def test_the_alerts_firing_now_are_shown_as_in_the_status_api(
    admin: TestClient, synced_services: Services
) -> None:
    assert "No alert is firing." in admin.get("/admin").text
    sync_runs(synced_services.database, "failed", "failed", "failed")
    page = admin.get("/admin").text
    assert 'data-alert="TrendcacheSyncFailing"' in page
    assert "spotify syncs keep failing" in page
    status = admin.get("/api/status").json()
    assert "TrendcacheSyncFailing" in [alert["name"] for alert in status["alerts"]]


@pytest.mark.parametrize(("path", "fields"), ACTIONS)
def test_a_form_without_the_csrf_token_is_refused_and_nothing_is_done(
    admin: TestClient, synced_services: Services, path: str, fields: dict[str, str]
) -> None:
    response = admin.post(path, data=fields, follow_redirects=False)
    assert response.status_code == 403
    forged = admin.post(path, data={"csrf_token": "forged", **fields}, follow_redirects=False)
    assert forged.status_code == 403
    assert audited(synced_services) == []
    assert synced_services.syncer.held() is None


@pytest.mark.parametrize(("path", "fields"), ACTIONS)
def test_a_plain_users_form_is_refused_even_with_its_token(
    client: TestClient, synced_services: Services, path: str, fields: dict[str, str]
) -> None:
    signed_in_as(client, synced_services, "alice", admin=False)
    csrf = csrf_of(client.get(VIEWER).text)
    response = client.post(path, data={"csrf_token": csrf, **fields}, follow_redirects=False)
    assert response.status_code == 403
    assert audited(synced_services) == []


def test_sync_now_of_one_market_runs_forced_as_admin_and_is_audited(
    admin: TestClient, synced_services: Services
) -> None:
    response = post(admin, "/admin/sync", market="gb")
    assert response.status_code == 303
    location = response.headers["location"]
    assert re.fullmatch(r"/admin\?done=\d+#sync", location)
    run = wait_for(
        lambda: next(
            (
                r
                for r in recent_runs(synced_services.database)
                if r.trigger == "admin" and r.finished_at
            ),
            None,
        )
    )
    assert (run.status, run.markets) == ("ok", ["GB"])
    assert audited(synced_services) == [("root", "sync", "GB")]
    assert recent_actions(synced_services.database)[0].details == {"queued": True}
    page = admin.get(location)
    assert 'class="done" role="status" data-action="sync"' in page.text
    assert 'data-trigger="admin" data-status="ok"' in page.text


def test_an_unknown_market_is_refused(admin: TestClient, synced_services: Services) -> None:
    assert post(admin, "/admin/sync", market="SE").status_code == 400
    assert audited(synced_services) == []


def test_pausing_and_resuming_background_syncs_is_shown_and_audited(
    admin: TestClient, synced_services: Services
) -> None:
    assert post(admin, "/admin/sync/pause").status_code == 303
    held = synced_services.syncer.held()
    assert held is not None and held[1] == "root"
    page = admin.get("/admin").text
    assert "Background syncs are paused by <strong>root</strong>" in page
    assert 'action="/admin/sync/resume"' in page
    assert post(admin, "/admin/sync/resume").status_code == 303
    assert synced_services.syncer.held() is None
    assert audited(synced_services) == [
        ("root", "resume_syncs", None),
        ("root", "pause_syncs", None),
    ]


@pytest.fixture
def reviewing(
    enriched_services: Services, make_client: ClientFactory
) -> tuple[TestClient, Services, str, str, str]:
    """An admin's client on enriched data with one album that needs review."""
    album, rival = released_albums(enriched_services)[:2]
    own, other = make_needs_review(enriched_services, album, rival)
    client = signed_in_as(make_client(enriched_services), enriched_services, "root", admin=True)
    return client, enriched_services, album, own, other


def state(services: Services, album_id: str) -> EnrichmentState:
    with services.database.session() as session:
        return session.get_one(EnrichmentState, album_id)


def test_an_album_that_needs_review_is_shown_with_its_candidates(
    reviewing: tuple[TestClient, Services, str, str, str],
) -> None:
    client, _services, album, own, other = reviewing
    page = client.get("/admin").text
    assert f'id="review-{album}"' in page
    for mbid in (own, other):
        assert f'href="https://musicbrainz.org/release/{mbid}"' in page
        assert f'name="candidate" value="{mbid}"' in page


def test_choosing_a_candidate_resolves_the_album_and_is_audited(
    reviewing: tuple[TestClient, Services, str, str, str],
) -> None:
    client, services, album, own, _other = reviewing
    response = post(client, f"/admin/albums/{album}/resolve", candidate=own)
    assert response.status_code == 303
    row = state(services, album)
    assert (row.status, row.method, row.release_mbid) == ("matched", OPERATOR, own)
    (entry,) = recent_actions(services.database)
    assert (entry.action, entry.target, entry.details["releaseMbid"], entry.details["by"]) == (
        "resolve",
        album,
        own,
        "candidate",
    )
    page = client.get(response.headers["location"]).text
    assert f'id="review-{album}"' not in page
    assert 'data-action="resolve"' in page


def test_an_unknown_mbid_is_a_form_error_beside_the_album(
    reviewing: tuple[TestClient, Services, str, str, str],
) -> None:
    client, services, album, _own, _other = reviewing
    unknown = "00000000-0000-4000-8000-000000000000"
    response = post(client, f"/admin/albums/{album}/resolve", mbid=unknown)
    assert response.status_code == 400
    assert f"MusicBrainz has no release {unknown}" in response.text
    malformed = post(client, f"/admin/albums/{album}/resolve", mbid="12345")
    assert malformed.status_code == 400 and "not a MusicBrainz release MBID" in malformed.text
    assert state(services, album).status == "needs_review"
    assert audited(services) == []


def test_an_mbid_entered_by_hand_resolves_the_album(
    reviewing: tuple[TestClient, Services, str, str, str],
) -> None:
    client, services, album, _own, _other = reviewing
    third = state(services, released_albums(services)[2]).release_mbid
    assert third is not None
    response = post(client, f"/admin/albums/{album}/resolve", mbid=third)
    assert response.status_code == 303
    assert state(services, album).release_mbid == third
    assert recent_actions(services.database)[0].details["by"] == "mbid"


def test_not_in_musicbrainz_and_retries_are_audited(
    reviewing: tuple[TestClient, Services, str, str, str],
) -> None:
    client, services, album, _own, _other = reviewing
    assert post(client, f"/admin/albums/{album}/resolve", not_in_musicbrainz="1").status_code == 303
    assert (state(services, album).status, state(services, album).method) == ("no_match", OPERATOR)
    assert post(client, f"/admin/albums/{album}/retry").status_code == 303
    assert state(services, album).method is None
    assert post(client, "/admin/enrichment/retry-errors").status_code == 303
    assert post(client, "/admin/albums/NoSuchAlbum/retry").status_code == 404
    assert audited(services) == [
        ("root", "retry_errors", None),
        ("root", "retry", album),
        ("root", "not_in_musicbrainz", album),
    ]
    assert recent_actions(services.database)[0].details == {"albums": 0}


def test_a_resolution_reaches_the_read_path(
    reviewing: tuple[TestClient, Services, str, str, str],
) -> None:
    client, _services, album, own, _other = reviewing
    before = client.get("/api/cache/trending").json()
    assert albums_of(before)[album]["musicbrainz"]["status"] == "needs_review"
    post(client, f"/admin/albums/{album}/resolve", candidate=own)

    def shown() -> Any:
        match = albums_of(client.get("/api/cache/trending").json())[album]["musicbrainz"]
        return match if match["status"] != "needs_review" else None

    match = wait_for(shown)  # this process's snapshots are rebuilt on the change
    assert (match["status"], match["releaseMbid"], match["method"]) == ("matched", own, OPERATOR)
