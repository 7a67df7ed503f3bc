"""Browser tests: Playwright drives the system Chromium; every page visited is checked with axe-core."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CICOPA_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium is required for browser tests but was not found at {CHROMIUM}")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A page on the live server. Nothing may come from anywhere else (no CDN, no tile server, no fonts):
    such requests are refused, and the test fails at its end if there was any. Nor may anything break the
    Content-Security-Policy: Chromium refuses it (an inline script or style would silently not work) and
    says so on the console, which fails the test at its end too."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    elsewhere: list[str] = []
    refused: list[str] = []

    def outside(route):
        elsewhere.append(route.request.url)
        route.abort()

    def console(message):
        if "Content Security Policy" in message.text:
            refused.append(f"{message.text} ({message.location.get('url')})")

    context.route(lambda url: not url.startswith(live_server.url) and not url.startswith("data:"), outside)
    page = context.new_page()
    page.on("console", console)
    yield page
    context.close()
    assert not elsewhere, f"requests outside the platform: {elsewhere[:5]}"
    assert not refused, "Content-Security-Policy violations:\n" + "\n".join(refused[:5])


@pytest.fixture
def accessible():
    """Call with a page: fails on any WCAG 2.2 A/AA violation axe-core finds there."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        page.wait_for_load_state("load")  # after a click, the next page's styles must be in before judging it
        results = axe.run(
            page,
            options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}},
        )
        violations = results.response["violations"]
        report = "\n".join(f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in violations)
        assert not violations, f"accessibility violations on {page.url}:\n{report}"

    return check


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Browser tests run on a live server with a real transaction, after which the tables are emptied."""
    from reference import restore_reference_data

    restore_reference_data()


@pytest.fixture
def look():
    """Call with a page and a name: with CICOPA_SCREENSHOTS set to a folder, a full-page screenshot of it is kept
    there as NAME.png, to look at every page a change makes or alters; otherwise nothing."""
    folder = os.environ.get("CICOPA_SCREENSHOTS")

    def shoot(page, name):
        if folder:
            os.makedirs(folder, exist_ok=True)
            page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)

    return shoot
