from collections.abc import Callable

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "cicopa.registry"
    label = "registry"
    verbose_name = _("Registry")

    def load_demo(self, progress: Callable[[str], None]) -> None:
        from cicopa.registry import demo

        demo.load_demo(progress=progress)

    def ready(self) -> None:
        from cicopa.registry import checks  # noqa: F401  (registers the system checks)
