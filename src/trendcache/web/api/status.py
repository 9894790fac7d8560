"""Operations: `GET /api/status`, `GET /healthz` and `GET /metrics`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool

from trendcache.pipeline.heartbeats import this_worker
from trendcache.pipeline.sync.status import read_status
from trendcache.web.api.models import Health, Liveness
from trendcache.web.api.status_models import StatusResponse
from trendcache.web.deps import Context

router = APIRouter(tags=["operations"])


@router.get(
    "/api/status",
    response_model=StatusResponse,
    summary="Sync status and alerts",
    description="Spotify's sync at the top level, and each source's in `sources`: whether "
    "a sync runs now, how the last one went (trigger, outcome, requests "
    "spent, albums), an active quota pause and its reason, the detected access tier, and "
    "the alert conditions firing now (the rules of deploy/prometheus/alerts.yml, for a "
    "deployment without Prometheus).",
)
async def sync_status(context: Context) -> dict[str, Any]:
    services = context.services
    status = await run_in_threadpool(read_status, services.syncer)
    sources = {
        name: (await run_in_threadpool(read_status, syncer)).as_json()
        for name, syncer in services.syncers.items()
    }
    alerts = await run_in_threadpool(services.alerts.current)
    return {
        **status.as_json(),
        "markets": context.markets,
        "sources": sources,
        "listenbrainzOff": services.listenbrainz_off,
        "alerts": [
            {
                "name": alert.name,
                "severity": alert.severity,
                "summary": alert.summary,
                "description": alert.description,
                "since": alert.since,
            }
            for alert in alerts
        ],
    }


@router.get(
    "/healthz",
    response_model=Health,
    response_model_exclude_none=True,
    summary="Readiness check",
    description="200 when every dependency the configuration uses answers (the database "
    "reads and writes; Redis and the job queue where used) and the in-memory snapshots are "
    "built, else 503 with each one's state. For a load balancer's readiness probe; "
    "`/livez` is the liveness probe.",
    responses={503: {"model": Health, "description": "Not ready; see the fields."}},
)
async def health(context: Context) -> JSONResponse:
    checks = await run_in_threadpool(context.services.health.check)
    built = context.snapshots.get(None) is not None
    healthy = built and all(check.ok for check in checks.values())
    body: dict[str, Any] = {"status": "ok" if healthy else "unavailable"}
    body.update({name: check.detail for name, check in checks.items()})
    body["snapshots"] = built
    return JSONResponse(body, status_code=200 if healthy else 503)


@router.get(
    "/livez",
    response_model=Liveness,
    summary="Liveness check",
    description="200 while the process answers requests, whatever its dependencies do: "
    "restart it only when this fails (`/healthz` tells whether it can serve).",
)
async def liveness() -> dict[str, str]:
    return {"status": "ok", "process": this_worker()}


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    description="The Prometheus exposition of every process's counts (read from the database "
    "at scrape time, so any process answers for all): cache age and staleness per key; sync "
    "runs, durations, pauses and the Spotify budget; upstream requests by service, endpoint "
    "and outcome with latency, Retry-After and limiter waits, MusicBrainz 503s by zone; "
    "enrichment albums by status and level, the due queue, decisions, worker heartbeats; web "
    "requests by route and status with latency; each web process's snapshot age; health "
    "checks. docs/operations.md lists every metric and what normal looks like.",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)
async def metrics(context: Context) -> Response:
    body = await run_in_threadpool(context.metrics.render)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
