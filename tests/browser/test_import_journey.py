"""The secretariat imports an ESSGlobal file from the page: preview, then the import with its progress."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "essglobal-sample.csv"


def test_secretariat_imports_with_preview_and_progress(page, accessible, federation, alice):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("alice-password-1")
    page.get_by_role("button", name="Log in").click()
    page.goto("/import/")
    accessible(page)
    page.get_by_label(re.compile("CSV or XLSX file")).set_input_files(str(FIXTURE))
    page.locator("select[name=format]").select_option("essglobal")
    page.get_by_role("button", name=re.compile("Check|Preview|Upload", re.I)).first.click()
    expect(page.locator("main")).to_contain_text("10")
    accessible(page)
    page.get_by_role("button", name=re.compile("^Import")).click()
    expect(page.locator(".import-result")).to_contain_text("Done: 10 organisations created")
    # Done, the page says so where a reader looks first: its heading and its title.
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations imported")
    expect(page).to_have_title("Organisations imported · CICOPA")
    accessible(page)
    page.get_by_role("link", name="See them in the directory").click()
    expect(page.locator("#results")).to_contain_text("Brixton Cycles")
    # The history of an imported organisation reads in plain words.
    page.get_by_role("link", name="Brixton Cycles").first.click()
    page.get_by_role("link", name="History of changes").click()
    expect(page.locator("main")).to_contain_text("Imported from a file")
    expect(page.locator("main")).to_contain_text("Identifier in the imported file")
    accessible(page)
