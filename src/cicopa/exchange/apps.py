from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "cicopa.exchange"
    label = "exchange"
    verbose_name = _("Exchange")
    robots_disallow = ("exchange/enquiries/", "exchange/orders/", "exchange/invoices/", "exchange/matches/")

    def load_demo(self, progress: Callable[[str], None]) -> None:
        from cicopa.exchange import demo

        demo.load_demo(progress=progress)

    def api_router(self) -> Any:
        from cicopa.exchange.api import router

        return router
