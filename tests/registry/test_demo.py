"""The demo federation that `cicopa demo` loads, and the directory's counts over it."""

import re
from collections import Counter

import pytest
from django.db.models import Count

from cicopa.registry import demo, directory_queries
from cicopa.registry.models import Organisation


@pytest.fixture
def demo_registry(db):
    return demo.load_demo(cooperatives=400)


def test_demo_federation(demo_registry):
    members = Organisation.objects.filter(kind="member_organisation")
    assert members.count() == 65 and members.values("country").distinct().count() == 45
    assert demo_registry.acronym == "CICOPA" and demo_registry.memberships.get().parent.acronym == "ICA"
    assert {o.person.full_name for o in demo_registry.offices.all()} == {"Marian Rybar", "Jan-Eirik Imbsen"}
    coops = Organisation.objects.filter(kind="cooperative")
    assert coops.count() == 400 and not coops.filter(is_demo=False).exists()
    assert not coops.filter(memberships=None).exists()  # each belongs to a member organisation
    assert (
        directory_queries.search_directory(directory_queries.parse_filters({"q": "cicopa"})).items[0] == demo_registry
    )


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "co"}, {"country": "FR"}, {"region": "150"}, {"sector": "construction", "kind": "cooperative"}],
)
def test_facet_counts_agree_with_the_records(demo_registry, params):
    filters = directory_queries.parse_filters(params)
    facets = directory_queries.directory_facets(filters)

    def ids(facet):  # a filter in use is counted as if it were not: the other values stay in view
        return list(directory_queries.matching(directory_queries._without(filters, facet)).values_list("id", flat=True))

    def counted(facet, field):
        orgs = Organisation.objects.filter(id__in=ids(facet))
        return dict(orgs.exclude(**{field: None}).values_list(field).annotate(n=Count("id")))

    got = {facet: {code: n for code, _label, n in values} for facet, values in facets.groups.items()}
    assert got["kind"] == counted("kind", "kind")
    assert got["country"] == counted("country", "country")
    assert got["region"] == counted("region", "country__region")
    assert got["membership_type"] == counted("membership_type", "membership_type")
    assert got["legal_form"] == counted("legal_form", "legal_form")
    through = Organisation.sectors.through.objects.filter(organisation_id__in=ids("sector"))
    assert got["sector"] == dict(Counter(through.values_list("sector_id", flat=True)))
    labels = {code: label for code, label, _n in facets.groups["country"]}
    if "FR" in got["country"]:
        assert labels["FR"] == "France"


def test_demo_cooperatives_sit_in_real_towns_under_plain_names(demo_registry):
    from cicopa.registry import gazetteer

    coops = Organisation.objects.filter(kind="cooperative")
    countries = set(coops.values_list("country_id", flat=True))
    towns = {(iso, t.name, t.latitude, t.longitude) for iso in countries for t in gazetteer.towns(iso)}
    for org in coops:
        assert (org.country_id, org.city, org.latitude, org.longitude) in towns, (org.name, org.city)
        assert org.city in org.name and not any(ch.isdigit() for ch in org.name), org.name
    french = coops.filter(country="FR").values_list("name", flat=True)
    assert french and all("coopérati" in n or "Scop" in n or "Coopérative" in n for n in french), list(french)[:5]
    assert Organisation.objects.filter(name__contains="Aurora").count() == 0


def test_real_organisations_sit_at_their_real_city_with_no_invented_officers(demo_registry):
    from cicopa.registry.models import Office

    for slug, (lat, lon) in {"cg-scop": (48.85, 2.35), "coceta": (40.42, -3.70), "federlavoro": (41.89, 12.51)}.items():
        org = Organisation.objects.get(slug=slug)
        assert abs(org.latitude - lat) < 0.05 and abs(org.longitude - lon) < 0.05, slug  # the city, not 340 km off
        assert not org.offices.exists() and not org.email and org.founded is None, slug
    named = {"Marian Rybar", "Jan-Eirik Imbsen"}  # the officers the 1998 text names
    real = ["ica", "cicopa", "cg-scop", "coceta", "federlavoro", "cuk-wcc", "zlsp"]
    real_offices = Office.objects.filter(organisation__slug__in=real)
    real_offices |= Office.objects.filter(person__full_name__in=named)
    assert {o.person.full_name for o in real_offices} == named
    union = Organisation.objects.get(name="Co-operative Union of the Producer Co-operatives")
    assert abs(union.latitude - 48.15) < 0.05 and {o.person.full_name for o in union.offices.all()} == {"Marian Rybar"}


