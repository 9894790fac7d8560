"""The OpenAPI document, with what only this deployment knows: its configured markets.

Routes validate `market` by shape (two letters: else 422) and then against SPOTIFY_MARKETS
(else 400 naming them); the document lists the markets themselves, so clients and schema
checkers know exactly which values are accepted.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi


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
                        if parameter["name"] == "market" and parameter["in"] == "query":
                            parameter["schema"] = {
                                "type": "string",
                                "enum": markets,
                                "description": parameter.get("description", ""),
                            }
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
