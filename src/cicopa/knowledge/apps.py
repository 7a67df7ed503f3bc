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
    "knowledge:study",
    "knowledge:study_new",
    "knowledge:study_edit",
    "knowledge:my_studies",
    "knowledge:study_review",
    "knowledge:questions",
    "knowledge:question",
    "knowledge:question_new",
    "knowledge:question_edit",
    "knowledge:answer_edit",
    "knowledge:recommendations",
    "knowledge:recommendation",
    "knowledge:recommendation_new",
    "knowledge:recommendation_edit",
    "knowledge:recommendation_circulate",
    "knowledge:recommendation_adoption",
)


class KnowledgeConfig(AppConfig):
    name = "cicopa.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge library")
    robots_disallow = ("library/mine/", "library/review/")

    def ready(self) -> None:
        from cicopa.knowledge import checks  # noqa: F401  (registers the system checks)

    def load_demo(self, progress: Callable[[str], None]) -> None:
        from cicopa.knowledge import demo

        demo.load_demo(progress=progress)

    def api_router(self) -> Any:
        from cicopa.knowledge.api import router

        return router

    def nav_items(self) -> list[Any]:
        from cicopa.core.extensions import NavItem

        return [NavItem(_("Library"), "knowledge:library", order=30, also_current=PAGES)]

    def profile_sections(self) -> list[Any]:
        from cicopa.core.extensions import ProfileSection
        from cicopa.knowledge.views import profile_section

        return [ProfileSection("knowledge/_profile_experiences.html", profile_section, order=30)]

    def daily_tasks(self) -> list[Any]:
        from cicopa.core.extensions import DailyTask
        from cicopa.knowledge import recommendation_tasks

        return [DailyTask("knowledge.remind_recommendations", recommendation_tasks.remind_recommendations, hour=6)]

    def account_panels(self) -> list[Any]:
        from cicopa.core.extensions import AccountPanel
        from cicopa.knowledge.views import account_panel

        return [AccountPanel("knowledge/_account_knowledge.html", account_panel, order=30)]
