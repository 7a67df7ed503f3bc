"""Counting requests in Django's cache, which every worker and machine shares (settings.CACHES)."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def allow(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one more request for `key` in `scope`: whether it is within `limit` in the `window` seconds that
    began with the first one counted. The key is stored hashed (it may be an e-mail address)."""
    cache_key = f"throttle:{scope}:{hashlib.sha256(key.encode()).hexdigest()}"
    now = time.time()
    count, start = cache.get(cache_key) or (0, now)
    if start + window <= now:
        count, start = 0, now
    count += 1
    # Set, not incr: a backend's incr may give the entry its default timeout, shortening the window.
    cache.set(cache_key, (count, start), timeout=max(1, round(start + window - now)))
    return count <= limit
