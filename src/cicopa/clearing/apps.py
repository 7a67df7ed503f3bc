from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClearingConfig(AppConfig):
    """Multilateral set-off of obligations between co-operatives. For now the engine (engine.py, no Django) and
    `cicopa clearing solve`, which clears a CSV file of obligations without the database."""

    name = "cicopa.clearing"
    label = "clearing"
    verbose_name = _("Clearing")
