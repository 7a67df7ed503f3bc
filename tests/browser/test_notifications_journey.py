"""A person reads their notifications from the header, marks them read, chooses how to hear of them, and
follows a long task as it ends."""

import os
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    """Screenshots for a person to look at, when CICOPA_SCREENSHOT_DIR says where."""
    if folder := os.environ.get("CICOPA_SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_notifications_settings_and_a_followed_task(page, accessible, dave):
    from django.utils import timezone

    from cicopa.core import notifications
    from cicopa.core.models import TaskProgress

    for subject, body in [
        ("Your return for 2025 was validated", "The secretariat validated the return of CG Scop for 2025."),
        ("New enquiry about joinery", "Menuiserie Coopérative de Lyon asks about your offer of oak doors."),
        ("Invitation accepted", "Inès Moreau can now edit Menuiserie Coopérative de Lyon."),
    ]:
        notifications.notify(
            user=dave,
            kind="core.test",
            subject=subject,
            body_template="core/email/plain.txt",
            context={"text": body},
            url="/members/",
        )

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("dave")
    page.get_by_label("Password").fill("dave-password-1")
    page.get_by_role("button", name="Log in").click()
    header = page.get_by_role("navigation", name="Account")
    expect(header.get_by_role("link", name="Notifications 3 unread")).to_be_visible()
    header.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.locator(".notification-subject").first).to_contain_text("Invitation accepted")  # newest first
    accessible(page)
    shot(page, "notifications")

    page.get_by_role("button", name=re.compile("^Mark as read.*New enquiry about joinery")).click()
    expect(page.get_by_role("status")).to_contain_text("is marked as read")
    expect(header.get_by_role("link", name="Notifications 2 unread")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Mark as read"))).to_have_count(2)
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("status")).to_contain_text("2 notifications are marked as read.")
    expect(header.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    accessible(page)

    # How to hear of them: in Spanish, once a day.
    page.goto("/accounts/")
    page.get_by_label("Language of your e-mails").select_option(label="Español")
    page.get_by_label("One e-mail a day with the unread notifications").check()
    page.get_by_role("button", name="Save these settings").click()
    expect(page.get_by_role("status")).to_contain_text("Your settings were saved.")
    expect(page.get_by_label("Language of your e-mails")).to_have_value("es")
    accessible(page)
    shot(page, "account")

    # A long task: the page follows it and shows the end without being reloaded.
    followed = TaskProgress.objects.create(
        owner=dave, title="Import of cooperatives.csv", status="running", done=1200, total=3000, message="Writing rows"
    )
    page.goto(followed.get_absolute_url())
    expect(page.locator("progress")).to_have_attribute("value", "1200")
    accessible(page)
    shot(page, "task-running")
    TaskProgress.objects.filter(pk=followed.pk).update(
        status="done", done=3000, message="3,000 organisations imported.", result_url="/", finished_at=timezone.now()
    )
    expect(page.get_by_role("status").filter(has_text="Done.")).to_contain_text("3,000 organisations imported.")
    expect(page.get_by_role("link", name="See the result")).to_be_visible()
    accessible(page)
    shot(page, "task-done")
