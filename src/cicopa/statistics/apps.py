from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "cicopa.statistics"
    label = "statistics"
    verbose_name = _("Statistics")
    imports = {"statistics": "import_statistics"}

    def load_demo(self, progress: Callable[[str], None]) -> None:
        from cicopa.statistics import demo

        demo.load_demo(progress=progress)

    def nav_items(self) -> list[Any]:
        from cicopa.core.extensions import NavItem, logged_in

        return [
            NavItem(_("Statistics"), "statistics:dashboard", order=30),
            NavItem(
                _("Returns"), "statistics:returns", order=40, audience=logged_in, also_current=("statistics:return",)
            ),
        ]

    def sitemaps(self) -> dict[str, Any]:
        from cicopa.core.sitemaps import PagesSitemap

        return {"statistics": PagesSitemap(["statistics:dashboard"])}

    def api_router(self) -> Any:
        from cicopa.statistics.api import router

        return router
