"""Steps every browser journey takes (importable from any test: tests/ is on the path)."""

from playwright.sync_api import expect


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page):
    page.locator("header form[action*='/logout/'] button").click()  # in whatever language the page is
    expect(page.locator("header form[action*='/logout/']")).to_have_count(0)
