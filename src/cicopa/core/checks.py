"""System checks for rules every capability app keeps."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import models

from cicopa import devsettings


@register()
def text_fields_have_limits(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every free-text field people write has a stated size limit: without one, a single request can store
    megabytes that every page, export and audit entry then carries. Django binds a TextField's max_length only
    in forms; core.models.PlainTextModel binds it in services too."""
    return [
        Error(
            f"{field.model._meta.label}.{field.name} is a TextField without max_length.",
            hint="State the longest text the field takes.",
            obj=field,
            id="core.E001",
        )
        for config in app_configs or apps.get_app_configs()
        if config.name.startswith("cicopa.")
        for field in unbounded_text_fields(config.get_models())
    ]


def unbounded_text_fields(model_classes: Iterable[type[models.Model]]) -> Iterator[models.Field]:
    for model in model_classes:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.TextField) and field.editable and not field.max_length:
                yield field


@register(Tags.security, deploy=True)
def no_development_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    """`cicopa demo` keeps debug on and its own secret key in the data folder for the variables left unset: a
    deployment that uses such a folder would run with them."""
    used = sorted(name for name in getattr(settings, "DEVELOPMENT_SETTINGS", {}) if not os.environ.get(name))
    if not used:
        return []
    return [
        CheckWarning(
            f"{', '.join(used)} come from {settings.DATA_DIR / devsettings.FILE_NAME}, written by `cicopa demo`.",
            hint="Set these variables, or use a data folder of its own, in production.",
            id="core.W001",
        )
    ]
