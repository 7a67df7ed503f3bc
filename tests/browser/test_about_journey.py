"""A visitor finds what the federation is and what is done with personal data, from the footer of any page."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_about_and_privacy_from_the_footer(page, accessible, federation):
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="About CICOPA").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About CICOPA")
    expect(page.locator("main")).to_contain_text("founded in 1947")
    accessible(page)
    page.get_by_role("contentinfo").get_by_role("link", name="Privacy notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    expect(page.get_by_role("heading", name="Whom to contact")).to_be_visible()
    accessible(page)
