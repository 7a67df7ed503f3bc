"""robots.txt and the sitemap: what crawlers may read, and every page worth reading, at CICOPA_SITE_URL."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def _locs(response, tag="url"):
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return [e.findtext("s:loc", namespaces=NS) for e in root.findall(f"s:{tag}", NS)]


def test_robots_names_the_sitemap_and_keeps_crawlers_out_of_private_and_endless_pages(client, db):
    r = client.get("/robots.txt")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/plain")
    lines = r.content.decode().splitlines()
    assert "Sitemap: https://cicopa.test/sitemap.xml" in lines
    for path in ("/admin/", "/fr/admin/", "/es/accounts/", "/import/", "/directory/export.", "/api/", "/*?"):
        assert f"Disallow: {path}" in lines, path
    assert "Allow: /api/v1/docs" in lines and "Allow: /sitemap-" in lines
    assert "Disallow: /organisations/" not in lines and "Disallow: /" not in lines


def test_the_sitemap_index_lists_every_section_at_the_site_url(client, federation):
    # asked through another host name, it still gives the public addresses
    locs = _locs(client.get("/sitemap.xml", HTTP_HOST="localhost"), "sitemap")
    assert "https://cicopa.test/sitemap-pages.xml" in locs
    assert "https://cicopa.test/sitemap-organisations.xml" in locs
    assert "https://cicopa.test/sitemap-statistics.xml" in locs


def test_the_pages_of_the_site_in_every_language(client, db):
    r = client.get("/sitemap-pages.xml")
    locs = _locs(r)
    for path in ("/", "/members/", "/about/", "/privacy/", "/fr/about/", "/es/members/"):
        assert f"https://cicopa.test{path}" in locs, path
    assert 'hreflang="fr" href="https://cicopa.test/fr/about/"' in r.content.decode()
    assert "https://cicopa.test/statistics/" in _locs(client.get("/sitemap-statistics.xml"))


def test_every_organisation_has_its_profile_in_the_sitemap(client, federation, alice):
    from cicopa.registry import services

    services.organisation_update(actor=alice, organisation=federation["taxi"], data={"status": "dissolved"})
    r = client.get("/sitemap-organisations.xml")
    locs = _locs(r)
    slugs = {"international-co-operative-alliance", "cicopa", "cg-scop", "coceta", "menuiserie", "taxis-madrid"}
    assert {f"https://cicopa.test/organisations/{slug}/" for slug in slugs} == set(locs)
    assert re.search(r"<lastmod>\d{4}-\d\d-\d\d</lastmod>", r.content.decode())
    assert r.has_header("Last-Modified")


def test_a_million_profiles_come_in_pages_of_bounded_cost(client, federation, django_assert_max_num_queries):
    from cicopa.registry import demo
    from cicopa.registry.sitemaps import OrganisationSitemap

    demo.generate_cooperatives(OrganisationSitemap.limit, federations=[federation["cgscop"]])  # one page more
    index = _locs(client.get("/sitemap.xml"), "sitemap")
    assert "https://cicopa.test/sitemap-organisations.xml?p=2" in index
    assert "https://cicopa.test/sitemap-organisations.xml?p=3" not in index
    with django_assert_max_num_queries(2):  # the count, and the page
        second = _locs(client.get("/sitemap-organisations.xml", {"p": 2}))
    assert len(second) == 6  # the last six of limit + 6
    assert client.get("/sitemap-organisations.xml", {"p": 3}).status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404
