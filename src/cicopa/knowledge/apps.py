from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The library's pages, under its navigation link (aria-current="true" there).
PAGES = (
    "knowledge:experience",
    "knowledge:experience_new",
    "knowledge:experience_edit",
    "knowledge:my_experiences",
    "knowledge:review",
)


class KnowledgeConfig(AppConfig):
    name = "cicopa.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge library")
    robots_disallow = ("library/mine/", "library/review/")

    def load_demo(self, progress: Callable[[str], None]) -> None:
        from cicopa.knowledge import demo

        demo.load_demo(progress=progress)

    def api_router(self) -> Any:
        from cicopa.knowledge.api import router

        return router

    def nav_items(self) -> list[Any]:
        from cicopa.core.extensions import NavItem

        return [NavItem(_("Library"), "knowledge:library", order=30, also_current=PAGES)]

    def account_panels(self) -> list[Any]:
        from cicopa.core.extensions import AccountPanel
        from cicopa.knowledge.views import account_panel

        return [AccountPanel("knowledge/_account_knowledge.html", account_panel, order=30)]


# Questions and answers, under the library's link too.
PAGES += (  # type: ignore[assignment]
    "knowledge:questions",
    "knowledge:question",
    "knowledge:question_new",
    "knowledge:question_edit",
    "knowledge:answer_edit",
)
