"""Input no field may hold — control characters, NUL, numbers that are not finite or too large — is refused
with a clear message wherever it comes in (services, pages, API, search), and what is already stored still
exports."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from cicopa.core.errors import ValidationError
from cicopa.registry import services
from cicopa.registry.models import Membership, Organisation


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Menuiserie\x00"}, "name", "control character (U+0000) at position 11"),
        ({"description": "Pasted\x0bfrom Word"}, "description", "U+000B"),
        ({"city": "Lyon\x1b[31m"}, "city", "U+001B"),
        ({"latitude": float("nan"), "longitude": 4.8}, "latitude", "finite"),
        ({"latitude": 45.7, "longitude": float("inf")}, "longitude", "finite"),
    ],
)
def test_services_refuse_what_no_field_may_hold(federation, alice, data, field, message):
    org = federation["menuiserie"]
    with pytest.raises(ValidationError) as exc:
        services.organisation_update(actor=alice, organisation=org, data=data)
    assert message in " ".join(exc.value.message_dict[field])
    org.refresh_from_db()
    assert org.name == "Menuiserie Coopérative de Lyon" and org.city == "Lyon" and org.latitude == 45.76


def test_a_membership_note_too_long_or_with_a_control_character_is_refused(federation, alice):
    link = Membership.objects.get(member=federation["taxi"])
    for note, message in (("x" * 301, "at most 300 characters (this one has 301)"), ("a\x07b", "U+0007")):
        with pytest.raises(ValidationError) as exc:
            services.membership_set_status(actor=alice, membership=link, status="suspended", note=note)
        assert message in str(exc.value)
        with pytest.raises(ValidationError):
            services.membership_create(
                actor=alice, member=federation["menuiserie"], parent=federation["coceta"], note=note
            )
    link.refresh_from_db()
    assert link.status == "active" and link.events.count() == 1


def test_xlsx_export_leaves_out_control_characters_already_stored(client, federation):
    Organisation.objects.filter(slug="menuiserie").update(description="Joinery\x0band\x1fcarpentry")
    r = client.get("/directory/export.xlsx", {"q": "menuiserie"})
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[header.index("description")] == "Joineryandcarpentry"


@pytest.mark.parametrize(
    "url",
    ["/?q=%00", "/directory/?q=join%00ery", "/organisations/men%00uiserie/", "/directory/?country=FR&region=%00"],
)
def test_a_nul_in_a_page_address_is_a_400_that_says_so(client, federation, url):
    r = client.get(url)
    assert r.status_code == 400
    assert "NUL character" in r.content.decode()


def test_a_nul_in_an_api_request_is_a_400_in_json(client, federation, alice):
    from cicopa.core.services import api_token_create

    token = api_token_create(actor=alice, user=alice, name="t")[1]
    r = client.get("/api/v1/organisations?member_of=%00")
    assert r.status_code == 400 and "NUL" in r.json()["detail"]
    r = client.patch(
        "/api/v1/organisations/menuiserie",
        '{"city": "Ly\\u0000on"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 400 and "NUL" in r.json()["detail"]
    assert Organisation.objects.get(slug="menuiserie").city == "Lyon"
    # a form posted with one is refused the same way; in a multipart form, by the form itself
    form = "username=alice%00&password=x"
    r = client.post("/accounts/login/", form, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 400
    r = client.post("/accounts/login/", {"username": "alice\x00", "password": "x"})
    assert r.status_code == 200 and "Null characters are not allowed" in r.content.decode()


def test_a_return_form_with_numbers_too_large_is_answered_not_crashed(client, federation, alice):
    from cicopa.statistics import services as statistics

    ret = statistics.return_create(actor=alice, reporter=federation["cgscop"], year=2020)
    client.force_login(alice)
    data = {
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-sector": "construction",
        "lines-0-membership_type": "worker",
        "lines-0-members": "99999999999999999999",
        "lines-0-turnover": "1e20",
        "lines-0-currency": "EUR",
        "action": "save",
    }
    r = client.post(f"/statistics/returns/{ret.pk}/", data)
    assert r.status_code == 200
    assert "too large" in r.content.decode()
    assert not ret.lines.exists()
