"""Switchable failures: injected errors, slowness, broken bodies, limits, token trouble.

Every switch is safe to flip from the test thread while the server thread serves. Rules
with a ``count`` fire on that many matching requests; ``path_prefix`` may be given with
or without ``/v1`` ("/browse/new-releases", "/v1/albums", "/api/token"). Without a
prefix a rule targets Web API requests only, never the token endpoint or images.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any, Literal

from . import errors
from .clock import DAY, Clock
from .limits import RollingWindow

FaultKind = Literal["rate_limit", "quota_exceeded", "server_error", "malformed", "slow"]
MalformedKind = Literal["truncated", "not_json", "wrong_shape", "empty"]
MALFORMED_KINDS: tuple[MalformedKind, ...] = ("truncated", "not_json", "wrong_shape", "empty")
DEFAULT_TOKEN_TTL = 3600


@dataclass
class Rule:
    """One armed fault; ``remaining`` None means it fires until ``reset()``."""

    kind: FaultKind
    remaining: int | None
    path_prefix: str | None
    retry_after: int = 0
    status: int = 503
    seconds: float = 0.0
    malformed: MalformedKind = "truncated"

    def matches(self, path: str) -> bool:
        api_path = path.removeprefix("/v1") if path.startswith("/v1/") else None
        if self.path_prefix is None:
            return api_path is not None
        prefix = self.path_prefix
        return path.startswith(prefix) or (api_path is not None and api_path.startswith(prefix))


class Faults:
    """The switches behind ``SpotifyEmulator.faults`` (also settable over HTTP)."""

    def __init__(self, clock: Clock, latency: float = 0.0) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._initial_latency = latency
        self._rules: list[Rule] = []
        self._minute = RollingWindow(30.0)
        self._day = RollingWindow(DAY)
        self.latency = latency
        self.token_ttl = DEFAULT_TOKEN_TTL
        self.rate_limit_per_30s: int | None = None
        self.daily_quota: int | None = None
        self.outage = False
        self.hostile_names = False
        self.tokens_revoked_at = -math.inf

    def _add(self, rule: Rule) -> None:
        if rule.remaining is not None and rule.remaining < 1:
            raise ValueError("count must be a positive number of requests, or None")
        with self._lock:
            self._rules.append(rule)

    def rate_limit(
        self, retry_after: int = 2, count: int | None = 1, path_prefix: str | None = None
    ) -> None:
        """The short 429 "API rate limit exceeded" of the rolling 30-second window."""
        self._add(Rule("rate_limit", count, path_prefix, retry_after=retry_after))

    def quota_exceeded(
        self, retry_after: int = 50_000, count: int | None = None, path_prefix: str | None = None
    ) -> None:
        """The long 429 with reason QUOTA_EXCEEDED; by default until ``reset()``."""
        self._add(Rule("quota_exceeded", count, path_prefix, retry_after=retry_after))

    def server_error(
        self, status: int = 503, count: int | None = 1, path_prefix: str | None = None
    ) -> None:
        if not 500 <= status <= 599:
            raise ValueError("server_error needs a 5xx status")
        self._add(Rule("server_error", count, path_prefix, status=status))

    def slow(self, seconds: float, count: int | None = 1, path_prefix: str | None = None) -> None:
        """Delay matching responses by ``seconds`` on top of ``latency`` (client timeouts)."""
        self._add(Rule("slow", count, path_prefix, seconds=seconds))

    def malformed(
        self,
        kind: MalformedKind = "truncated",
        count: int | None = 1,
        path_prefix: str | None = None,
    ) -> None:
        """200 responses with a broken body: cut JSON, HTML, items without ids, or nothing."""
        if kind not in MALFORMED_KINDS:
            raise ValueError(f"kind must be one of {MALFORMED_KINDS}")
        self._add(Rule("malformed", count, path_prefix, malformed=kind))

    def revoke_tokens(self) -> None:
        """Expire every token issued so far; new ones work as usual."""
        self.tokens_revoked_at = self._clock.now()

    def clear(self) -> None:
        """Back to a healthy service: no rules, no limits, default TTL, empty windows."""
        with self._lock:
            self._rules.clear()
            self._minute.clear()
            self._day.clear()
        self.latency = self._initial_latency
        self.token_ttl = DEFAULT_TOKEN_TTL
        self.rate_limit_per_30s = None
        self.daily_quota = None
        self.outage = False
        self.hostile_names = False
        self.tokens_revoked_at = -math.inf

    def _take(self, path: str, slow: bool) -> Rule | None:
        """Consume one firing of the first matching rule of the wanted family."""
        with self._lock:
            for rule in self._rules:
                if (rule.kind == "slow") == slow and rule.matches(path):
                    if rule.remaining is not None:
                        rule.remaining -= 1
                        if rule.remaining == 0:
                            self._rules.remove(rule)
                    return rule
        return None

    def delay(self, path: str) -> float:
        """Seconds to wait before answering: the constant latency plus any ``slow`` rule."""
        rule = self._take(path, slow=True)
        return self.latency + (rule.seconds if rule is not None else 0.0)

    def replacement(self, path: str) -> Rule | None:
        """The error or malformed-body rule this request triggers, if any."""
        return self._take(path, slow=False)

    def admit(self) -> errors.ApiError | None:
        """Count a Web API request against the quota and the 30 s window, or refuse it.

        A refused request reached no endpoint, so it is not counted in either window.
        """
        now = self._clock.now()
        with self._lock:
            wait = self._day.wait(now, self.daily_quota)
            if wait is not None:
                return errors.quota_exceeded(wait)
            wait = self._minute.wait(now, self.rate_limit_per_30s)
            if wait is not None:
                return errors.rate_limited(wait)
            self._day.add(now)
            self._minute.add(now)
        return None

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            rules = [dict(vars(rule)) for rule in self._rules]
            counted = {"last_30s": len(self._minute), "last_24h": len(self._day)}
        return {
            "latency": self.latency,
            "token_ttl": self.token_ttl,
            "rate_limit_per_30s": self.rate_limit_per_30s,
            "daily_quota": self.daily_quota,
            "outage": self.outage,
            "hostile_names": self.hostile_names,
            "rules": rules,
            "counted": counted,
        }
