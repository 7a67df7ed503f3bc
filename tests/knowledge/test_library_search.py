"""The one search across the library: what is published is found by its words in any language it has (accents
and case aside, words as prefixes), ranked, narrowed by facets counted disjunctively, cut into a highlighted
excerpt; what is not published is in no search, facet or feed. The Atom feeds, whole and per topic."""

import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings

from cicopa.knowledge import library, services
from cicopa.knowledge.excerpts import excerpt
from cicopa.knowledge.library import LibraryFilters, parse_filters
from cicopa.knowledge.models import LibraryEntry

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def publish(alice, charlie, federation, make_data, **data):
    exp = services.experience_create(actor=charlie, organisation=federation["menuiserie"], data=make_data(**data))
    services.experience_submit(actor=charlie, experience=exp)
    return services.experience_publish(actor=alice, experience=exp)


def found(q="", **filters):
    page = library.search(LibraryFilters(q=q, **{k: tuple(v) for k, v in filters.items()}))
    return [hit.card.title for hit in page.hits]


def test_words_inside_any_part_and_language_accents_and_prefixes(published, alice, charlie, federation, make_data):
    title = "Reprise de la menuiserie par ses salariés"
    assert found("SALARIES") == [title]  # accents and case aside
    assert found("pension") == []
    assert found("retraite") == [title]  # in "the problem"
    assert found("menuis") == [title]  # a prefix
    assert found("menuiserie scop") == [title]  # every word, each anywhere
    assert found("menuiserie boulangerie") == []
    # a translation's words find it too, and the reader of that language sees the translation
    spanish = publish(
        alice,
        charlie,
        federation,
        make_data,
        title="Une coopérative d'énergie",
        problem="Le réseau électrique.",
        translations={"es": {"title": "Una cooperativa de energía", "problem": "La red eléctrica."}},
    )
    assert found("electrica") == ["Une coopérative d'énergie"]
    from django.utils import translation

    with translation.override("es"):
        hit = library.search(LibraryFilters(q="red")).hits[0]
    assert hit.card.title == "Una cooperativa de energía" and hit.card.original_language is None
    with translation.override("en"):
        hit = library.search(LibraryFilters(q="red")).hits[0]
    assert hit.card.original_language == "fr"  # no English: the original, marked
    assert spanish.pk == hit.object_id


def test_unpublished_is_in_no_search_facet_or_feed(client, draft, submitted, make_data, charlie, federation):
    assert LibraryEntry.objects.count() == 0
    assert found("menuiserie") == [] and found() == []
    page = library.search(LibraryFilters())
    assert page.total == 0 and all(not values for values in page.facets.values())
    html = client.get("/library/?q=menuiserie").content.decode()
    assert "Reprise de la menuiserie" not in html
    assert b"menuiserie" not in client.get("/library/feed.atom").content.lower()
    assert client.get("/api/v1/knowledge/search?q=menuiserie").json()["count"] == 0


def test_title_ranks_before_body(alice, charlie, federation, make_data):
    publish(alice, charlie, federation, make_data, title="Formation des membres", summary="Le chantier de bois.")
    publish(alice, charlie, federation, make_data, title="Un chantier naval", summary="Des bateaux.")
    publish(alice, charlie, federation, make_data, title="Autre chose", summary="Rien à voir.")
    assert found("chantier") == ["Un chantier naval", "Formation des membres"]
    # newest first when asked, or without words
    assert library.search(LibraryFilters(q="chantier", sort="newest")).hits[0].card.title == "Un chantier naval"
    assert found()[0] == "Autre chose"


