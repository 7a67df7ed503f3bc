"""The exchange's background tasks."""

from __future__ import annotations

from cicopa.core.background import retried_task
from cicopa.exchange import services


@retried_task(attempts=3, backoff=300)
def expire_listings() -> int:
    """Listings whose validity ended become expired: once a day, just after midnight (and again if a worker
    restarts; the second run finds nothing to do)."""
    return services.expire_listings()
