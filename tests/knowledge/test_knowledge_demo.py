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


def test_demo_questions_the_same_every_time(client):
    from cicopa.knowledge.models import Question

    registry_demo.load_demo(cooperatives=300)
    demo.load_demo()
    rows = list(Question.objects.order_by("id").values_list("organisation__slug", "language", "title"))
    assert {r[1] for r in rows} == {"en", "fr", "es"}
    answered = Question.objects.filter(accepted_answer__isnull=False)
    assert answered.count() == 1 and Question.objects.filter(accepted_answer__isnull=True).count() == 2
    q = answered.get()
    assert q.answers.exclude(organisation=q.organisation).count() == q.answers.count() >= 2
    from cicopa.knowledge.models import LibraryEntry

    assert list(LibraryEntry.objects.filter(kind="question").values_list("object_id", flat=True)) == [q.pk]
    demo.load_demo()  # again: nothing more
    assert Question.objects.count() == len(rows)
    assert client.get(f"/library/questions/{q.pk}/").status_code == 200
    assert client.get("/library/questions/").content.decode().count("question-card") == 1