def test_facets_count_the_results_and_a_chosen_filter_as_if_not_chosen(alice, charlie, federation, make_data):
    publish(alice, charlie, federation, make_data, title="Un", topics=["finance"], year=2019)
    publish(alice, charlie, federation, make_data, title="Deux", topics=["finance", "training"], year=2020)
    publish(alice, charlie, federation, make_data, title="Trois", topics=["governance"], year=2020, country="ES")
    page = library.search(LibraryFilters())
    facets = {name: {code: n for code, _label, n in values} for name, values in page.facets.items()}
    assert facets["topic"] == {"finance": 2, "training": 1, "governance": 1}
    assert facets["year"] == {"2020": 2, "2019": 1}
    assert facets["country"] == {"FR": 2, "ES": 1}
    assert facets["kind"] == {"experience": 3} and facets["language"] == {"fr": 3}
    assert [v for v, _l, _n in page.facets["year"]] == ["2020", "2019"]  # years newest first
    chosen = library.search(LibraryFilters(topic=("finance",)))
    assert {hit.card.title for hit in chosen.hits} == {"Un", "Deux"}
    topic_counts = {code: n for code, _l, n in chosen.facets["topic"]}
    assert topic_counts == {"finance": 2, "training": 1, "governance": 1}  # what adding each would give
    assert {code: n for code, _l, n in chosen.facets["year"]} == {"2019": 1, "2020": 1}
    # two values of one filter: either; two filters: both
    assert set(found(topic=["finance", "governance"])) == {"Un", "Deux", "Trois"}
    assert found(topic=["finance"], year=["2020"]) == ["Deux"]
    assert found(country=["ES"], language=["fr"]) == ["Trois"]
    assert found(kind=["study"]) == []


def test_page_filters_links_excerpt_and_messages(client, published):
    html = client.get("/library/?q=retraite").content.decode()
    assert "<mark>retraite</mark>" in html
    assert "Reprise de la menuiserie" in html and "?q=retraite" in html
    html = client.get("/library/?topic=transfers").content.decode()
    assert 'aria-current="true"' in html  # the chosen topic, a link that takes it away
    assert "/library/topics/transfers/feed.atom" in html
    r = client.get("/library/?topic=nope&year=99999&country=Atlantis&sort=odd&page=abc")
    assert r.status_code == 200
    html = r.content.decode()
    for words in ("nope", "99999", "Atlantis", "odd"):
        assert words in html  # each named in a message, the rest of the search still shown
    assert "Reprise de la menuiserie" in html
    # a country by its name in any language
    assert "Reprise de la menuiserie" in client.get("/library/?country=Francia").content.decode()


def test_api_search(client, published):
    body = client.get("/api/v1/knowledge/search?q=retraite&topic=transfers").json()
    assert body["count"] == 1 and body["pages"] == 1
    hit = body["results"][0]
    assert hit["kind"] == "experience" and hit["id"] == published.pk and "[[retraite]]" in hit["excerpt"]
    assert hit["countries"] == ["FR"] and "transfers" in hit["topics"]
    assert {v["value"] for v in body["facets"]["topic"]} >= {"transfers", "finance"}
    r = client.get("/api/v1/knowledge/search?topic=nope&year=12")
    assert r.status_code == 422
    text = r.content.decode()
    assert "nope" in text and "12" in text
    spanish = client.get("/api/v1/knowledge/search", HTTP_ACCEPT_LANGUAGE="es").json()
    assert spanish["facets"]["kind"][0]["name"] == "Experiencias"


@override_settings(CICOPA_SEARCH_RANK_LIMIT=2, CICOPA_SEARCH_COUNT_LIMIT=3, CICOPA_LIBRARY_FACET_SAMPLE=4)
def test_bounded_ranking_and_counting(client, alice, charlie, federation, make_data):
    for i in range(5):
        publish(alice, charlie, federation, make_data, title=f"Bois {i}", summary="bois " * i)
    page = library.search(LibraryFilters(q="bois"))
    assert page.total == 3 and page.capped and page.ranked_limit == 2 and page.pages == 1
    assert len(page.hits) == 2  # only the newest two are ranked
    assert {h.card.title for h in page.hits} == {"Bois 4", "Bois 3"}
    assert page.facets_approximate and sum(n for _c, _l, n in page.facets["kind"]) == 4  # the first 4 hits
    assert "Counted among the first 4 results" in client.get("/library/?q=bois").content.decode()
    assert "newest 2" in client.get("/library/?q=bois").content.decode()


