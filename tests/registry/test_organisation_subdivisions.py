"""An organisation's subdivision of its country (ISO 3166-2): checked by the services whichever way it comes (page,
API, back office), audited, shown in the reader's language, filtered and counted in the directory."""

from __future__ import annotations

import pytest

from cicopa.core import subdivisions
from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.models import AuditEntry, Country
from cicopa.registry import history, services
from cicopa.registry.models import Organisation


def reload(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


# --- the services: every way in is checked the same


def test_a_subdivision_of_the_country_is_kept_as_iso_writes_it(federation, alice):
    org = services.organisation_update(
        actor=alice, organisation=federation["menuiserie"], data={"subdivision": "fr-ara"}
    )
    assert reload("menuiserie").subdivision == org.subdivision == "FR-ARA"
    entry = AuditEntry.objects.filter(action="registry.organisation.update").latest("id")
    assert entry.changes == {"subdivision": ["", "FR-ARA"]}


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ES-AN", "Andalucía (ES-AN) is in Spain, not in France: choose a subdivision of France, or none."),
        ("FR-XXX", "Unknown subdivision FR-XXX: give the ISO 3166-2 code of a subdivision of France, such as"),
        ("Lyon", "Unknown subdivision LYON: give the ISO 3166-2 code"),
        ("x" * 300, "Unknown subdivision XXXXXX…: give"),
    ],
)
def test_a_subdivision_that_is_not_of_the_country_is_refused_and_changes_nothing(federation, alice, code, message):
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(
            actor=alice, organisation=federation["menuiserie"], data={"subdivision": code, "city": "Dijon"}
        )
    assert caught.value.message_dict["subdivision"][0].startswith(message)
    assert (reload("menuiserie").subdivision, reload("menuiserie").city) == ("", "Lyon")


def test_a_subdivision_needs_a_country(federation, alice):
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(actor=alice, data={"name": "Nowhere", "subdivision": "FR-ARA"})
    assert caught.value.message_dict == {
        "subdivision": ["A subdivision is part of a country: choose the country first."]
    }


def test_a_country_with_no_subdivisions_says_so(federation, alice):
    none = next(c for c in Country.objects.order_by("iso2") if not subdivisions.has_subdivisions(c.iso2))
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(actor=alice, data={"name": "Tiny", "country": none, "subdivision": "XX-1"})
    assert caught.value.message_dict["subdivision"] == [
        f"Unknown subdivision XX-1: ISO 3166-2 lists no subdivisions of {none.name}; leave this empty."
    ]


def test_messages_are_in_the_readers_language(federation, alice):
    from django.utils import translation

    with translation.override("fr"), pytest.raises(ValidationError) as caught:
        services.organisation_update(actor=alice, organisation=federation["menuiserie"], data={"subdivision": "DE-BY"})
    message = caught.value.message_dict["subdivision"][0]
    assert "Bavière" in message and "Allemagne" in message  # the names, in French whatever the sentence's state


def test_a_change_of_country_that_leaves_the_subdivision_out_clears_it(federation, alice):
    services.organisation_update(actor=alice, organisation=federation["menuiserie"], data={"subdivision": "FR-ARA"})
    spain = Country.objects.get(iso2="ES")
    services.organisation_update(actor=alice, organisation=reload("menuiserie"), data={"country": spain})
    org = reload("menuiserie")
    assert (org.country_id, org.subdivision) == ("ES", "")
    entry = AuditEntry.objects.filter(action="registry.organisation.update").latest("id")
    assert entry.changes["subdivision"] == ["FR-ARA", ""]  # said in the history: nothing goes unseen


def test_a_change_of_country_with_a_subdivision_of_the_old_one_is_an_error(federation, alice):
    services.organisation_update(actor=alice, organisation=federation["menuiserie"], data={"subdivision": "FR-ARA"})
    spain = Country.objects.get(iso2="ES")
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(
            actor=alice, organisation=reload("menuiserie"), data={"country": spain, "subdivision": "FR-ARA"}
        )
    assert "is in France, not in Spain" in caught.value.message_dict["subdivision"][0]
    assert reload("menuiserie").country_id == "FR"
    services.organisation_update(
        actor=alice, organisation=reload("menuiserie"), data={"country": spain, "subdivision": "ES-AL"}
    )
    assert reload("menuiserie").subdivision == "ES-AL"


def test_the_check_of_a_form_reports_it_beside_the_rest(federation, bob):
    with pytest.raises(ValidationError) as caught:
        services.organisation_check(
            actor=bob, organisation=federation["menuiserie"], data={"subdivision": "ES-AN", "name": ""}
        )
    assert set(caught.value.message_dict) == {"subdivision", "name"}


@pytest.mark.parametrize(("user", "allowed"), [("alice", True), ("bob", True), ("charlie", True), ("dave", False)])
def test_who_may_set_it_is_who_may_edit_the_profile(federation, request, user, allowed):
    actor = request.getfixturevalue(user)
    if allowed:
        services.organisation_update(actor=actor, organisation=federation["menuiserie"], data={"subdivision": "FR-ARA"})
        assert reload("menuiserie").subdivision == "FR-ARA"
    else:
        with pytest.raises(PermissionDenied):
            services.organisation_update(
                actor=actor, organisation=federation["menuiserie"], data={"subdivision": "FR-ARA"}
            )
        assert reload("menuiserie").subdivision == ""


def test_charlie_may_not_set_it_on_an_organisation_he_does_not_edit(federation, charlie):
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=charlie, organisation=federation["taxi"], data={"subdivision": "ES-M"})


def test_the_history_names_it_in_the_readers_language(federation, alice):
    from django.utils import translation

    services.organisation_update(actor=alice, organisation=federation["menuiserie"], data={"subdivision": "FR-ARA"})
    services.organisation_update(
        actor=alice, organisation=reload("menuiserie"), data={"country": Country.objects.get(iso2="DE")}
    )
    services.organisation_update(actor=alice, organisation=reload("menuiserie"), data={"subdivision": "DE-BY"})
    with translation.override("fr"):
        rows = [c for e in history.organisation_history(reload("menuiserie")) for c in e.changes]
    assert any(c.label == "subdivision" and c.new == "Bavière" for c in rows)
    assert any(c.old == "Auvergne-Rhône-Alpes" and c.new == "" for c in rows)
