from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClearingConfig(AppConfig):
    """Multilateral set-off of invoices between co-operatives: the engine (engine.py, no Django), the clearing
    house (participation, cycles, statements) and `cicopa clearing solve|run`. Its pages are reached from the
    account page (the header's navigation has no room left), from notifications and from statements' links."""

    name = "cicopa.clearing"
    label = "clearing"
    verbose_name = _("Clearing")

    def load_demo(self, progress: Callable[[str], None]) -> None:
        from cicopa.clearing import demo

        demo.load_demo(progress=progress)

    def api_router(self) -> Any:
        from cicopa.clearing.api import router

        return router

    def account_panels(self) -> list[Any]:
        from cicopa.clearing.views import account_panel
        from cicopa.core.extensions import AccountPanel

        return [AccountPanel("clearing/_account_clearing.html", account_panel, order=25)]
