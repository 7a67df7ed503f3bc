"""Atom feeds of what is newly published in the library, for the whole library and per topic, in the language of
the address they are read at (/fr/library/feed.atom is in French): titles and summaries in that language where
the item has it, else in the original."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from cicopa.knowledge import library
from cicopa.knowledge.models import LibraryEntry, LibraryKind, Topic

Item = tuple[LibraryEntry, library.Card]
SIZE = 30


class LibraryFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Topic | None:
        return None

    def title(self, obj: Topic | None) -> str:
        return _("CICOPA library: newly published")

    def subtitle(self, obj: Topic | None) -> str:
        return _("Experiences of co-operatives, studies, answered questions and recommendations.")

    def link(self, obj: Topic | None) -> str:
        return reverse("knowledge:library")

    def items(self, obj: Topic | None) -> list[Item]:
        return library.newest(topic=obj.code if obj else None, limit=SIZE)

    def item_title(self, item: Item) -> str:
        return f"{LibraryKind(item[0].kind).label}: {item[1].title}"

    def item_description(self, item: Item) -> str:
        return item[1].summary

    def item_link(self, item: Item) -> str:
        return item[1].url

    def item_guid(self, item: Item) -> str:
        return f"tag:cicopa,library:{item[0].kind}/{item[0].object_id}"

    def item_guid_is_permalink(self, item: Item) -> bool:
        return False

    def item_pubdate(self, item: Item) -> datetime.datetime:
        return item[0].published_at

    def item_updateddate(self, item: Item) -> datetime.datetime:
        return item[0].published_at

    def item_categories(self, item: Item) -> list[str]:
        return item[0].topics.split()


class TopicFeed(LibraryFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Topic | None:
        return Topic.objects.get(code=kwargs["topic"])  # none: DoesNotExist, which Feed answers with a 404

    def title(self, obj: Topic | None) -> str:
        return _("CICOPA library: newly published in %(topic)s") % {"topic": obj.name if obj else ""}

    def link(self, obj: Topic | None) -> str:
        return reverse("knowledge:library") + (f"?topic={obj.code}" if obj else "")
