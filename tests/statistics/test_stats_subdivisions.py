"""Subdivisions (ISO 3166-2) in the statistics: return lines of a region, a co-operative's lines of its own, and a
country's figures broken down by subdivision, which add up to the country's total."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from openpyxl import Workbook, load_workbook

from cicopa.core import subdivisions
from cicopa.core.errors import PermissionDenied
from cicopa.core.models import Country
from cicopa.core.services import api_token_create
from cicopa.registry import services as registry
from cicopa.registry.models import OrganisationKind
from cicopa.statistics import aggregation, queries, services, spreadsheets
from cicopa.statistics.models import MEASURE_NAMES, CountryYearTotal, ReturnLine, estimated_names


def _validated(actor, alice, reporter, year, lines):
    ret = services.return_create(actor=actor, reporter=reporter, year=year)
    services.return_save_lines(actor=actor, statistical_return=ret, lines=lines)
    services.return_submit(actor=actor, statistical_return=ret)
    services.return_validate(actor=alice, statistical_return=ret)
    return ret


def _problems(exc: ValidationError) -> str:
    return " ".join(m for messages in exc.message_dict.values() for m in messages)


@pytest.fixture
def by_region(kenya, alice):
    """The Kenyan union's returns: 2022 for the whole country, 2023 by county with a line for the rest."""
    _validated(
        kenya["wanjiru"],
        alice,
        kenya["union"],
        2022,
        [{"sector": "construction", "membership_type": "worker", "cooperatives": 100, "members": 1000}],
    )
    _validated(
        kenya["wanjiru"],
        alice,
        kenya["union"],
        2023,
        [
            {"sector": "construction", "membership_type": "worker", "subdivision": "KE-30", "cooperatives": 60},
            {"sector": "construction", "membership_type": "worker", "subdivision": "ke-28", "cooperatives": 25},
            {"sector": "construction", "membership_type": "worker", "cooperatives": 15, "members": 1100},
            {"sector": "transport", "membership_type": "worker", "subdivision": "Mombasa", "cooperatives": 5},
        ],
    )
    return kenya


@pytest.fixture
def germany(db, alice):
    """A German member organisation whose 2024 return gives Bavaria and Berlin apart."""
    de = Country.objects.get(iso2="DE")
    org = registry.organisation_create(
        actor=alice,
        data={"kind": OrganisationKind.MEMBER_ORGANISATION, "name": "Genossenschaftsverband", "country": de},
    )
    _validated(
        alice,
        alice,
        org,
        2024,
        [
            {"sector": "construction", "membership_type": "worker", "subdivision": "DE-BY", "cooperatives": 40},
            {"sector": "construction", "membership_type": "worker", "subdivision": "DE-BE", "cooperatives": 12},
            {"sector": "health", "membership_type": "worker", "cooperatives": 8, "estimated": ["cooperatives"]},
        ],
    )
    return org


# --------------------------------------------------------------------------------------------------------------
# Entering lines


def test_a_line_takes_a_subdivision_of_the_reporters_country_by_code_or_name(by_region):
    lines = ReturnLine.objects.filter(year=2023).order_by("id")
    assert [ln.subdivision for ln in lines] == ["KE-30", "KE-28", "", "KE-28"]  # 'ke-28' and 'Mombasa' read


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("FR-ARA", "is in France, not in Kenya"),
        ("KE-99", "Unknown subdivision KE-99"),
        ("Atlantis", "Unknown subdivision ATLANT"),
    ],
)
def test_a_subdivision_of_another_country_or_none_is_refused_with_a_clear_message(kenya, given, says):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2024)
    with pytest.raises(ValidationError) as caught:
        services.return_save_lines(
            actor=kenya["wanjiru"],
            statistical_return=ret,
            lines=[{"sector": "health", "membership_type": "worker", "subdivision": given, "cooperatives": 3}],
        )
    assert list(caught.value.message_dict) == ["line 1"]
    assert says in _problems(caught.value)
    assert not ret.lines.exists()


