"""The demo federation that `cicopa demo` loads, and the directory's counts over it."""

from collections import Counter

import pytest
from django.db.models import Count

from cicopa.registry import demo, queries
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
    assert queries.search_directory(queries.parse_filters({"q": "cicopa"})).items[0] == demo_registry


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "co"}, {"country": "FR"}, {"region": "150"}, {"sector": "construction", "kind": "cooperative"}],
)
def test_facet_counts_agree_with_the_records(demo_registry, params):
    filters = queries.parse_filters(params)
    facets = queries.directory_facets(filters)

    def ids(facet):  # a filter in use is counted as if it were not: the other values stay in view
        return list(queries.matching(queries._without(filters, facet)).values_list("id", flat=True))

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
