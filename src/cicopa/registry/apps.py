from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "cicopa.registry"
    label = "registry"
    verbose_name = _("Registry")
    imports = {"organisations": "import_organisations"}
    robots_disallow = ("import/", "directory/export.", "directory/facets/", "directory/map.svg", "invitations/")

    def load_demo(self, progress: Callable[[str], None]) -> None:
        from cicopa.registry import demo

        demo.load_demo(progress=progress)

    def ready(self) -> None:
        from cicopa.registry import checks  # noqa: F401  (registers the system checks)

    def nav_items(self) -> list[Any]:
        from cicopa.core.extensions import NavItem, secretariat

        return [
            NavItem(_("Directory"), "registry:directory", order=10, aliases=("registry:home",)),
            NavItem(_("Member organisations"), "registry:members", order=20),
            NavItem(_("Import"), "registry:import", order=95, audience=secretariat),
        ]

    def account_panels(self) -> list[Any]:
        from cicopa.core.extensions import AccountPanel
        from cicopa.registry.views import account_panel

        return [AccountPanel("registry/_account_organisations.html", account_panel, order=10)]

    def sitemaps(self) -> dict[str, Any]:
        from cicopa.registry.sitemaps import sections

        return sections()

    def api_router(self) -> Any:
        from cicopa.registry.api import router

        return router