def test_one_line_per_sector_membership_type_and_subdivision(kenya):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2024)
    same = {"sector": "health", "membership_type": "worker", "subdivision": "KE-30", "cooperatives": 3}
    with pytest.raises(ValidationError) as caught:
        services.return_save_lines(actor=kenya["wanjiru"], statistical_return=ret, lines=[same, same])
    assert "The same sector, membership type and subdivision are already on line 1." in _problems(caught.value)
    # the same sector and type in two subdivisions, and for the rest of the country, is three lines
    services.return_save_lines(
        actor=kenya["wanjiru"],
        statistical_return=ret,
        lines=[same, {**same, "subdivision": "KE-28"}, {**same, "subdivision": ""}],
    )
    assert ret.lines.count() == 3


def test_the_database_keeps_one_line_per_sector_type_and_subdivision(kenya):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2024)
    fields = {"statistical_return": ret, "sector_id": "health", "membership_type_id": "worker", "year": 2024}
    ReturnLine.objects.create(**fields, subdivision="KE-30")
    ReturnLine.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnLine.objects.create(**fields, subdivision="KE-30")


def test_a_subdivision_and_one_within_it_are_not_both_given_for_the_same_cells(db, alice):
    fr = Country.objects.get(iso2="FR")
    org = registry.organisation_create(
        actor=alice, data={"kind": OrganisationKind.MEMBER_ORGANISATION, "name": "Fédération", "country": fr}
    )
    ret = services.return_create(actor=alice, reporter=org, year=2024)
    region = {"sector": "health", "membership_type": "worker", "subdivision": "FR-ARA", "cooperatives": 9}
    with pytest.raises(ValidationError) as caught:
        services.return_save_lines(
            actor=alice, statistical_return=ret, lines=[region, {**region, "subdivision": "FR-01"}]
        )
    assert caught.value.message_dict == {
        "line 2": [
            "Ain (FR-01) is part of Auvergne-Rhône-Alpes (FR-ARA), which line 1 gives for the same sector and "
            "membership type: give one or the other, so that nothing is counted twice."
        ]
    }
    # a department of one sector beside the region of another is no double count
    services.return_save_lines(
        actor=alice,
        statistical_return=ret,
        lines=[region, {**region, "subdivision": "FR-01", "sector": "construction"}],
    )


def test_a_cooperatives_lines_are_of_its_own_subdivision_unless_it_says_otherwise(kenya, alice):
    registry.organisation_update(actor=alice, organisation=kenya["coop"], data={"subdivision": "KE-30"})
    ret = services.return_create(actor=kenya["amina"], reporter=kenya["coop"], year=2024)
    services.return_save_lines(
        actor=kenya["amina"],
        statistical_return=ret,
        lines=[
            {"sector": "health", "membership_type": "worker", "cooperatives": 1},
            {"sector": "transport", "membership_type": "worker", "subdivision": "KE-28", "cooperatives": 1},
        ],
    )
    assert sorted(ret.lines.values_list("sector_id", "subdivision")) == [("health", "KE-30"), ("transport", "KE-28")]
    # a member organisation's line without a subdivision stays of the whole country
    national = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2024)
    services.return_save_lines(
        actor=kenya["wanjiru"],
        statistical_return=national,
        lines=[{"sector": "health", "membership_type": "worker", "cooperatives": 1}],
    )
    assert national.lines.get().subdivision == ""


