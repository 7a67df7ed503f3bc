"""ESSGlobal "standard" files as Co-ops UK publishes them: postcode centres, registration numbers, companies."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cicopa.registry.importing import import_organisations
from cicopa.registry.models import ExternalIdentifier, Organisation

# The header of Co-ops UK's open data ("standard" CSV), as published.
HEADER = [
    "Identifier",
    "Name",
    "Description",
    "Organisational Structure",
    "Primary Activity",
    "Activities",
    "Street Address",
    "Locality",
    "Region",
    "Postcode",
    "Country ID",
    "Territory ID",
    "Website",
    "Phone",
    "Email",
    "Twitter",
    "Facebook",
    "Companies House Number",
    "Qualifiers",
    "Membership Type",
    "Latitude",
    "Longitude",
    "Geo Container",
    "Geo Container Latitude",
    "Geo Container Longitude",
    "Sector",
    "SIC Section",
    "SIC Code",
    "Ownership Classification",
    "Legal Form",
]
BASE = "https://dev.lod.coop/essglobal/2.1/standard/"


def essglobal(tmp_path: Path, *rows: dict[str, str], header: list[str] = HEADER, name="coops.csv") -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({"Country ID": "GB", **row})
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def run(actor, path: Path, **kw):
    with path.open("rb") as f:
        return import_organisations(actor=actor, stream=f, filename=path.name, fmt="essglobal", **kw)


def test_a_postcode_centre_stands_for_missing_coordinates_and_is_marked_approximate(alice, client, tmp_path):
    path = essglobal(
        tmp_path,
        {
            "Identifier": "R000003",
            "Name": "Central England Co-operative",
            "Postcode": "WS13 6RH",
            "Geo Container": "http://data.ordnancesurvey.co.uk/id/postcodeunit/WS136RH",
            "Geo Container Latitude": "52.691546",
            "Geo Container Longitude": "-1.809129",
        },
        {
            "Identifier": "R000004",
            "Name": "Exactly Placed Co-operative",
            "Latitude": "51.5",
            "Longitude": "-0.12",
            "Geo Container Latitude": "52.0",
            "Geo Container Longitude": "-1.0",
        },
        {"Identifier": "R000005", "Name": "Nowhere Co-operative"},
    )
    report = run(alice, path)
    assert report.ok, [str(e) for e in report.errors]
    central = Organisation.objects.get(identifiers__value="R000003")
    assert (central.latitude, central.longitude, central.location_approximate) == (52.691546, -1.809129, True)
    exact = Organisation.objects.get(identifiers__value="R000004")
    assert (exact.latitude, exact.longitude, exact.location_approximate) == (51.5, -0.12, False)
    assert Organisation.objects.get(identifiers__value="R000005").location_approximate is False
    # The profile, its map and the API say so.
    page = client.get(central.get_absolute_url()).content.decode()
    assert "approximate" in page and "postcode" in page
    assert "approximate" not in client.get(exact.get_absolute_url()).content.decode()
    detail = client.get(f"/api/v1/organisations/{central.slug}").json()
    assert detail["location_approximate"] is True and detail["latitude"] == 52.691546
    listed = client.get("/api/v1/organisations", {"q": "exactly"}).json()["results"][0]
    assert listed["location_approximate"] is False
    world = client.get("/directory/map.svg").content  # the map of the results says how many are placed roughly
    assert b"1 of them is placed approximately" in world


def test_editing_the_coordinates_by_hand_makes_the_location_exact(alice, tmp_path):
    from cicopa.registry import services

    run(
        alice,
        essglobal(
            tmp_path,
            {"Identifier": "R1", "Name": "Uno", "Geo Container Latitude": "52.1", "Geo Container Longitude": "-1.2"},
        ),
    )
    org = Organisation.objects.get(identifiers__value="R1")
    services.organisation_update(actor=alice, organisation=org, data={"city": "Leeds"})
    assert Organisation.objects.get(pk=org.pk).location_approximate is True  # the place is as approximate as before
    services.organisation_update(actor=alice, organisation=org, data={"latitude": 53.8, "longitude": -1.55})
    assert Organisation.objects.get(pk=org.pk).location_approximate is False


def test_registration_numbers_are_kept_with_their_scheme_and_shown(alice, client, tmp_path):
    header = [*HEADER, "Registered Number", "Registrar"]
    path = essglobal(
        tmp_path,
        {"Identifier": "R000149", "Name": "Brixton Cycles", "Companies House Number": "01772005"},
        {"Identifier": "R000150", "Name": "Suma Wholefoods", "Companies House Number": "1673378"},
        {"Identifier": "R000151", "Name": "Unity Housing", "Registered Number": "21345R", "Registrar": "FCA"},
        {"Identifier": "R000152", "Name": "Nameless Registrar", "Registered Number": "77", "Registrar": ""},
        header=header,
    )
    report = run(alice, path)
    assert report.ok, [str(e) for e in report.errors]
    kept = set(ExternalIdentifier.objects.exclude(scheme="essglobal").values_list("scheme", "value"))
    assert kept == {("GB-COH", "01772005"), ("GB-COH", "01673378"), ("GB-MPR", "21345R"), ("registered-number", "77")}
    # A spreadsheet that dropped the leading zero is read as the register writes the number, and says so.
    assert any(w.row == 3 and "01673378" in w.message for w in report.warnings)
    page = client.get(Organisation.objects.get(identifiers__value="R000149").get_absolute_url()).content.decode()
    assert "Companies House" in page and "01772005" in page


def test_a_reimport_matches_on_the_registration_number(alice, tmp_path):
    """Another file (another identifier, perhaps another year's extract) with the same company number updates the
    organisation rather than add a second one; it then also answers to the new identifier."""
    first = essglobal(
        tmp_path, {"Identifier": "R000149", "Name": "Brixton Cycles", "Companies House Number": "01772005"}
    )
    assert run(alice, first).created == 1
    again = essglobal(
        tmp_path,
        {"Identifier": "X-77", "Name": "Brixton Cycles Ltd", "Companies House Number": "01772005"},
        name="again.csv",
    )
    preview = run(alice, again, dry_run=True)
    assert (preview.created, preview.updated) == (0, 1)
    report = run(alice, again)
    assert (report.created, report.updated) == (0, 1)
    org = Organisation.objects.get()
    assert org.name == "Brixton Cycles Ltd"
    assert set(org.identifiers.values_list("scheme", "value")) == {
        ("essglobal", "R000149"),
        ("essglobal", "X-77"),
        ("GB-COH", "01772005"),
    }
    assert run(alice, again).unchanged == 1


def test_two_rows_with_one_registration_number_are_reported(alice, tmp_path):
    path = essglobal(
        tmp_path,
        {"Identifier": "R1", "Name": "Uno", "Companies House Number": "01772005"},
        {"Identifier": "R2", "Name": "Dos", "Companies House Number": "01772005"},
    )
    report = run(alice, path)
    assert [(e.row, e.column, e.value) for e in report.errors] == [(3, "Companies House Number", "01772005")]
    assert "row 2" in report.errors[0].message
    assert Organisation.objects.count() == 0


def test_a_worker_cooperative_registered_as_a_company_is_a_cooperative(alice, tmp_path):
    structure = BASE + "organisational-structure/OS50"
    path = essglobal(
        tmp_path,
        {
            "Identifier": "R1",
            "Name": "Brixton Cycles",
            "Organisational Structure": structure,
            "Membership Type": BASE + "base-membership-type/BMT30",
            "Legal Form": "Company",
        },
        {  # no legal form given: the structure says it is a company
            "Identifier": "R2",
            "Name": "Calverts",
            "Organisational Structure": structure,
            "Membership Type": BASE + "base-membership-type/BMT30",
        },
        {  # a company with no co-operative membership stays an associative enterprise
            "Identifier": "R3",
            "Name": "Some Company",
            "Organisational Structure": structure,
            "Membership Type": BASE + "base-membership-type/BMT60",
            "Legal Form": "Company",
        },
    )
    report = run(alice, path)
    assert report.ok, [str(e) for e in report.errors]
    got = {o.identifiers.get().value: (o.kind, o.legal_form_id, o.legal_form_text) for o in Organisation.objects.all()}
    assert got == {
        "R1": ("cooperative", "company", ""),
        "R2": ("cooperative", "company", ""),
        "R3": ("other", "company", ""),
    }
