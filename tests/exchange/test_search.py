"""The listings directory: full-text search through the index (accents, case, prefixes, translations), filters,
facet counts, paging, what each reader may see, and constant query counts for its pages and a listing's page."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection

from cicopa.exchange import queries, services
from cicopa.exchange.models import Listing, ListingStatus

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
ANONYMOUS = AnonymousUser()


def listing(actor, organisation, publish=True, **data):
    base = {
        "direction": "offer",
        "kind": "goods",
        "language": "en",
        "category": "31",
        "scope": "international",
        "valid_from": TODAY.isoformat(),
        "description": "",
    }
    base.update(data)
    return services.listing_create(actor=actor, organisation=organisation, data=base, publish=publish)


@pytest.fixture
def market(trade, charlie, erika):
    """Six listings of the French joinery (charlie) and the Spanish builders (erika), one of them a draft."""
    return {
        "windows": listing(
            charlie,
            trade["menuiserie"],
            language="fr",
            title="Fenêtres en chêne massif",
            description="Menuiserie sur mesure, livrée en Europe.",
            translations={"es": {"title": "Ventanas de roble macizo", "description": "Carpintería a medida."}},
        ),
        "stairs": listing(
            charlie, trade["menuiserie"], title="Oak staircases", description="Joinery in oak.", scope="national"
        ),
        "training": listing(
            charlie,
            trade["menuiserie"],
            kind="know_how",
            category="92",
            title="Apprenticeships in joinery",
            description="Co-operative training for young carpenters.",
            scope="regional",
        ),
        "bricks": listing(
            erika,
            trade["constructora"],
            direction="need",
            language="es",
            category="37",
            title="Ladrillos cerámicos",
            description="Para obras en Valencia.",
            scope="national",
        ),
        "renovation": listing(
            erika, trade["constructora"], direction="need", language="es", category="54", title="Reforma de tejados"
        ),
        "draft": listing(charlie, trade["menuiserie"], publish=False, title="Oak benches (draft)"),
    }


def titles(user=ANONYMOUS, q="", **params):
    page = queries.search_listings(user, q=q, filters=queries.parse_filters(params))
    return [item.title for item in page.items]


def test_the_index_is_wired_on_each_engine(db):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'exchange_listing' AND type = 'trigger'")
            expected = {"exchange_listing_fts_ai", "exchange_listing_fts_ad", "exchange_listing_fts_au"}
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'exchange_listing'")
            expected = {"exchange_listing_search", "exchange_listing_search_tags"}
        assert expected <= {row[0] for row in cursor.fetchall()}


def test_the_system_check_names_a_missing_trigger(db):
    """A migration that rebuilds the table drops SQLite's triggers: the check says so (a rolled-back drop here)."""
    from cicopa.exchange.checks import search_index_check

    assert search_index_check(None, databases=["default"]) == []
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER exchange_listing_fts_au")
    errors = search_index_check(None, databases=["default"])
    assert [e.id for e in errors] == ["exchange.E001"] and "exchange_listing_fts_au" in errors[0].msg


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("fenetres", "Fenêtres en chêne massif"),  # accents ignored
        ("FENÊTRES", "Fenêtres en chêne massif"),  # case ignored
        ("fenet", "Fenêtres en chêne massif"),  # a prefix
        ("ventanas roble", "Fenêtres en chêne massif"),  # its Spanish translation
        ("carpinteria", "Fenêtres en chêne massif"),  # the translation's description
        ("lyon", "Fenêtres en chêne massif"),  # the town
        ("cooperative", "Apprenticeships in joinery"),  # a hyphenated compound, joined
        ("ladrillos valencia", "Ladrillos cerámicos"),
    ],
)
def test_words_are_found_folded_as_prefixes_and_in_translations(market, q, expected):
    assert expected in titles(q=q)


def test_no_match_and_punctuation(market):
    assert titles(q="zzyzx") == []
    assert len(titles(q='"*()')) == 5  # no words: every published listing


def test_titles_rank_before_descriptions_and_newest_first_otherwise(market):
    assert titles(q="joinery") == ["Apprenticeships in joinery", "Oak staircases"]
    assert titles() == [
        "Reforma de tejados",
        "Ladrillos cerámicos",
        "Apprenticeships in joinery",
        "Oak staircases",
        "Fenêtres en chêne massif",
    ]


