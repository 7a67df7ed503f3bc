from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "cicopa.exchange"
    label = "exchange"
    verbose_name = _("Exchange")
    imports = {"invoices": "import_invoices"}
    robots_disallow = ("exchange/enquiries/", "exchange/orders/", "exchange/invoices/", "exchange/matches/")

    def load_demo(self, progress: Callable[[str], None]) -> None:
        from cicopa.exchange import demo

        demo.load_demo(progress=progress)

    def daily_tasks(self) -> list[Any]:
        from cicopa.core.extensions import DailyTask
        from cicopa.exchange import tasks

        return [DailyTask("exchange.expire_listings", tasks.expire_listings, hour=0)]

    def api_router(self) -> Any:
        from cicopa.exchange.api import router

        return router
