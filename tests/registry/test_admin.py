"""The back office saves through the services: same rules, same audit entries."""

from cicopa.core.models import AuditEntry
from cicopa.registry.models import Membership, Organisation


def _form(org, **changes):
    data = {
        "kind": org.kind,
        "name": org.name,
        "acronym": org.acronym,
        "slug": org.slug,
        "status": org.status,
        "description": org.description,
        "country": org.country_id or "",
        "address": org.address,
        "postcode": org.postcode,
        "city": org.city,
        "latitude": org.latitude or "",
        "longitude": org.longitude or "",
        "phone": org.phone,
        "fax": org.fax,
        "email": org.email,
        "website": org.website,
        "sectors": list(org.sectors.values_list("code", flat=True)),
        "membership_type": "",
        "legal_form": "",
        "legal_form_text": "",
        "founded": "",
        "members_count": "",
        "workers_count": "",
        "counts_year": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_admin_edit_goes_through_the_service(client, federation, alice):
    client.force_login(alice)
    org = federation["menuiserie"]
    url = f"/admin/registry/organisation/{org.pk}/change/"
    assert client.get(url).status_code == 200
    r = client.post(url, _form(org, city="Villeurbanne", sectors=["construction", "artisanal"]))
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    org.refresh_from_db()
    assert org.city == "Villeurbanne"
    assert sorted(org.sectors.values_list("code", flat=True)) == ["artisanal", "construction"]
    actions = list(AuditEntry.objects.filter(object_id=str(org.pk)).values_list("action", flat=True))
    assert actions.count("registry.organisation.update") == 2


def test_admin_membership_status_change_is_recorded(client, federation, alice):
    client.force_login(alice)
    m = Membership.objects.get(member=federation["taxi"])
    r = client.post(f"/admin/registry/membership/{m.pk}/change/", {"status": "suspended"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.status == "suspended" and [e.status for e in m.events.all()] == ["active", "suspended"]


def test_back_office_is_for_the_secretariat(client, federation, bob):
    client.force_login(bob)
    assert client.get("/admin/registry/organisation/").status_code == 302  # to the admin login
    assert Organisation.objects.count() == 6
