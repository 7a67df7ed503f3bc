from collections.abc import Callable

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "cicopa.statistics"
    label = "statistics"
    verbose_name = _("Statistics")

    def load_demo(self, progress: Callable[[str], None]) -> None:
        from cicopa.statistics import demo

        demo.load_demo(progress=progress)
