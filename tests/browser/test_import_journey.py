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
    # The import runs in the background (here at once, tasks being run in the request that enqueues them); its
    # page says how it ended where a reader looks first: its heading and its title.
    expect(page).to_have_url(re.compile(r"/import/tasks/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("status").filter(has_text="Done:")).to_contain_text("Done: 10 organisations created")
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


def test_secretariat_maps_own_headers_fixes_a_country_imports_and_undoes(page, accessible, look, alice, tmp_path):
    """A spreadsheet with the secretariat's own headers: one column read differently from the proposal, an
    unknown country replaced by the one suggested, the import found in the history and undone."""
    from cicopa.registry.models import Organisation
    from craft import xlsx

    sheet = tmp_path / "adherents.xlsx"
    sheet.write_bytes(
        xlsx(
            [
                ["Nom", "Pays", "Ville", "Contact", "Activité"],
                ["Scop Rhône Bois", "France", "Lyon", "bois@scop.coop", "Construction"],
                ["Coopérative des Artisans de Kigali", "Rawanda", "Kigali", "artisans@kigali.coop", "Artisanat"],
            ]
        )
    )
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("alice-password-1")
    page.get_by_role("button", name="Log in").click()
    page.goto("/import/")
    page.get_by_label(re.compile("CSV or XLSX file")).set_input_files(str(sheet))
    page.locator("select[name=format]").select_option("columns")
    page.get_by_role("button", name="Check the file").click()
    # The columns, a sample of each, and what each is read as: "Contact" is not proposed; the person chooses.
    expect(page.get_by_role("heading", level=1)).to_have_text("Read the columns of the file")
    expect(page.get_by_label("Read “Nom” as")).to_have_value("name")
    expect(page.get_by_label("Read “Contact” as")).to_have_value("")
    expect(page.locator("main")).to_contain_text("artisans@kigali.coop")
    accessible(page)
    look(page, "import-columns")
    page.get_by_label("Read “Contact” as").select_option("email")
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("main")).to_contain_text("did you mean Rwanda?")
    accessible(page)
    look(page, "import-country")
    page.get_by_role("button", name="Use Rwanda for this row").click()
    expect(page.locator("main")).to_contain_text("The file is ready to import")
    expect(page.locator("main")).to_contain_text("read as Rwanda, as chosen on the import page")
    accessible(page)
    look(page, "import-ready")
    page.get_by_role("button", name=re.compile("^Import")).click()
    expect(page.get_by_role("status").filter(has_text="Done:")).to_contain_text("Done: 2 organisations created")
    assert Organisation.objects.get(city="Kigali").country_id == "RW"
    assert Organisation.objects.get(city="Lyon").email == "bois@scop.coop"
    # The import in the history, its report, and undoing it.
    page.goto("/import/")
    page.get_by_role("link", name="Past imports, their reports, and undoing one").click()
    expect(page.locator("main")).to_contain_text("adherents.xlsx")
    accessible(page)
    look(page, "import-history")
    page.get_by_role("link", name=re.compile("Report")).first.click()
    expect(page.locator("main")).to_contain_text("Contact")
    accessible(page)
    look(page, "import-report")
    page.get_by_role("link", name="Undo this import").click()
    expect(page.locator("main")).to_contain_text("2 organisations it created will be removed.")
    accessible(page)
    look(page, "import-undo")
    assert Organisation.objects.count() == 2  # asking changes nothing
    page.get_by_role("button", name="Undo the import").click()
    expect(page.locator("main")).to_contain_text("The import was undone: 2 organisations removed")
    expect(page.locator("main")).to_contain_text("Undone on")
    accessible(page)
    assert Organisation.objects.count() == 0


def test_the_page_of_a_running_import_shows_its_end_without_being_reloaded(page, accessible, look, alice):
    """While the import runs in a worker the page shows its progress; when it ends, the page's heading and title
    say how, without the reader reloading it."""
    from django.utils import timezone

    from cicopa.core.models import TaskProgress

    followed = TaskProgress.objects.create(
        owner=alice, title="Import of orgs.csv", status="running", done=10, total=20, message="10 rows checked"
    )
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("alice-password-1")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/import/tasks/{followed.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importing organisations")
    expect(page).to_have_title("Importing organisations · CICOPA")
    expect(page.locator("progress")).to_have_attribute("value", "10")
    accessible(page)
    look(page, "import-running")
    TaskProgress.objects.filter(pk=followed.pk).update(
        status="done",
        done=20,
        message="Done: 10 organisations created, 0 updated, 0 already up to date.",
        result_url="/import/history/",
        finished_at=timezone.now(),
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations imported")
    expect(page).to_have_title("Organisations imported · CICOPA")
    expect(page.get_by_role("status").filter(has_text="Done:")).to_contain_text("Done: 10 organisations created")
    expect(page.get_by_role("link", name="See this import among past imports")).to_be_visible()
    accessible(page)
    look(page, "import-done")