def test_filters(market, trade):
    assert titles(direction="need") == ["Reforma de tejados", "Ladrillos cerámicos"]
    assert titles(kind="know_how") == ["Apprenticeships in joinery"]
    assert titles(category="3") == ["Ladrillos cerámicos", "Oak staircases", "Fenêtres en chêne massif"]  # a section
    assert titles(category="31,92") == ["Apprenticeships in joinery", "Oak staircases", "Fenêtres en chêne massif"]
    assert titles(country="es") == ["Reforma de tejados", "Ladrillos cerámicos"]
    assert titles(region="155") == ["Apprenticeships in joinery", "Oak staircases", "Fenêtres en chêne massif"]
    assert titles(region="150") == titles()  # Europe: both
    assert titles(region="002") == []  # Africa
    assert titles(scope="national") == ["Ladrillos cerámicos", "Oak staircases"]
    assert titles(language="es") == ["Reforma de tejados", "Ladrillos cerámicos"]
    assert titles(q="oak", direction="offer", country="FR", scope="national,regional") == ["Oak staircases"]


def test_filters_follow_every_change(market, charlie, alice):
    windows = market["windows"]
    services.listing_update(actor=charlie, listing=windows, data={"title": "Portes en pin", "country": "BE"})
    assert titles(q="fenetres") == []
    assert titles(q="portes", country="BE") == ["Portes en pin"]
    services.listing_set_status(actor=alice, listing=windows, status=ListingStatus.PAUSED)
    assert titles(q="portes") == []
    services.listing_set_status(actor=charlie, listing=windows, status=ListingStatus.PUBLISHED)
    assert titles(q="portes") == ["Portes en pin"]


def test_each_reader_sees_what_permissions_allow(market, charlie, erika, bob, alice, dave):
    services.listing_set_status(actor=erika, listing=market["renovation"], status=ListingStatus.PAUSED)
    public = {"Fenêtres en chêne massif", "Oak staircases", "Apprenticeships in joinery", "Ladrillos cerámicos"}
    assert set(titles()) == set(titles(dave)) == public
    # The joinery's people (charlie, and bob as officer of its federation) see its draft; erika her paused need.
    assert set(titles(charlie)) == set(titles(bob)) == public | {"Oak benches (draft)"}
    assert set(titles(erika)) == public | {"Reforma de tejados"}
    assert set(titles(alice)) == public | {"Oak benches (draft)", "Reforma de tejados"}  # the secretariat
    # Own listings are searched and filtered like the others, and sorted among them.
    assert titles(charlie, q="oak") == ["Oak staircases", "Oak benches (draft)"]
    assert titles(charlie, q="benches", country="ES") == []
    assert titles(charlie, status="draft") == ["Oak benches (draft)"]
    assert titles(charlie) == [
        "Oak benches (draft)",
        "Ladrillos cerámicos",
        "Apprenticeships in joinery",
        "Oak staircases",
        "Fenêtres en chêne massif",
    ]
    assert titles(status="draft") == []
    assert titles(alice, status="paused") == ["Reforma de tejados"]
    page = queries.search_listings(charlie, q="oak")
    assert page.total == 2


def test_facet_counts_keep_the_other_values_of_a_filter_in_use(market):
    facets = queries.search_listings(ANONYMOUS, facets=True).facets
    assert facets is not None
    groups = {name: {code: n for code, _label, n in values} for name, values in facets.groups.items()}
    assert groups["direction"] == {"offer": 3, "need": 2}
    assert groups["kind"] == {"goods": 4, "know_how": 1}
    assert groups["section"] == {"3": 3, "5": 1, "9": 1}
    assert groups["country"] == {"FR": 3, "ES": 2}
    assert groups["scope"] == {"international": 2, "national": 2, "regional": 1}
    labels = dict((code, label) for code, label, _n in facets.groups["country"])
    assert labels["FR"] == "France"
    chosen = queries.listing_facets(ANONYMOUS, q="", filters=queries.parse_filters({"country": "FR"}))
    counts = {name: {code: n for code, _label, n in values} for name, values in chosen.groups.items()}
    assert counts["country"] == {"FR": 3, "ES": 2}  # counted as if no country were chosen
    assert counts["direction"] == {"offer": 3}  # within France


