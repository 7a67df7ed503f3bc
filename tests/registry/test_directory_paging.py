"""A page of the directory past the end of its results says so, keeps the search, and links to the last page."""

from __future__ import annotations

import re

COULD_NOT_BE_USED = "could not be used, so all organisations are shown"


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _cards(html):
    return re.findall(r'<li class="result-card', html)


def test_a_page_past_the_best_matches_names_the_last_page_and_keeps_the_search(client, federation, settings):
    settings.CICOPA_SEARCH_RANK_LIMIT = 2
    html = client.get("/directory/", {"q": "coop", "page_size": 1, "page": 101}).content.decode()
    assert COULD_NOT_BE_USED not in html
    assert "There is no page 101: the results end at page 2." in _text(html)
    assert 'href="?q=coop&amp;page_size=1&amp;page=2"' in html
    assert not _cards(html)  # not the first page passed off as page 101
    assert 'value="coop"' in html


def test_a_page_past_a_short_search_names_its_true_last_page(client, federation):
    # Three matches, well within the ranking: the pages end at 1, not where the ranking would.
    html = client.get("/", {"q": "coop", "page": 101}).content.decode()
    assert COULD_NOT_BE_USED not in html
    assert "There is no page 101: the results end at page 1." in _text(html)
    assert 'href="?q=coop&amp;page=1"' in html


def test_a_page_past_the_end_of_a_filtered_list_says_so_too(client, federation):
    html = client.get("/directory/", {"country": "FR", "page": 7}).content.decode()
    assert "There is no page 7: the results end at page 1." in _text(html)
    assert COULD_NOT_BE_USED not in html


def test_a_page_past_nothing_found_is_just_nothing_found(client, federation):
    html = client.get("/directory/", {"q": "zzyzx", "page": 3}).content.decode()
    assert "There is no page" not in html and "No organisation matches" in html


def test_a_bad_page_number_keeps_the_filters(client, federation):
    for bad in ("abc", "0", "1000001"):
        html = client.get("/directory/", {"q": "madrid", "page": bad}).content.decode()
        assert COULD_NOT_BE_USED not in html, bad
        assert "The page in the address could not be used, so the first page is shown" in _text(html), bad
        assert "Coopérativa de Taxis Madrid" in html and "Menuiserie" not in html, bad


def test_the_api_names_the_true_last_page_past_the_ranking(client, federation, settings):
    settings.CICOPA_SEARCH_RANK_LIMIT = 2
    r = client.get("/api/v1/organisations", {"q": "coop", "page_size": 1, "page": 101})
    assert r.status_code == 422 and "up to page 2" in r.json()["detail"]["page"][0]
    settings.CICOPA_SEARCH_RANK_LIMIT = 5  # more than the three matches: they end at page 3, not 5
    r = client.get("/api/v1/organisations", {"q": "coop", "page_size": 1, "page": 101})
    assert r.status_code == 422 and "up to page 3" in r.json()["detail"]["page"][0]


def test_past_the_end_of_results_too_many_to_count_claims_no_last_page(client, federation, settings):
    settings.CICOPA_SEARCH_COUNT_LIMIT = 2
    html = client.get("/directory/", {"status": "all", "page_size": 1, "page": 50}).content.decode()
    assert "There is no page 50: the results end before it." in _text(html)
    assert "More than 2 organisations" in _text(html)
