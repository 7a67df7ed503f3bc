from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def create_cache_tables(using: str, **kwargs: Any) -> None:
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "cicopa.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from cicopa.core import (
            checks,  # noqa: F401  (registers the system checks)
            pagecache,
            reference_cache,
        )

        post_migrate.connect(create_cache_tables, sender=self)
        post_migrate.connect(pagecache.migrated, sender=self)
        post_migrate.connect(reference_cache.migrated, sender=self)
        # A write that goes past the services (which record every write, and so bump) still makes cached
        # public pages stale.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(pagecache.model_written, dispatch_uid=f"cicopa.pagecache.{id(signal)}")
        # What each process keeps of the reference data is made again after it changes.
        for model in reference_cache.reference_models():
            for signal in (post_save, post_delete):
                signal.connect(
                    reference_cache.model_written, sender=model, dispatch_uid=f"cicopa.reference_cache.{id(signal)}"
                )

    def daily_tasks(self) -> list[Any]:
        from django.conf import settings

        from cicopa.core import tasks
        from cicopa.core.extensions import DailyTask

        return [DailyTask("core.send_digests", tasks.send_digests, hour=settings.CICOPA_DIGEST_HOUR)]

    def nav_items(self) -> list[Any]:
        from cicopa.core.extensions import NavItem, secretariat

        return [
            NavItem(_("API docs"), "api:openapi-view", order=90, url="/api/v1/docs"),
            NavItem(_("Back office"), "admin:index", order=99, audience=secretariat),
        ]

    def account_panels(self) -> list[Any]:
        from cicopa.core.extensions import AccountPanel
        from cicopa.core.views import preferences_panel

        return [AccountPanel("core/_account_preferences.html", preferences_panel, order=50)]

    def api_router(self) -> Any:
        from cicopa.core.api import router

        return router