def test_feeds(client, alice, charlie, federation, make_data):
    publish(alice, charlie, federation, make_data, title="Sur la finance", topics=["finance"])
    publish(alice, charlie, federation, make_data, title="Sur la formation", topics=["training"])
    r = client.get("/library/feed.atom")
    assert r["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(r.content)
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert titles == ["Experience: Sur la formation", "Experience: Sur la finance"]
    entry = next(root.iter(f"{ATOM}entry"))
    assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/library/experiences/")
    assert entry.find(f"{ATOM}category").get("term") == "training"
    root = ET.fromstring(client.get("/library/topics/finance/feed.atom").content)
    assert [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")] == ["Experience: Sur la finance"]
    assert client.get("/library/topics/nope/feed.atom").status_code == 404
    french = ET.fromstring(client.get("/fr/library/feed.atom").content)
    assert next(french.iter(f"{ATOM}entry")).findtext(f"{ATOM}title").startswith("Expérience")


def test_parse_filters_reports_each_bad_value():
    filters, errors = parse_filters({"kind": "study,poem", "language": "de", "page": "0", "q": "  a   b  "})
    assert filters.kind == ("study",) and filters.q == "a b" and filters.page == 1
    assert set(errors) == {"kind", "language", "page"} and "poem" in errors["kind"]


@pytest.mark.parametrize(
    ("text", "terms", "expected"),
    [
        (
            "Une Coopérative de production",
            ["cooper"],
            [("Une ", False), ("Coopérative", True), (" de production", False)],
        ),
        ("ÉCOLE et école", ["ecole"], [("ÉCOLE", True), (" et ", False), ("école", True)]),
        ("Nothing here", ["zebra"], [("Nothing here", False)]),
        ("", ["x"], []),
    ],
)
def test_excerpt_marks_words_accents_and_case_aside(text, terms, expected):
    assert excerpt(text, terms) == expected


def test_excerpt_of_a_long_text_is_around_the_match():
    text = "lorem ipsum " * 500 + "the worker buy-out of the factory " + "dolor sit " * 500
    segments = excerpt(text, ["buy"], width=120)
    joined = "".join(t for t, _m in segments)
    assert segments[0] == ("…", False) and segments[-1] == ("…", False)
    assert ("buy-out", True) in segments and len(joined) < 140
    assert excerpt("x " * 2000, ["y"], width=50)[0][0].endswith("…")
    # many repeats: bounded, still marks within the window
    assert any(m for _t, m in excerpt("mot " * 20_000, ["mot"], width=60))


def test_excerpt_marks_compounds_as_the_index_finds_them():
    assert ("co-operative", True) in excerpt("A worker co-operative of Lyon", ["cooperative"])
    assert ("operative", True) in excerpt("A worker co-operative of Lyon", ["operat"])  # a part


def test_excerpt_keeps_positions_where_folding_changes_lengths():
    text = "Le cœur de l'œuvre: la Straße İstanbul et la COOPÉRATIVE"
    segments = excerpt(text, ["cooperative", "oeuvre", "strasse"])
    assert ("COOPÉRATIVE", True) in segments
    assert "".join(t for t, _m in segments) == text


def test_the_index_is_wired_and_the_system_check_names_a_missing_trigger(db):
    from django.db import connection

    from cicopa.knowledge.checks import search_index_check

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE tbl_name = 'knowledge_libraryentry' AND type = 'trigger'"
            )
            expected = {f"knowledge_libraryentry_fts_{s}" for s in ("ai", "ad", "au")}
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'knowledge_libraryentry'")
            expected = {"knowledge_libraryentry_search", "knowledge_libraryentry_search_tags"}
        assert expected <= {row[0] for row in cursor.fetchall()}
    assert search_index_check(None, databases=["default"]) == []
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER knowledge_libraryentry_fts_au")
    errors = search_index_check(None, databases=["default"])
    assert [e.id for e in errors] == ["knowledge.E001"] and "knowledge_libraryentry_fts_au" in errors[0].msg


def test_excerpt_of_a_pdfs_text_joins_its_broken_lines():
    text = "\n  Annual report\n\nThe worker\nco-operative   grew.\n"
    assert excerpt(text, ["cooperative"]) == [
        ("Annual report The worker ", False),
        ("co-operative", True),
        (" grew.", False),
    ]
    assert excerpt("\n\n  Nothing  here\n", ["zebra"]) == [("Nothing here", False)]
