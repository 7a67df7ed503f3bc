"""An officer manages the federation's members and officers from the profile."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_manages_members_and_officers(page, accessible, federation, alice, mailoutbox):
    from cicopa.registry import services

    services.organisation_create(actor=alice, data={"name": "Imprimerie Coopérative de Grenoble"})
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("bob-password-1")
    page.get_by_role("button", name="Log in").click()

    page.goto("/organisations/cg-scop/")
    page.get_by_role("link", name="Manage members").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Members of"))
    accessible(page)

    # Suspend a member, with a note for the record.
    page.locator("summary", has_text="change status").first.click()
    page.get_by_label("New status").first.select_option("suspended")
    page.get_by_label("Note").first.fill("Dues for 2026 unpaid")
    page.get_by_role("button", name="Change status").first.click()
    expect(page.get_by_role("status")).to_contain_text("is now suspended")
    expect(page.locator("table")).to_contain_text("Suspended")
    page.locator("summary", has_text="change status").first.click()
    expect(page.locator("table")).to_contain_text("Dues for 2026 unpaid")
    accessible(page)

    # Find a co-operative already in the directory and add it.
    page.get_by_label("Find an organisation already in the directory").fill("imprimerie")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("aside")).to_contain_text("Imprimerie Coopérative de Grenoble")
    accessible(page)
    page.get_by_role("button", name=re.compile("Add.*Imprimerie")).click()
    expect(page.get_by_role("status")).to_contain_text("was added to the members")
    expect(page.locator("table")).to_contain_text("Imprimerie Coopérative de Grenoble")

    # Record an officer, then end a term.
    page.goto("/organisations/cg-scop/")
    page.get_by_role("link", name="Manage officers").click()
    accessible(page)
    page.get_by_role("combobox", name=re.compile("^Office")).select_option("treasurer")
    page.get_by_role("textbox", name=re.compile("^Full name")).fill("Inès Moreau")
    page.get_by_role("button", name="Record the officer").click()
    expect(page.get_by_role("status")).to_contain_text("Inès Moreau was recorded as an officer")
    page.locator("summary", has_text="Correct the details").first.click()
    accessible(page)
    page.get_by_role("textbox", name="Title or position").first.fill("Trésorière nationale")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("status")).to_contain_text("were saved")
    page.get_by_role("button", name=re.compile("End.*Inès Moreau")).click()
    expect(page.get_by_role("status")).to_contain_text("The term of Inès Moreau as treasurer ends on")
    accessible(page)

    # Give the co-operative's manager access to its profile.
    page.goto("/organisations/menuiserie/")
    page.get_by_role("link", name="Who can edit").click()
    accessible(page)
    page.get_by_role("textbox", name=re.compile("^E-mail address")).fill("gerante@menuiserie.example")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("An invitation is on its way to gerante@menuiserie.example")
    expect(page.get_by_role("table", name="Invitations")).to_contain_text("Waiting for an answer")
    accessible(page)

    # The manager opens the e-mail's link, chooses a password and can edit the profile.
    link = re.search(r"https?://\S+(/invitations/\S+/)", mailoutbox[-1].body)[1]
    page.context.clear_cookies()
    page.goto(link)
    accessible(page)
    page.get_by_label("Choose a password").fill("a-long-pass-phrase-9")
    page.get_by_label("The same password again").fill("a-long-pass-phrase-9")
    page.get_by_role("button", name="Accept and open my account").click()
    expect(page.get_by_role("status")).to_contain_text("You can now act for Menuiserie Coopérative de Lyon")
    expect(page.get_by_role("link", name="Edit")).to_be_visible()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("bob-password-1")
    page.get_by_role("button", name="Log in").click()

    response = page.goto("/organisations/coceta/members/")
    assert response.status == 403
