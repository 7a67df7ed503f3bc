from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The exchange's pages, under its navigation link (aria-current="true" there).
PAGES = (
    "exchange:listing",
    "exchange:listing_new",
    "exchange:listing_edit",
    "exchange:my_listings",
    "exchange:matches",
    "exchange:enquiries",
    "exchange:enquiry",
    "exchange:orders",
    "exchange:order",
    "exchange:order_new",
    "exchange:invoices",
    "exchange:invoice",
    "exchange:invoice_new",
    "exchange:invoice_import",
    "exchange:trade",
)


class ExchangeConfig(AppConfig):
    name = "cicopa.exchange"
    label = "exchange"
    verbose_name = _("Exchange")
    imports = {"invoices": "import_invoices"}
    robots_disallow = ("exchange/enquiries/", "exchange/orders/", "exchange/invoices/", "exchange/matches/")

    def load_demo(self, progress: Callable[[str], None]) -> None:
        from cicopa.exchange import demo

        demo.load_demo(progress=progress)

    def ready(self) -> None:
        from cicopa.exchange import checks  # noqa: F401  (registers the system checks)

    def daily_tasks(self) -> list[Any]:
        from cicopa.core.extensions import DailyTask
        from cicopa.exchange import tasks

        return [DailyTask("exchange.expire_listings", tasks.expire_listings, hour=0)]

    def api_router(self) -> Any:
        from cicopa.exchange.api import router

        return router

    def nav_items(self) -> list[Any]:
        from cicopa.core.extensions import NavItem

        return [NavItem(_("Exchange"), "exchange:listings", order=25, also_current=PAGES)]

    def account_panels(self) -> list[Any]:
        from cicopa.core.extensions import AccountPanel
        from cicopa.exchange.listing_views import account_panel

        return [AccountPanel("exchange/_account_exchange.html", account_panel, order=20)]

    def profile_sections(self) -> list[Any]:
        from cicopa.core.extensions import ProfileSection
        from cicopa.exchange.listing_views import profile_section

        return [ProfileSection("exchange/_profile_listings.html", profile_section, order=20)]
