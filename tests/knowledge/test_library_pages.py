"""The library's pages per role: the public list and page, "our experiences" with the form, the review queue;
unpublished experiences answered 404 to those who may not see them."""

import pytest

from cicopa.knowledge import services
from cicopa.knowledge.models import Experience, ExperienceStatus

pytestmark = pytest.mark.django_db


def test_library_lists_only_published_with_filters(client, published, federation, charlie, make_data):
    services.experience_create(
        actor=charlie, organisation=federation["menuiserie"], data=make_data(title="Brouillon secret")
    )
    html = client.get("/library/").content.decode()
    assert "Reprise de la menuiserie" in html and "Brouillon secret" not in html
    assert "Reprise de la menuiserie" in client.get("/library/?topic=transfers&country=FR&year=2020").content.decode()
    for query in ("topic=training", "country=ES", "language=es", "year=2019", "sector=transport", "q=imprimerie"):
        assert "Reprise de la menuiserie" not in client.get(f"/library/?{query}").content.decode(), query
    assert "Reprise de la menuiserie" in client.get("/library/?q=MENUISERIE").content.decode()
    # odd values are dropped rather than failing
    assert client.get("/library/?topic=%C3%A9&year=99999&country=x&page=abc").status_code == 200


def test_library_query_count_does_not_grow(
    client, federation, alice, charlie, make_data, django_assert_max_num_queries
):
    for i in range(6):
        exp = services.experience_create(
            actor=charlie, organisation=federation["menuiserie"], data=make_data(title=f"Expérience {i}")
        )
        services.experience_submit(actor=charlie, experience=exp)
        services.experience_publish(actor=alice, experience=exp)
    client.get("/library/")  # the reference lists and topics, read once per process
    with django_assert_max_num_queries(16):
        assert client.get("/library/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/library/?q=experience&topic=finance").status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "dave", "erika"])
def test_unpublished_pages_are_404_to_others(client, draft, trade, dave, erika, who):
    if who != "anonymous":
        client.force_login({"dave": dave, "erika": erika}[who])
    assert client.get(f"/library/experiences/{draft.pk}/").status_code == 404
    r = client.get(f"/library/experiences/{draft.pk}/edit/")
    assert r.status_code in (302, 404)


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
def test_unpublished_pages_are_seen_by_their_people(client, draft, alice, bob, charlie, who):
    client.force_login({"alice": alice, "bob": bob, "charlie": charlie}[who])
    assert client.get(f"/library/experiences/{draft.pk}/").status_code == 200
    assert client.get(f"/library/experiences/{draft.pk}/edit/").status_code == 200


def test_write_submit_from_the_pages(client, federation, charlie):
    client.force_login(charlie)
    assert client.get("/library/experiences/new/").status_code == 200
    r = client.post(
        "/library/experiences/new/",
        {
            "organisation": federation["menuiserie"].pk,
            "language": "en",
            "title": "Sharing a workshop",
            "problem": "Machines were idle half the week.",
            "actions": "Three co-operatives share one workshop.",
            "year": "2023",
            "topics": ["networks"],
            "tr_fr_title": "Partager un atelier",
        },
    )
    exp = Experience.objects.get(title="Sharing a workshop")
    assert r.status_code == 302 and r["Location"] == exp.get_absolute_url()
    assert exp.country_id == "FR" and exp.translations.get().title == "Partager un atelier"
    # Editing: a translation is into the languages it is not written in (site.js follows a change of language).
    html = client.get(f"/library/experiences/{exp.pk}/edit/").content.decode()
    assert '<details class="translation" data-translation="en" hidden>' in html
    assert '<details class="translation" data-translation="fr" open>' in html
    assert '<details class="translation" data-translation="es">' in html
    assert 'data-written-in=""' in html
    client.post(f"/library/experiences/{exp.pk}/submit/")
    assert Experience.objects.get(pk=exp.pk).status == ExperienceStatus.SUBMITTED
    assert "Sharing a workshop" in client.get("/library/mine/").content.decode()
    # no longer editable once submitted
    assert client.get(f"/library/experiences/{exp.pk}/edit/").status_code == 403


def test_form_shows_service_errors(client, federation, charlie):
    client.force_login(charlie)
    r = client.post(
        "/library/experiences/new/",
        {
            "organisation": federation["menuiserie"].pk,
            "language": "fr",
            "title": "Un titre",
            "year": "2023",
            "tr_fr_title": "Même langue",
        },
    )
    assert r.status_code == 200
    assert "The experience is written in this language" in r.content.decode()


def test_review_queue_is_the_secretariats(client, submitted, alice, bob, charlie):
    for user in (bob, charlie):
        client.force_login(user)
        assert client.get("/library/review/").status_code == 403
        client.post(f"/library/experiences/{submitted.pk}/publish/")
        assert Experience.objects.get(pk=submitted.pk).status == ExperienceStatus.SUBMITTED
    client.force_login(alice)
    html = client.get("/library/review/").content.decode()
    assert "Reprise de la menuiserie" in html
    r = client.post(
        f"/library/experiences/{submitted.pk}/return/", {"comment": "Ajoutez des chiffres.", "next": "review"}
    )
    assert r["Location"] == "/library/review/"
    exp = Experience.objects.get(pk=submitted.pk)
    assert exp.status == ExperienceStatus.RETURNED
    client.force_login(charlie)
    assert "Ajoutez des chiffres." in client.get(exp.get_absolute_url()).content.decode()


def test_illegal_step_from_the_page_is_a_message(client, draft, alice):
    client.force_login(alice)
    r = client.post(f"/library/experiences/{draft.pk}/publish/", follow=True)
    assert "Only a submitted experience can be published; the status of this one is “Draft”." in r.content.decode()


def test_organisation_linked_and_navigation(client, published):
    html = client.get(published.get_absolute_url()).content.decode()
    assert f'href="{published.organisation.get_absolute_url()}"' in html
    assert 'href="/library/"' in client.get("/").content.decode()


def test_profile_section(client, published, federation, charlie, dave):
    profile = published.organisation.get_absolute_url()
    html = client.get(profile).content.decode()
    assert "Experiences in the library" in html and published.get_absolute_url() in html
    assert "Write an experience" not in html
    assert "Experiences in the library" not in client.get(federation["coceta"].get_absolute_url()).content.decode()
    client.force_login(charlie)
    html = client.get(profile).content.decode()
    assert f"/library/experiences/new/?organisation={published.organisation.slug}" in html
    form = client.get(f"/library/experiences/new/?organisation={published.organisation.slug}").content.decode()
    assert f'value="{published.organisation.pk}" selected' in form


def test_account_panel(client, charlie, alice, dave, federation):
    client.force_login(charlie)
    assert "/library/mine/" in client.get("/accounts/").content.decode()
    client.force_login(alice)
    assert "/library/review/" in client.get("/accounts/").content.decode()
    client.force_login(dave)
    assert "/library/mine/" not in client.get("/accounts/").content.decode()
