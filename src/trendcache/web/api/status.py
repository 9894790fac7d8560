"""Operations: `GET /api/status`, `GET /healthz` and `GET /metrics`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from trendcache.db import Database
from trendcache.pipeline.status import read_status
from trendcache.web.api.models import Health
from trendcache.web.deps import Context

router = APIRouter(tags=["operations"])


@router.get(
    "/api/status",
    summary="Sync status",
    description="Whether a sync runs now, how the last one went (trigger, outcome, requests "
    "spent, albums), an active quota pause and its reason, and the detected access tier.",
)
async def sync_status(context: Context) -> dict[str, Any]:
    status = await run_in_threadpool(read_status, context.services.syncer)
    return {**status.as_json(), "markets": context.markets}


def ping(database: Database) -> str:
    try:
        with database.session() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:
        return f"unreachable: {type(exc).__name__}"
    return "ok"


@router.get(
    "/healthz",
    response_model=Health,
    summary="Health check",
    description="200 when the database answers and the in-memory snapshots are built, else 503.",
    responses={503: {"model": Health, "description": "Not healthy; see the fields."}},
)
async def health(context: Context) -> JSONResponse:
    database = await run_in_threadpool(ping, context.services.database)
    built = context.snapshots.get(None) is not None
    healthy = database == "ok" and built
    body = {"status": "ok" if healthy else "unavailable", "database": database, "snapshots": built}
    return JSONResponse(body, status_code=200 if healthy else 503)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    description="Cache age and staleness per key, syncs by outcome, snapshot rebuilds by "
    "reason, rate-limited requests.",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)
async def metrics(context: Context) -> Response:
    body = await run_in_threadpool(context.metrics.render)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
