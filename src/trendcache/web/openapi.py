"""The OpenAPI document, with what only this deployment knows, and parameters as sent.

Routes validate `market` by shape (two letters: else 422) and then against SPOTIFY_MARKETS
in any case (else 400 naming them); the document gives the markets themselves as a
case-insensitive pattern, so clients and schema checkers know exactly which values are
accepted. A parameter declares this with `deps.MARKETS_KEY`, saying whether an empty value
means "all markets" (the stats form's "All") or is refused.

A query parameter or header is either sent, as text, or absent: never JSON `null`. FastAPI
documents an optional one as "a string or null"; here it is just the string.

Schemathesis checks that the document and the behaviour agree, every operation, every check
(tests/web/api/test_openapi.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from trendcache.web.deps import MARKETS_KEY

NULL = {"type": "null"}


def install_openapi(app: FastAPI, markets: list[str]) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            for operations in document["paths"].values():
                for operation in operations.values():
                    for parameter in operation.get("parameters", []):
                        parameter["schema"] = parameter_schema(parameter["schema"], markets)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def parameter_schema(schema: dict[str, Any], markets: list[str]) -> dict[str, Any]:
    """A parameter's schema as documented: never null; markets filled in."""
    if MARKETS_KEY in schema:
        return market_schema(markets, empty=schema[MARKETS_KEY] == "all markets", about=schema)
    alternatives = schema.get("anyOf")
    if alternatives is None or NULL not in alternatives:
        return schema
    rest = {key: value for key, value in schema.items() if key != "anyOf"}
    alternatives = [alternative for alternative in alternatives if alternative != NULL]
    if len(alternatives) == 1:
        return {**alternatives[0], **rest}
    return {"anyOf": alternatives, **rest}


def market_schema(markets: list[str], *, empty: bool, about: dict[str, Any]) -> dict[str, Any]:
    """The configured markets, in any case (`US` → `[Uu][Ss]`), and `""` if `empty`."""
    spelled = ["".join(f"[{c.upper()}{c.lower()}]" for c in market) for market in markets]
    if empty:
        spelled.insert(0, "")
    schema = {"type": "string", "pattern": f"^(?:{'|'.join(spelled)})$", "examples": markets}
    if "description" in about:
        schema["description"] = about["description"]
    return schema