def test_large_changes_compare_like_with_like(by_region, kenya):
    """2023 gave construction by county where 2022 gave it whole (their sums compare: no warning); 2024 gives the
    same counties as 2023, each compared with its own."""
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2024)
    cell = {"sector": "construction", "membership_type": "worker"}
    warnings = services.return_save_lines(
        actor=kenya["wanjiru"],
        statistical_return=ret,
        lines=[
            {**cell, "subdivision": "KE-30", "cooperatives": 20},
            {**cell, "subdivision": "KE-28", "cooperatives": 25},
            {**cell, "cooperatives": 15},
        ],
    )
    assert [(w.line, w.field) for w in warnings] == [(1, "cooperatives")]
    assert "changes from 60 to 20" in warnings[0].message
    # by county again, but not the same counties: the sums compare (100 last year, 40 now), on the first line
    warnings = services.return_save_lines(
        actor=kenya["wanjiru"],
        statistical_return=ret,
        lines=[{**cell, "cooperatives": 15}, {**cell, "subdivision": "KE-01", "cooperatives": 25}],
    )
    assert [(w.line, w.field) for w in warnings] == [(1, "cooperatives")]
    assert "changes from 100 to 40" in warnings[0].message


def test_an_officer_still_cannot_write_another_organisations_return(client, kenya):
    theirs = services.return_create(actor=kenya["otieno"], reporter=kenya["other"], year=2024)
    line = {"sector": "health", "membership_type": "worker", "subdivision": "KE-30", "cooperatives": 3}
    with pytest.raises(PermissionDenied):
        services.return_save_lines(actor=kenya["wanjiru"], statistical_return=theirs, lines=[line])
    token = api_token_create(actor=kenya["wanjiru"], user=kenya["wanjiru"], name="t")[1]
    r = client.put(
        f"/api/v1/statistics/returns/{theirs.pk}/lines",
        json.dumps({"lines": [line]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 403
    client.force_login(kenya["wanjiru"])
    r = client.post(
        f"/statistics/returns/{theirs.pk}/",
        {
            "action": "save",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-sector": "health",
            "lines-0-membership_type": "worker",
            "lines-0-subdivision": "KE-30",
        },
    )
    assert r.status_code == 403
    assert not theirs.lines.exists()


def test_the_returns_api_takes_and_gives_the_subdivision(client, kenya):
    token = api_token_create(actor=kenya["wanjiru"], user=kenya["wanjiru"], name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {
        "reporter": "kupc",
        "year": 2024,
        "lines": [
            {"sector": "health", "membership_type": "worker", "subdivision": "KE-30", "cooperatives": 9},
            {"sector": "health", "membership_type": "worker", "cooperatives": 4},
        ],
    }
    r = client.post("/api/v1/statistics/returns", json.dumps(body), content_type="application/json", **auth)
    assert r.status_code == 201, r.content
    assert [(ln["subdivision"], ln["cooperatives"]) for ln in r.json()["lines"]] == [("", 4), ("KE-30", 9)]
    rid = r.json()["id"]
    bad = {"lines": [{"sector": "health", "membership_type": "worker", "subdivision": "FR-ARA"}]}
    r = client.put(f"/api/v1/statistics/returns/{rid}/lines", json.dumps(bad), content_type="application/json", **auth)
    assert r.status_code == 422 and "not in Kenya" in r.content.decode()
    r = client.get(f"/api/v1/statistics/returns/{rid}", **auth)
    assert {ln["subdivision"] for ln in r.json()["lines"]} == {"", "KE-30"}


def test_the_return_form_offers_the_countrys_subdivisions_and_saves_one(client, kenya):
    client.force_login(kenya["wanjiru"])
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2024)
    html = client.get(f"/statistics/returns/{ret.pk}/").content.decode()
    assert 'name="lines-0-subdivision"' in html and '<option value="KE-30">Nairobi City</option>' in html
    assert "Not given / whole country" in html and 'id="subdivision-help"' in html
    r = client.post(
        f"/statistics/returns/{ret.pk}/",
        {
            "action": "save",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-sector": "health",
            "lines-0-membership_type": "worker",
            "lines-0-subdivision": "KE-30",
            "lines-0-cooperatives": "4",
        },
    )
    assert r.status_code == 302
    assert ret.lines.get().subdivision == "KE-30"
    html = client.get(f"/statistics/returns/{ret.pk}/").content.decode()
    assert '<option value="KE-30" selected>Nairobi City</option>' in html
    assert "Nairobi City</span>" in html  # the line's title names it


def test_the_cooperatives_form_says_its_lines_are_of_its_subdivision(client, kenya, alice):
    registry.organisation_update(actor=alice, organisation=kenya["coop"], data={"subdivision": "KE-30"})
    client.force_login(kenya["amina"])
    ret = services.return_create(actor=kenya["amina"], reporter=kenya["coop"], year=2024)
    html = client.get(f"/statistics/returns/{ret.pk}/").content.decode()
    assert "Not given: Nairobi City, the co-operative&#x27;s own" in html
    assert "A line without a subdivision is of the co-operative\u2019s own subdivision" in html


def test_the_template_has_a_subdivision_column_and_lists_the_codes(client, by_region, kenya):
    client.force_login(kenya["wanjiru"])
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2024)  # from 2023's lines
    workbook = load_workbook(io.BytesIO(client.get(f"/statistics/returns/{ret.pk}/template.xlsx").content))
    sheet = workbook["return"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["sector", "membership_type", "subdivision"]
    assert [row[2] or "" for row in sheet.iter_rows(min_row=2, values_only=True)] == ["", "KE-28", "KE-30", "KE-28"]
    codes = {(r[0], r[1]): r[2] for r in workbook["codes"].iter_rows(min_row=2, values_only=True)}
    assert codes[("subdivision", "KE-30")] == "Nairobi City"
    assert ("subdivision", "FR-ARA") not in codes
    # filled in and uploaded, its subdivisions are read
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "filled.xlsx"
    r = client.post(f"/statistics/returns/{ret.pk}/", {"action": "upload", "file": upload})
    assert r.status_code == 302
    assert sorted(ret.lines.values_list("subdivision", flat=True)) == ["", "KE-28", "KE-28", "KE-30"]


def test_the_import_reads_an_optional_subdivision_column(kenya, alice):
    data = (
        "reporter,year,sector,membership_type,subdivision,cooperatives\n"
        "kupc,2020,health,worker,KE-30,7\n"
        "kupc,2020,health,worker,,3\n"
        "afk,2020,health,worker,,5\n"
    )
    report = spreadsheets.import_returns(actor=alice, stream=io.BytesIO(data.encode()), filename="r.csv")
    assert report.ok and report.returns == 2, report.errors
    assert sorted(ReturnLine.objects.values_list("subdivision", "cooperatives")) == [("", 3), ("", 5), ("KE-30", 7)]
    bad = "reporter,year,sector,membership_type,subdivision,cooperatives\nkupc,2019,health,worker,DE-BY,7\n"
    report = spreadsheets.import_returns(actor=alice, stream=io.BytesIO(bad.encode()), filename="r.csv")
    assert report.errors == [
        "row 2: Bavaria (DE-BY) is in Germany, not in Kenya: choose a subdivision of Kenya, or none."
    ]


def test_a_versions_changes_name_the_subdivision(client, kenya):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2024)
    line = {"sector": "health", "membership_type": "worker", "subdivision": "KE-30", "cooperatives": 3}
    services.return_save_lines(actor=kenya["wanjiru"], statistical_return=ret, lines=[line])
    services.return_save_lines(actor=kenya["wanjiru"], statistical_return=ret, lines=[{**line, "cooperatives": 4}])
    client.force_login(kenya["wanjiru"])
    html = client.get(f"/statistics/returns/{ret.pk}/").content.decode()
    assert "Nairobi City: co-operatives 3 → 4" in html


# --------------------------------------------------------------------------------------------------------------
# The breakdown by subdivision


def _filters(**kwargs):
    return queries.StatsFilters(year_from=2015, year_to=2025, **kwargs)


def test_the_breakdown_adds_up_to_the_countrys_total(by_region):
    ke = _filters(country=("KE",))
    total = queries.series(ke, "country")["KE"]
    by_subdivision = queries.series(ke, "subdivision")
    assert {k: {y: f.value for y, f in years.items()} for k, years in by_subdivision.items()} == {
        "": {2022: 100.0, 2023: 15.0},  # the whole country in 2022, what 2023 does not attribute
        "KE-30": {2023: 60.0},
        "KE-28": {2023: 30.0},  # construction and transport
    }
    for year in (2022, 2023):
        assert sum(years[year].value for years in by_subdivision.values() if year in years) == total[year].value
    members = queries.breakdown(_filters(country=("KE",), measure="members"), "subdivision", 2023)
    assert members[""].value == 1100 and members["KE-30"].value is None  # unknown, not zero


def test_without_subdivisions_the_breakdown_is_the_whole_country(kenya, alice):
    _validated(
        kenya["wanjiru"],
        alice,
        kenya["union"],
        2023,
        [{"sector": "health", "membership_type": "worker", "cooperatives": 11, "estimated": ["cooperatives"]}],
    )
    ke = _filters(country=("KE",))
    assert queries.series(ke, "subdivision") == {"": queries.series(ke, "country")["KE"]}
    assert queries.breakdown(ke, "subdivision", 2023) == {"": aggregation.Figure(11.0, True)}
    assert not queries.has_subdivisions(ke)


def test_the_carried_breakdown_fills_a_year_the_country_skipped(by_region, kenya, alice):
    """2024 carries the union's 2023 lines, every subdivision of them, as the country's total carries them."""
    _validated(
        kenya["wanjiru"],
        alice,
        kenya["union"],
        2025,
        [{"sector": "construction", "membership_type": "worker", "subdivision": "KE-30", "cooperatives": 70}],
    )
    ke = _filters(country=("KE",), carry=True)
    total = queries.series(ke, "country")["KE"]
    by_subdivision = queries.series(ke, "subdivision")
    assert total[2024] == aggregation.Figure(105.0, True)  # 2023's, carried
    assert by_subdivision["KE-30"][2024] == aggregation.Figure(60.0, True)
    assert by_subdivision["KE-28"][2024] == aggregation.Figure(30.0, True)
    assert 2025 not in by_subdivision["KE-28"]  # the country reported in 2025: nothing is carried into it
    for year, figure in total.items():
        assert sum(years[year].value for years in by_subdivision.values() if year in years) == figure.value


def test_subdivisions_leave_the_country_totals_as_they_were(kenya, alice):
    """The same figures in one line for the whole country, or by county, give the same totals everywhere."""
    whole = [{"sector": "construction", "membership_type": "worker", "cooperatives": 100, "members": 900}]
    parts = [
        {"sector": "construction", "membership_type": "worker", "subdivision": "KE-30", "cooperatives": 70},
        {"sector": "construction", "membership_type": "worker", "subdivision": "KE-28", "members": 500},
        {"sector": "construction", "membership_type": "worker", "cooperatives": 30, "members": 400},
    ]
    # the co-operative's own return of the same cell is left out, as before
    coop = [{"sector": "construction", "membership_type": "worker", "subdivision": "KE-30", "cooperatives": 1}]
    _validated(kenya["amina"], alice, kenya["coop"], 2022, coop)
    _validated(kenya["amina"], alice, kenya["coop"], 2023, coop)
    _validated(kenya["wanjiru"], alice, kenya["union"], 2022, whole)
    _validated(kenya["wanjiru"], alice, kenya["union"], 2023, parts)
    rows = {t.year: {m: getattr(t, m) for m in MEASURE_NAMES} for t in CountryYearTotal.objects.filter(country_id="KE")}
    assert rows[2022] == rows[2023]
    for measure in ("cooperatives", "members"):
        for dimension in ("world", "country", "sector", "membership_type", "region"):
            series = queries.series(_filters(measure=measure), dimension)
            for years in series.values():
                assert years[2022] == years[2023], (measure, dimension)
    assert ReturnLine.objects.filter(statistical_return__reporter=kenya["coop"], counted=True).count() == 0


def test_the_database_follows_the_rule_by_subdivision(by_region, kenya, alice):
    """The SQL grouping and the pure module give the same breakdown (with a co-operative left out or counted)."""
    coop = [
        {"sector": "construction", "membership_type": "worker", "subdivision": "KE-01", "cooperatives": 1},
        {"sector": "health", "membership_type": "producer", "subdivision": "KE-01", "cooperatives": 1},
    ]
    _validated(kenya["amina"], alice, kenya["coop"], 2023, coop)
    lines = [
        aggregation.Line(
            id=ln.pk,
            reporter=ln.statistical_return.reporter.slug,
            reporter_level="cooperative" if ln.statistical_return.reporter.kind == "cooperative" else "national",
            year=ln.year,
            country=ln.country_id,
            sector=ln.sector_id,
            membership_type=ln.membership_type_id,
            values={m: getattr(ln, m) for m in MEASURE_NAMES},
            estimated=frozenset(estimated_names(ln.estimated_mask)),
            subdivision=ln.subdivision,
        )
        for ln in ReturnLine.objects.filter(statistical_return__status="validated").select_related(
            "statistical_return__reporter"
        )
    ]
    table = aggregation.totals(aggregation.select_counted(lines, {}), by=aggregation.by_dimension("subdivision"))
    reference: dict[str, dict[int, aggregation.Figure]] = {}
    for (year, value), figures in table.items():
        reference.setdefault(value, {})[int(year)] = figures["cooperatives"]
    assert queries.series(_filters(country=("KE",)), "subdivision") == reference
    assert reference["KE-01"] == {2023: aggregation.Figure(1.0, False)}  # health/producer: only the co-operative


@pytest.mark.parametrize("params", [{}, {"country": ["KE", "DE"]}, {"region": "002"}])
def test_the_breakdown_by_subdivision_needs_one_country(client, by_region, params):
    for url in ("/api/v1/statistics/breakdown", "/api/v1/statistics/series"):
        r = client.get(url, {"dimension": "subdivision", **params})
        assert r.status_code == 422, url
        assert "A breakdown by subdivision is of one country: choose exactly one country." in r.content.decode()
    r = client.get("/statistics/table.csv", {"table": "subdivision", **params})
    assert r.status_code == 422 and "choose exactly one country" in r.content.decode()
    with pytest.raises(ValidationError):
        queries.series(_filters(country=tuple(params.get("country", ()))), "subdivision")


def test_the_api_breaks_a_country_down_by_subdivision(client, by_region):
    r = client.get("/api/v1/statistics/breakdown", {"dimension": "subdivision", "country": "KE"})
    assert r.status_code == 200
    assert r.json() == {
        "measure": "cooperatives",
        "dimension": "subdivision",
        "year": 2023,
        "values": {
            "": {"value": 15, "estimate": False},
            "KE-28": {"value": 30, "estimate": False},
            "KE-30": {"value": 60, "estimate": False},
        },
    }
    r = client.get("/api/v1/statistics/series", {"dimension": "subdivision", "country": "KE", "sector": "transport"})
    assert r.json()["series"] == {"KE-28": [{"year": 2023, "value": 5, "estimate": False}]}


# --------------------------------------------------------------------------------------------------------------
# The country's page and the downloads


def test_the_country_page_shows_the_breakdown_by_subdivision_only_where_returns_give_one(client, by_region, germany):
    html = client.get("/statistics/countries/KE/").content.decode()
    assert 'id="breakdown-subdivision-heading">By subdivision<' in html
    section = html.split('id="breakdown-subdivision-heading"')[1].split("</section>")[0]
    assert section.index("Nairobi City") < section.index("Mombasa") < section.index("Not given / whole country")
    assert "table=subdivision" in section  # its downloads
    assert "/api/v1/statistics/breakdown?dimension=subdivision&amp;country=KE" in html
    assert "breakdown-subdivision" not in client.get("/statistics/").content.decode()  # the world: none
    # within the reader's choices: up to 2022 the union gave the whole country only
    html = client.get("/statistics/countries/KE/", {"year_to": 2022}).content.decode()
    assert "breakdown-subdivision-heading" not in html
    html = client.get("/statistics/countries/ES/").content.decode()
    assert "breakdown-subdivision" not in html


def test_a_country_without_subdivisions_in_its_returns_has_no_such_breakdown(client, kenya, alice):
    line = {"sector": "health", "membership_type": "worker", "cooperatives": 2}
    _validated(kenya["wanjiru"], alice, kenya["union"], 2023, [line])
    assert "breakdown-subdivision" not in client.get("/statistics/countries/KE/").content.decode()


def test_the_country_page_names_the_subdivisions_in_the_readers_language(client, germany):
    bavaria = subdivisions.name("DE-BY", "fr")
    assert bavaria == "Bavière" and subdivisions.name("DE-BY", "en") != bavaria  # pycountry's catalogues
    html = client.get("/fr/statistics/countries/DE/").content.decode()
    section = html.split('id="breakdown-subdivision-heading"')[1].split("</section>")[0]
    assert "Bavière" in section and "Berlin" in section
    assert "40" in section and "12" in section
    english = client.get("/statistics/countries/DE/").content.decode()
    assert "Bavière" not in english and subdivisions.name("DE-BY", "en") in english


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_downloads_have_the_subdivision_column(client, by_region, germany):
    rows = _csv(client.get("/statistics/table.csv", {"table": "subdivision", "country": "KE"}))
    assert list(rows[0]) == ["year", "measure", "subdivision", "label", "value", "estimate", "share"]
    assert [(r["subdivision"], r["label"], r["value"]) for r in rows] == [
        ("KE-30", "Nairobi City", "60"),
        ("KE-28", "Mombasa", "30"),
        ("", "Not given / whole country", "15"),
    ]
    assert sum(float(r["share"]) for r in rows) == pytest.approx(1.0)
    sheet = load_workbook(
        io.BytesIO(client.get("/fr/statistics/table.xlsx", {"table": "subdivision", "country": "DE"}).content)
    ).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][2:4] == ["subdivision", "label"]
    assert [(r[2] or "", r[4]) for r in values[1:]] == [("DE-BY", 40), ("DE-BE", 12), ("", 8)]
    assert [r[3] for r in values[1:3]] == ["Bavière", "Berlin"]  # in the reader's language
    tidy = _csv(client.get("/statistics/data.csv", {"country": "KE", "year_from": 2023}))
    assert list(tidy[0])[:3] == ["year", "country_iso", "subdivision"]
    assert sorted({(r["subdivision"], r["sector"]) for r in tidy if r["measure"] == "cooperatives"}) == [
        ("", "construction"),
        ("KE-28", "construction"),
        ("KE-28", "transport"),
        ("KE-30", "construction"),
    ]
    assert sum(int(r["value"]) for r in tidy if r["measure"] == "cooperatives") == 105


def test_an_xlsx_template_without_the_subdivision_column_still_reads(client, kenya):
    """Templates downloaded before the column came are read as they are: their lines are of the whole country."""
    client.force_login(kenya["wanjiru"])
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2024)
    wb = Workbook()
    wb.active.append(["sector", "membership_type", "cooperatives"])
    wb.active.append(["health", "worker", 3])
    upload = io.BytesIO()
    wb.save(upload)
    upload.seek(0)
    upload.name = "old.xlsx"
    assert client.post(f"/statistics/returns/{ret.pk}/", {"action": "upload", "file": upload}).status_code == 302
    assert ret.lines.get().subdivision == ""
