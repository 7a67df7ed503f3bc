"""Content in the language it was written in, translations into the others, and what a reader sees."""

import pytest
from django.utils import translation

from cicopa.core.errors import ValidationError
from cicopa.knowledge import services
from cicopa.knowledge.models import Experience

pytestmark = pytest.mark.django_db


def test_reader_sees_own_language_or_the_original_marked(client, published):
    assert Experience.objects.get(pk=published.pk).text_in("es")[1] == "fr"  # no Spanish: the French original
    html = client.get(f"/es/library/experiences/{published.pk}/").content.decode()
    assert 'class="written-in"' in html and '<h1 lang="fr">' in html
    html = client.get(f"/fr/library/experiences/{published.pk}/").content.decode()
    assert 'class="written-in"' not in html


def test_translation_is_shown_to_its_readers(federation, charlie, alice, make_data, client):
    exp = services.experience_create(
        actor=charlie,
        organisation=federation["menuiserie"],
        data=make_data(
            translations={"es": {"title": "Recuperación de la carpintería", "problem": "El jefe se jubilaba."}}
        ),
    )
    services.experience_submit(actor=charlie, experience=exp)
    services.experience_publish(actor=alice, experience=exp)
    exp = Experience.objects.prefetch_related("translations").get(pk=exp.pk)
    texts, language, languages = exp.text_in("es")
    assert language == "es" and texts["title"] == "Recuperación de la carpintería"
    # what the translation leaves empty is read in the original, marked as such
    assert texts["actions"] == "Création d'une Scop." and languages["actions"] == "fr" and languages["problem"] == "es"
    texts, language, _languages = exp.text_in("en")
    assert language == "fr" and texts["title"].startswith("Reprise")
    html = client.get(f"/es/library/experiences/{exp.pk}/").content.decode()
    assert "Recuperación de la carpintería" in html and 'class="written-in"' not in html
    assert '<div lang="fr"><p>Création d&#x27;une Scop.</p></div>' in html
    html = client.get(f"/library/experiences/{exp.pk}/").content.decode()
    assert "Written in French" in html
    with translation.override("es"):
        listing = client.get("/es/library/").content.decode()
    assert "Recuperación de la carpintería" in listing


def test_translation_rules(draft, charlie):
    with pytest.raises(ValidationError) as refused:
        services.experience_update(
            actor=charlie,
            experience=draft,
            data={
                "translations": {"fr": {"title": "Même langue"}, "de": {"title": "x"}, "es": {"problem": "sin título"}}
            },
        )
    assert set(refused.value.message_dict) == {"translations.fr", "translations.de", "translations.es"}
    services.experience_update(
        actor=charlie, experience=draft, data={"translations": {"en": {"title": "Buy-out of the joinery"}}}
    )
    assert list(draft.translations.values_list("language", flat=True)) == ["en"]
    services.experience_update(actor=charlie, experience=draft, data={"translations": {}})
    assert not draft.translations.exists()
