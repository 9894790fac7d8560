"""Every page, and Swagger UI, working in Chromium under the strict CSP, with no violation."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.fixtures.accounts import PASSWORD
from tests.web.conftest import serving
from tests.web.history import record_history
from trendcache.accounts.users import create_user
from trendcache.services import Services
from trendcache.web.app import create_app

pytestmark = pytest.mark.browser
# Each violation the page reports, as the browser reports it (before any page script runs).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(
  `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`
));
"""


class Watched:
    """A page whose CSP violations, console errors and script errors are recorded."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.url = url
        self.page: Page = browser.new_page()
        self.page.add_init_script(RECORD_VIOLATIONS)
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _console(self, message: Any) -> None:
        where = message.location.get("url", "")
        if where.endswith("/favicon.ico"):  # the browser asks; the pages have none
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text} ({where})")

    def open(self, path: str) -> dict[str, str]:
        response = self.page.goto(self.url + path)
        assert response is not None and response.ok, path
        headers: dict[str, str] = response.all_headers()
        assert "script-src 'self'" in headers["content-security-policy"], path
        self.page.wait_for_load_state("load")
        assert self.violations() == [], path
        return headers

    def violations(self) -> list[str]:
        found: list[str] = self.page.evaluate("window.__violations")
        return found + self.problems


def test_pages_and_docs_work_under_the_policy(browser: Browser, synced_services: Services) -> None:
    history = record_history(synced_services)
    create_user(synced_services.database, "alice", PASSWORD)
    with serving(create_app(synced_services, demo_note="Demo data")) as url:
        watched = Watched(browser, url)
        page = watched.page

        watched.open("/")
        expect(page.locator("#new-releases li.card").first).to_be_visible()
        page.wait_for_function("window.htmx !== undefined")
        expect(page.locator("#new-releases img").first).to_have_js_property("complete", True)
        cover = page.locator("#new-releases img").first.evaluate("img => img.naturalWidth")
        assert cover > 0, "the cover (from the emulator's origin) did not load"

        watched.open(f"/albums/{history.back['id']}")
        expect(page.locator("svg.positions g.series").first).to_be_visible()
        swatch = page.locator(".legend .swatch rect").first
        assert swatch.get_attribute("fill", timeout=5000)  # its colour, without a style
        assert page.locator(".legend .swatch").first.bounding_box() is not None

        watched.open("/stats")
        expect(page.locator("svg").first).to_be_visible()

        watched.open("/login")
        page.get_by_label("User name").fill("alice")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(url + "/")
        expect(page.get_by_text("alice").first).to_be_visible()
        card = page.locator("#new-releases li.card").first
        card.get_by_role("button", name="Add to collection").click()  # htmx swaps it
        expect(card.locator(".collected")).to_have_text("In collection ✓")

        headers = watched.open("/docs")
        assert "'sha256-" in headers["content-security-policy"]
        summaries = page.locator(".opblock-summary")
        expect(summaries.first).to_be_visible(timeout=15_000)
        assert summaries.count() >= 10
        page.locator(
            '.opblock-summary[data-path="/api/cache/trending"], '
            '.opblock-summary-path[data-path="/api/cache/trending"]'
        ).first.click()
        page.get_by_role("button", name="Try it out").first.click()
        page.get_by_role("button", name="Execute").first.click()
        live = page.locator(".live-responses-table .response .response-col_status").first
        expect(live).to_contain_text("200", timeout=15_000)

        assert watched.violations() == []
