"""A capability app as small as can be, for the test that a new app edits no shared file: it contributes a link of
the main navigation, a panel of the account page, a section of organisations' profiles and an import subcommand
through its AppConfig alone."""

from typing import Any

from django.apps import AppConfig

from cicopa.core.extensions import AccountPanel, NavItem, ProfileSection, logged_in


class ExtensionAppConfig(AppConfig):
    name = "extension_app"
    label = "extension_app"
    imports = {"widgets": "import_widgets"}

    def nav_items(self) -> list[NavItem]:
        return [NavItem("Widgets", "widgets", order=35, url="/widgets/", audience=logged_in)]

    def account_panels(self) -> list[AccountPanel]:
        return [AccountPanel("extension_app/_panel.html", lambda request: {"count": 3}, order=5)]

    def profile_sections(self) -> list[ProfileSection]:
        return [ProfileSection("extension_app/_profile.html", widgets_of, order=5)]

    def load_demo(self, progress: Any) -> None:
        progress("widgets loaded")


def widgets_of(request: Any, organisation: Any) -> dict[str, Any] | None:
    """Co-operatives have widgets (federations none: their profile goes without the section)."""
    if organisation.kind != "cooperative":
        return None
    return {"name": organisation.name, "count": len(organisation.slug)}
