"""A profile prints from a button, and the printed page is the profile alone."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_profile_prints_from_its_button(page, accessible, federation):
    page.add_init_script("window.print = function () { window.__printed = (window.__printed || 0) + 1; };")
    page.goto("/organisations/menuiserie/")
    button = page.get_by_role("button", name="Print this profile")
    expect(button).to_be_visible()
    accessible(page)
    button.click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")  # on paper: neither the button nor the site's navigation
    expect(button).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
