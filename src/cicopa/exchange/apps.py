from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "cicopa.exchange"
    label = "exchange"
    verbose_name = _("Exchange")
    imports = {"invoices": "import_invoices"}
    robots_disallow = ("exchange/enquiries/", "exchange/orders/", "exchange/invoices/", "exchange/matches/")
