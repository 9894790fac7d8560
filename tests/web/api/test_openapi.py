"""Schemathesis against our own OpenAPI document: no server errors, responses conform."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from trendcache.services import Services
from trendcache.web.app import create_app


@pytest.fixture
def api_schema(synced_services: Services) -> Iterator[schemathesis.schemas.BaseSchema]:
    app = create_app(synced_services, demo_note="Demo data")
    with TestClient(app):  # runs the lifespan, so the snapshots are built and kept current
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        # A documented 400 refuses well-formed values no schema can rule out: a window whose
        # `since` is after its `until`, a day that does not exist (2026-02-30).
        acceptance = schema.config.checks.positive_data_acceptance
        acceptance.expected_statuses = [*acceptance.expected_statuses, "400"]
        yield schema


# Schemathesis' own pytest integration (`from_fixture`) does not run on pytest 9 yet, so
# each operation's strategy is driven with Hypothesis directly.
def test_api_conforms_to_its_schema(api_schema: schemathesis.schemas.BaseSchema) -> None:
    checked, statuses = [], set()
    for result in api_schema.get_all_operations():
        operation = result.ok()
        modes = [GenerationMode.POSITIVE]
        if operation.query:  # invalid values must get a 4xx, never a server error
            modes.append(GenerationMode.NEGATIVE)
        strategy = st.one_of(*(operation.as_strategy(generation_mode=mode) for mode in modes))

        @given(case=strategy)
        @settings(
            max_examples=20,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            statuses.add(case.call_and_validate().status_code)

        check()
        checked.append(operation.label)
    assert "GET /api/cache/trending" in checked
    assert len(checked) >= 8
    assert {200, 422} <= statuses, statuses


def test_every_operation_is_described(synced_services: Services) -> None:
    document = create_app(synced_services).openapi()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("description"), f"{method.upper()} {path} has no description"
    trending = document["paths"]["/api/cache/trending"]["get"]["description"]
    for words in ("popularAlbums", "trendingArtists", "Extended tier", "Development tier"):
        assert words in trending
