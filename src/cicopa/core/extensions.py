"""Extension points: what each capability app contributes to the shared pages and commands, so that adding an
app touches no shared file beyond its line in INSTALLED_APPS and its include in urls.py.

An app contributes by defining, on its AppConfig, any of:

- `nav_items() -> list[NavItem]`: links of the main navigation;
- `account_panels() -> list[AccountPanel]`: sections of the account page;
- `profile_sections() -> list[ProfileSection]`: sections of an organisation's public profile page;
- `imports: dict[str, str]`: `cicopa import <what>` subcommands, each the name of one of its management commands;
- `api_router() -> ninja.Router`: its part of the JSON API under /api/v1/;
- `load_demo(progress)`: its demo data, loaded by `cicopa demo` in the order of INSTALLED_APPS;
- `sitemaps() -> dict[str, Sitemap]`: its sections of /sitemap.xml, each at /sitemap-<name>.xml (core.sitemaps);
- `daily_tasks() -> list[DailyTask]`: background tasks that `cicopa worker` starts once a day from an hour;
- `robots_disallow: tuple[str, ...]`: paths (below each language prefix) that robots.txt keeps crawlers out of.

Contributions are read from the app registry each time they are needed (a handful of app configs), never cached
at import, so a test can install an app for its duration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse

from cicopa.core.roles import is_authenticated, is_secretariat

Audience = Callable[[Any], bool]


def everyone(user: Any) -> bool:
    return True


def logged_in(user: Any) -> bool:
    return is_authenticated(user)


def secretariat(user: Any) -> bool:
    return is_secretariat(user)


@dataclass(frozen=True)
class NavItem:
    label: Any  # a lazy translation
    url_name: str
    order: int = 100
    audience: Audience = everyone
    # Other names of the same page (aria-current="page"), and pages under it (aria-current="true").
    aliases: tuple[str, ...] = ()
    also_current: tuple[str, ...] = ()
    url: str = ""  # a fixed address instead of url_name (the API docs, outside the language prefixes)


@dataclass(frozen=True)
class AccountPanel:
    template: str
    context: Callable[[HttpRequest], dict[str, Any]] = field(default=lambda request: {})
    order: int = 100


@dataclass(frozen=True)
class DailyTask:
    """A task (of core.background.retried_task, taking no arguments, idempotent for the day) that every
    `cicopa worker` enqueues once a day from `hour` (local time; None: not run by the worker)."""

    name: str
    task: Any
    hour: int | None = 0


@dataclass(frozen=True)
class ProfileSection:
    """A section of an organisation's profile page: `context(request, organisation)` gives its template what it
    shows, or None to leave the section out for this organisation and reader."""

    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]
    order: int = 100


def contributions(name: str) -> Iterator[tuple[Any, Any]]:
    """(app config, its contribution) for every installed app that defines `name`."""
    for config in apps.get_app_configs():
        value = getattr(config, name, None)
        if value is not None:
            yield config, value


def navigation(request: HttpRequest) -> list[dict[str, Any]]:
    """The main navigation for this request's user, with the current page marked."""
    user = getattr(request, "user", None)
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    items = sorted((item for _config, made in contributions("nav_items") for item in made()), key=lambda i: i.order)
    out = []
    for item in items:
        if not item.audience(user):
            continue
        state = "page" if current in (item.url_name, *item.aliases) else ""
        state = state or ("true" if current in item.also_current else "")
        out.append({"label": item.label, "url": item.url or reverse(item.url_name), "current": state})
    return out


def account_panels(request: HttpRequest) -> list[dict[str, Any]]:
    panels = sorted(
        (panel for _config, made in contributions("account_panels") for panel in made()), key=lambda p: p.order
    )
    return [{"template": panel.template, **panel.context(request)} for panel in panels]


def profile_sections(request: HttpRequest, organisation: Any) -> list[dict[str, Any]]:
    """The sections other apps add to `organisation`'s profile, in their order, each as {"template", ...its
    context}; those whose context is None are left out."""
    sections = sorted(
        (section for _config, made in contributions("profile_sections") for section in made()), key=lambda s: s.order
    )
    out = []
    for section in sections:
        context = section.context(request, organisation)
        if context is not None:
            out.append({"template": section.template, **context})
    return out


def import_commands() -> dict[str, str]:
    """`cicopa import <what>` -> the management command that imports it."""
    out: dict[str, str] = {}
    for _config, imports in contributions("imports"):
        out.update(imports)
    return out


def sitemaps() -> dict[str, Any]:
    """Every section of the sitemap, by name, in the order of INSTALLED_APPS."""
    out: dict[str, Any] = {}
    for _config, made in contributions("sitemaps"):
        out.update(made())
    return out


def robots_disallow() -> list[str]:
    return [path for _config, paths in contributions("robots_disallow") for path in paths]


def daily_tasks() -> list[DailyTask]:
    return [task for _config, made in contributions("daily_tasks") for task in made()]
