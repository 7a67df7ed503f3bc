"""The API's interactive documentation works offline: its Swagger UI comes from the platform itself."""

from __future__ import annotations


def test_api_docs_render_without_the_internet(page, accessible):
    page.goto("/api/v1/")
    assert page.url.endswith("/api/v1/docs")
    page.get_by_text("Search the directory").first.wait_for()
    page.get_by_text("/api/v1/organisations/{slug}/murmurations").first.wait_for()
    accessible(page)
    # an operation opened, tried out against the live server
    page.get_by_text("Search the directory").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_placeholder("q").fill("joinery")
    page.get_by_role("button", name="Execute").click()
    page.get_by_text('"results"').first.wait_for()
    accessible(page)


def test_api_docs_lead_back_to_the_site(page, accessible):
    page.goto("/api/v1/docs")
    page.get_by_text("Search the directory").first.wait_for()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    page.get_by_role("heading", name="Directory of organisations").wait_for()
    accessible(page)
