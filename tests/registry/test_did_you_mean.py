"""A directory search that finds nothing offers the closest spelling that would find something."""

from __future__ import annotations

import re

from cicopa.registry import directory_queries, spelling


def _suggestion(html):
    found = re.search(r'<p class="did-you-mean">(.*?)</p>', html, re.S)
    return re.sub(r"\s+", " ", found.group(1)).strip() if found else None


def test_distance_counts_edits_and_swaps():
    assert spelling.distance("lyon", "lyon") == 0
    assert spelling.distance("lyno", "lyon") == 1  # two letters swapped
    assert spelling.distance("madird", "madrid") == 1
    assert spelling.distance("bakry", "bakery") == 1
    assert spelling.distance("kitten", "sitting") == 3


def test_the_closest_word_prefers_whole_words_then_the_commonest():
    words = {"lyon": 3, "lyngby": 9, "lyons": 1}
    assert spelling.closest("lyno", words) == "lyon"
    assert spelling.closest("zzyzx", words) is None
    assert spelling.closest("menuisier", {"menuiserie": 2}) == "menuiserie"  # a misspelt beginning of a word
    assert spelling.closest("ly", words) is None  # too short to guess from


def test_a_misspelt_town_is_corrected(client, federation):
    html = client.get("/", {"q": "lyno"}).content.decode()
    assert "No organisation matches" in html
    assert _suggestion(html) == 'Did you mean <a href="?q=lyon">lyon</a>?'


def test_each_misspelt_word_is_corrected_and_the_others_kept(client, federation):
    html = client.get("/directory/", {"q": "Menuisier lyno", "sort": "name"}).content.decode()
    assert _suggestion(html) == 'Did you mean <a href="?q=menuiserie+lyon&amp;sort=name">menuiserie lyon</a>?'


def test_no_suggestion_that_would_find_nothing_either(client, federation):
    assert _suggestion(client.get("/", {"q": "zzyzx"}).content.decode()) is None
    # Lyon has results, but none in Spain
    assert _suggestion(client.get("/", {"q": "lyno", "country": "ES"}).content.decode()) is None
    # every word is spelt right: the words together find nothing, and no spelling helps
    assert _suggestion(client.get("/", {"q": "lyon madrid"}).content.decode()) is None


def test_no_suggestion_when_there_are_results(client, federation):
    assert _suggestion(client.get("/", {"q": "lyon"}).content.decode()) is None


def test_the_suggestion_costs_a_bounded_number_of_queries(federation, django_assert_max_num_queries):
    filters = directory_queries.parse_filters({"q": "menuisier lyno madird"})
    # per word: does it occur, its neighbours (three prefixes), how common the nearest are (three); the check
    with django_assert_max_num_queries(3 * 7 + 1):
        assert directory_queries.spelling_suggestion(filters) is None  # Madrid and Lyon: no organisation is in both
    assert directory_queries.spelling_suggestion(directory_queries.parse_filters({"q": "madird"})) == "madrid"


def test_of_words_as_near_the_commoner_in_the_directory_is_suggested(federation, alice):
    from cicopa.registry import services

    for name in ("Lynn Bakery", "Lynn Printing"):  # two with "lynn"; three with "lyon", with the fixture
        services.organisation_create(actor=alice, data={"name": name, "country": federation["menuiserie"].country})
    services.organisation_create(actor=alice, data={"name": "Lyon Taxis", "country": federation["menuiserie"].country})
    services.organisation_create(actor=alice, data={"name": "Taxis de Lyon", "city": "Lyon"})
    assert spelling.nearest("lyno", {"lynn": 2, "lyon": 1}) == ["lynn", "lyon"]  # the sample's counts alone
    assert (
        directory_queries.spelling_suggestion(directory_queries.parse_filters({"q": "lyno"})) == "lyon"
    )  # the directory's
