"""The daily task of recommendations: reminders before the follow-up date (recommendation_responses)."""

from __future__ import annotations

from cicopa.core.background import retried_task
from cicopa.knowledge import recommendation_responses as responses


@retried_task(attempts=3, backoff=300)
def remind_recommendations() -> int:
    """Remind the member organisations that have not answered a recommendation whose follow-up date is near:
    once a day (and again if a worker restarts; the second run finds everyone reminded already)."""
    return responses.recommendation_remind_due()
