"""A new capability app contributes navigation, account panels, sections of profiles, import subcommands and demo
data from its AppConfig alone: no shared template, view or command names it."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from cicopa.core import extensions

WITH_APP = {"INSTALLED_APPS": [*settings.INSTALLED_APPS, "extension_app"]}


@override_settings(**WITH_APP)
def test_a_new_app_adds_a_navigation_link_an_account_panel_and_an_import(client, charlie):
    assert client.get("/").content.decode().count('href="/widgets/"') == 0  # for logged-in people only
    client.force_login(charlie)
    html = client.get("/").content.decode()
    assert '<a href="/widgets/">Widgets</a>' in html
    # in the order the apps ask for: after Statistics (30), before Returns (40)
    assert html.index(">Statistics<") < html.index(">Widgets<") < html.index(">Returns<")
    account = client.get("/accounts/").content.decode()
    assert "3 widgets" in account and account.index("Your widgets") < account.index("Organisations you act for")
    out = io.StringIO()
    call_command("import_data", "widgets", "stock.csv", "--colour", "green", stdout=out)
    assert out.getvalue().strip() == "widgets from stock.csv in green"


@override_settings(**WITH_APP)
def test_demo_loaders_and_imports_are_collected_from_the_apps():
    loaders = [config.label for config, _loader in extensions.contributions("load_demo")]
    assert loaders == ["registry", "statistics", "exchange", "clearing", "knowledge", "extension_app"]
    assert extensions.import_commands() == {
        "invoices": "import_invoices",
        "organisations": "import_organisations",
        "statistics": "import_statistics",
        "widgets": "import_widgets",
    }


@override_settings(**WITH_APP)
def test_a_new_app_adds_a_section_to_the_profiles_it_chooses(client, federation):
    html = client.get("/organisations/menuiserie/").content.decode()
    assert "Menuiserie Coopérative de Lyon makes 10 widgets." in html
    # in the profile's main column, after the key facts
    assert html.index('id="facts-heading"') < html.index('id="widgets-heading"') < html.index('class="profile-side"')
    assert 'id="widgets-heading"' not in client.get("/organisations/cg-scop/").content.decode()  # None: left out


def test_without_the_app_nothing_of_it_shows(client, charlie, federation):
    client.force_login(charlie)
    assert "/widgets/" not in client.get("/").content.decode()
    assert "widgets-heading" not in client.get("/organisations/menuiserie/").content.decode()
    from django.core.management.base import CommandError

    with pytest.raises(
        CommandError, match="Nothing imports widgets; choose one of: invoices, organisations, statistics"
    ):
        call_command("import_data", "widgets", "stock.csv")


def test_the_current_page_is_marked_in_the_navigation(client, charlie):
    html = client.get("/members/").content.decode()
    assert '<a href="/members/" aria-current="page">Member organisations</a>' in html
    client.force_login(charlie)
    assert (
        '<a href="/statistics/returns/" aria-current="page">Returns</a>'
        in client.get("/statistics/returns/").content.decode()
    )
