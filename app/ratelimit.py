"""Rate limits: fixed one-minute windows per API key, or per IP address without one.

Fixed windows (on the clock's minutes) rather than sliding ones: one counter a key and window,
a single INCR in Redis, and exactly what the RateLimit headers describe (a quota for this
window, reset when it ends). The cost is that a caller can spend one window's allowance at
its end and the next one's at the start of the next.

In memory by default (each worker process counts on its own); with REDIS_URL the counts are
shared by every worker and instance. If Redis cannot be reached the limiter lets requests
through and logs it: a broken limiter must not take the API down with it.

Both take the clock they read (`time.time` unless told), so that tests can hold it still.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from functools import lru_cache
from threading import Lock
from typing import NamedTuple, Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
WINDOW_SECONDS = 60
Clock = Callable[[], float]


# IETF draft RateLimit header fields (and the policy they follow).
FIELDS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy")
_RAW_FIELDS = tuple(name.lower().encode() for name in FIELDS)


@lru_cache(maxsize=64)
def _policy(limit: int, policy: str) -> bytes:
    return f'{limit};w={WINDOW_SECONDS};comment="{policy}"'.encode()


class Decision(NamedTuple):
    """One request's count against its limit. (A named tuple: one is made on every request,
    in about half the time a frozen dataclass takes.)"""

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int

    def raw_headers(self, policy: str) -> list[tuple[bytes, bytes]]:
        """The RateLimit fields as ASGI header pairs, ready to send (every answer to a
        limited request carries them)."""
        values = (b"%d" % self.limit, b"%d" % self.remaining, b"%d" % self.reset_seconds)
        return list(zip(_RAW_FIELDS, (*values, _policy(self.limit, policy)), strict=True))

    def headers(self, policy: str) -> dict[str, str]:
        """The same fields as text, for a response's `headers`."""
        values = (value.decode() for _, value in self.raw_headers(policy))
        return dict(zip(FIELDS, values, strict=True))


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int) -> Decision: ...

    async def close(self) -> None: ...


def _window(now: float) -> tuple[int, int]:
    """The current window's number and the seconds until it ends (at least 1)."""
    index = int(now // WINDOW_SECONDS)
    reset = max(1, math.ceil((index + 1) * WINDOW_SECONDS - now))
    return index, reset


def _decide(count: int, limit: int, reset: int) -> Decision:
    return Decision(
        allowed=count <= limit, limit=limit, remaining=max(0, limit - count), reset_seconds=reset
    )


class MemoryRateLimiter:
    def __init__(self, *, clock: Clock = time.time) -> None:
        self._counts: dict[str, tuple[int, int]] = {}
        self._lock = Lock()
        self._clock = clock

    async def hit(self, key: str, limit: int) -> Decision:
        index, reset = _window(self._clock())
        with self._lock:
            window, count = self._counts.get(key, (index, 0))
            count = count + 1 if window == index else 1
            self._counts[key] = (index, count)
            if len(self._counts) > 100_000:  # forget finished windows
                self._counts = {k: v for k, v in self._counts.items() if v[0] == index}
        return _decide(count, limit, reset)

    async def close(self) -> None:
        self._counts.clear()


class RedisRateLimiter:
    def __init__(
        self, url: str, *, prefix: str = "backpain:ratelimit:", clock: Clock = time.time
    ) -> None:
        self._redis = aioredis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._prefix = prefix
        self._clock = clock

    async def hit(self, key: str, limit: int) -> Decision:
        index, reset = _window(self._clock())
        name = f"{self._prefix}{key}:{index}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, WINDOW_SECONDS * 2)
                count, _ = await pipe.execute()
        except (RedisError, OSError) as error:
            log.warning("rate limiter unavailable, letting the request through: %s", error)
            return Decision(allowed=True, limit=limit, remaining=limit, reset_seconds=reset)
        return _decide(int(count), limit, reset)

    async def close(self) -> None:
        await self._redis.aclose()


def make_limiter(redis_url: str | None, *, clock: Clock = time.time) -> RateLimiter:
    if redis_url:
        return RedisRateLimiter(redis_url, clock=clock)
    return MemoryRateLimiter(clock=clock)
