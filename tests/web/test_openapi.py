"""The OpenAPI document's parameters: never null, markets spelled out, empties where taken."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from trendcache.web.openapi import market_schema, parameter_schema


def parameters(client: TestClient, path: str, method: str = "get") -> dict[str, Any]:
    operation = client.get("/openapi.json").json()["paths"][path][method]
    return {p["name"]: p["schema"] for p in operation.get("parameters", [])}


def test_no_parameter_is_documented_as_null(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                assert "null" not in str(parameter["schema"]), (method, path, parameter)


def test_an_optional_parameter_is_its_string() -> None:
    optional = {"anyOf": [{"type": "string", "maxLength": 9}, {"type": "null"}], "title": "X"}
    assert parameter_schema(optional, []) == {"type": "string", "maxLength": 9, "title": "X"}
    several = {"anyOf": [{"format": "date"}, {"format": "date-time"}, {"type": "null"}]}
    assert parameter_schema(several, []) == {"anyOf": [{"format": "date"}, {"format": "date-time"}]}


def test_markets_in_any_case_and_empty_only_where_it_means_all(client: TestClient) -> None:
    api = parameters(client, "/api/cache/trending")["market"]
    page = parameters(client, "/stats")["market"]
    for schema, empty in ((api, False), (page, True)):
        accepts = re.compile(schema["pattern"]).search
        assert all(accepts(market) for market in ("US", "us", "Gb", "GB"))
        assert not any(accepts(market) for market in ("JP", "USA", "U", " US"))
        assert bool(accepts("")) is empty
        assert schema["examples"] == ["US", "GB"]
        assert "x-configured-markets" not in schema
    assert market_schema(["SE"], empty=False, about={})["pattern"] == "^(?:[Ss][Ee])$"


def test_the_sign_in_form_is_documented(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    login = document["paths"]["/login"]
    assert set(login) == {"get", "post"}
    form = login["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
    assert form["schema"]["required"] == ["csrf_token"]
    assert {"200", "303", "400", "403", "413", "429"} <= set(login["post"]["responses"])
    assert set(document["paths"]["/logout"]) == {"post"}
