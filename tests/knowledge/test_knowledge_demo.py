"""The library's demo: experiences in three languages, most published, one awaiting review; the same every time."""

import pytest

from cicopa.knowledge import demo
from cicopa.knowledge.models import Experience, ExperienceStatus
from cicopa.registry import demo as registry_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_the_same_every_time(client):
    registry_demo.load_demo(cooperatives=300)
    demo.load_demo()
    rows = list(Experience.objects.order_by("id").values_list("organisation__slug", "language", "status", "title"))
    assert {r[1] for r in rows} == {"en", "fr", "es"}
    statuses = [r[2] for r in rows]
    assert statuses.count(ExperienceStatus.SUBMITTED) == 1 and statuses.count(ExperienceStatus.PUBLISHED) >= 3
    assert Experience.objects.filter(translations__isnull=False).distinct().count() >= 2
    demo.load_demo()  # again: nothing more
    assert Experience.objects.count() == len(rows)
    assert client.get("/library/").status_code == 200