def test_the_demo_is_the_same_every_time(federation):
    first = _generated(federation)
    Organisation.objects.filter(kind="cooperative", is_demo=True).delete()
    assert _generated(federation) == first


def _generated(federation):
    import random

    demo.generate_cooperatives(60, federations=[federation["cgscop"], federation["coceta"]], rng=random.Random(7))
    coops = Organisation.objects.filter(kind="cooperative", is_demo=True).order_by("id")
    return list(coops.values_list("name", "city", "latitude", "longitude", "description"))


def test_the_search_box_examples_find_something_in_the_demo(client, db):
    demo.load_demo()  # the demo as `cicopa demo` loads it
    html = client.get("/").content.decode()
    placeholder = re.search(r'id="directory-q"[^>]*placeholder="([^"]*)"', html).group(1)
    examples = [e.strip() for e in placeholder.removeprefix("e.g.").split(",")]
    assert len(examples) == 3
    for example in examples:
        assert directory_queries.search_directory(directory_queries.parse_filters({"q": example})).total > 0, example


@pytest.mark.parametrize(
    ("iso", "town", "code"),
    [
        # France: GeoNames gives INSEE's region codes; one known town for each of the thirteen regions
        ("FR", "Paris", "FR-IDF"),
        ("FR", "Orléans", "FR-CVL"),
        ("FR", "Dijon", "FR-BFC"),
        ("FR", "Rouen", "FR-NOR"),
        ("FR", "Lille", "FR-HDF"),
        ("FR", "Strasbourg", "FR-GES"),
        ("FR", "Nantes", "FR-PDL"),
        ("FR", "Rennes", "FR-BRE"),
        ("FR", "Bordeaux", "FR-NAQ"),
        ("FR", "Montpellier", "FR-OCC"),
        ("FR", "Lyon", "FR-ARA"),
        ("FR", "Marseille", "FR-PAC"),
        ("FR", "Ajaccio", "FR-20R"),
        # where GeoNames' codes are ISO 3166-2's own
        ("GB", "Glasgow", "GB-SCT"),
        ("GB", "Cardiff", "GB-WLS"),
        ("GB", "Belfast", "GB-NIR"),
        ("GB", "Manchester", "GB-ENG"),
        ("US", "Los Angeles", "US-CA"),
        ("US", "Washington", "US-DC"),
        ("BE", "Antwerp", "BE-VLG"),
        ("BE", "Liège", "BE-WAL"),
        ("BE", "Brussels", "BE-BRU"),
        ("CH", "Geneva", "CH-GE"),
        ("CH", "Zürich", "CH-ZH"),
        ("UG", "Kampala", "UG-C"),
        ("UG", "Gulu", "UG-N"),
        # elsewhere GeoNames' codes are its own: no subdivision rather than a wrong one
        ("DE", "Munich", ""),
        ("ES", "Madrid", ""),
        ("JP", "Tokyo", ""),
    ],
)
def test_the_gazetteer_knows_a_towns_subdivision_only_where_geonames_says_it_reliably(iso, town, code):
    from cicopa.registry import gazetteer

    assert gazetteer.subdivision(iso, gazetteer.find(iso, town)) == code


def test_demo_organisations_have_the_subdivision_of_their_town(demo_registry):
    from cicopa.core import subdivisions

    orgs = list(Organisation.objects.exclude(subdivision="").values_list("slug", "country_id", "subdivision"))
    assert all(subdivisions.is_valid(code, country) for _slug, country, code in orgs)
    placed = {country for _slug, country, _code in orgs}
    assert {"FR", "GB", "US", "CH"} <= placed and not placed - {
        "FR",
        "GB",
        "US",
        "BE",
        "CH",
        "UG",
        "ES",
        "IT",
        "PL",
        "SK",
    }
    by_slug = {slug: code for slug, _country, code in orgs}
    assert (by_slug["cg-scop"], by_slug["coceta"], by_slug["federlavoro"], by_slug["zlsp"]) == (
        "FR-IDF",
        "ES-MD",
        "IT-62",
        "PL-14",
    )
    assert by_slug["ica"] == "CH-GE"
    lyon = Organisation.objects.filter(kind="cooperative", country_id="FR", city="Lyon").first()
    assert lyon is None or lyon.subdivision == "FR-ARA"
    # the French federation's directory shows its regions
    facets = directory_queries.directory_facets(directory_queries.parse_filters({"country": "FR"}))
    assert (
        sum(n for _code, _label, n in facets.groups["subdivision"])
        == Organisation.objects.filter(country_id="FR").exclude(subdivision="").count()
    )