def test_totals_and_pages(market, settings):
    page = queries.search_listings(ANONYMOUS, page_size=2, page=2)
    assert (page.total, page.pages, page.start, page.end) == (5, 3, 3, 4)
    assert [item.title for item in page.items] == ["Apprenticeships in joinery", "Oak staircases"]
    past = queries.search_listings(ANONYMOUS, page_size=2, page=9)
    assert past.past_the_end and past.total == 5
    settings.CICOPA_SEARCH_COUNT_LIMIT = 3
    capped = queries.search_listings(ANONYMOUS, page_size=2)
    assert (capped.total, capped.total_is_capped) == (3, True)
    settings.CICOPA_SEARCH_RANK_LIMIT = 2
    ranked = queries.search_listings(ANONYMOUS, q="o", page_size=1)
    assert ranked.ranked_limit == 2 and ranked.pages == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"direction": "sell"}, "direction"),
        ({"kind": "magic"}, "kind"),
        ({"category": "00"}, "category"),
        ({"country": "XX"}, "country"),
        ({"region": "999"}, "region"),
        ({"scope": "galactic"}, "scope"),
        ({"language": "de"}, "language"),
        ({"status": "sold"}, "status"),
        ({"sort": "price"}, "sort"),
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
    ],
)
def test_bad_parameters_are_named(db, params, field):
    with pytest.raises(ValidationError) as exc:
        queries.parse_search(params)
    assert field in exc.value.message_dict


def test_parse_search_gives_the_arguments_of_search_listings(market):
    search = queries.parse_search({"q": "oak", "country": "fr", "page_size": "1", "sort": "newest"})
    page = queries.search_listings(ANONYMOUS, **search.as_kwargs())
    assert (page.sort, page.total, [i.title for i in page.items]) == ("newest", 1, ["Oak staircases"])


@pytest.mark.parametrize("q", ["", "oak"])
def test_page_query_count_is_constant(market, charlie, django_assert_num_queries, q):
    for n in range(4):
        listing(charlie, market["windows"].organisation, title=f"Oak chairs {n}", translations={"fr": {"title": "x"}})

    def count(user, size):
        from django.db import connection as conn
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(conn) as ctx:
            page = queries.search_listings(user, q=q, page_size=size)
            for item in page.items:  # everything a result shows, without a query more
                item.text_in("es")
                str(item.organisation) + str(item.category) + str(item.country) + str(item.unit)
        return len(ctx.captured_queries)

    for user in (ANONYMOUS, charlie):
        assert count(user, 1) == count(user, 20)
    assert count(ANONYMOUS, 20) <= 3


def test_listing_detail_and_an_organisations_listings(market, trade, charlie, erika, django_assert_num_queries):
    windows = market["windows"]
    with django_assert_num_queries(2):
        found = queries.listing_detail(windows.pk, ANONYMOUS)
        assert found.text_in("es")[0] == "Ventanas de roble macizo"
        str(found.category.parent) + str(found.organisation.country) + str(found.unit) + str(found.country)
    with pytest.raises(Listing.DoesNotExist):
        queries.listing_detail(market["draft"].pk, ANONYMOUS)
    with pytest.raises(Listing.DoesNotExist):
        queries.listing_detail(market["draft"].pk, erika)
    assert queries.listing_detail(market["draft"].pk, charlie) == market["draft"]

    public = [item.title for item in queries.listings_of(trade["menuiserie"], ANONYMOUS)]
    assert public == ["Apprenticeships in joinery", "Oak staircases", "Fenêtres en chêne massif"]
    own = [item.title for item in queries.listings_of(trade["menuiserie"], charlie)]
    assert own == [*public, "Oak benches (draft)"]


def test_a_bulk_write_indexes_its_listings_at_the_end(market, trade):
    from cicopa.exchange import search

    with search.INDEX.bulk_indexing():
        made = Listing(
            organisation=trade["taxi"],
            direction="offer",
            kind="services",
            language="es",
            title="Transporte de muebles",
            category_id="65",
            country_id="ES",
            scope="national",
            valid_from=TODAY,
            status=ListingStatus.PUBLISHED,
        )
        search.fill_columns(made, {})
        made.save()
    assert titles(q="muebles") == ["Transporte de muebles"]
    assert "qqr039" in made.search_tags and "qqr150" in made.search_tags  # Southern Europe, Europe


def test_the_migration_tags_listings_as_the_services_do(market, charlie, trade):
    import importlib

    from django.apps import apps

    services.listing_create(
        actor=charlie,
        organisation=trade["menuiserie"],
        data={
            "direction": "offer",
            "kind": "goods",
            "language": "fr",
            "title": "Escaliers",
            "category": "3",
            "city": "Saint-Étienne",
            "scope": "regional",
            "valid_from": TODAY.isoformat(),
        },
        publish=True,
    )
    before = dict(Listing.objects.values_list("id", "search_tags"))
    Listing.objects.update(search_tags="")
    importlib.import_module("cicopa.exchange.migrations.0003_listing_search").retag(apps, None)
    assert dict(Listing.objects.values_list("id", "search_tags")) == before
