"""What the JSON API accepts as a request body."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Header, Schema
from pydantic import ConfigDict, model_validator


class JsonObject(Schema):
    """A body (or an item of one) that must be a JSON object. Without this check an array or a string sent as
    the body of a schema whose fields are all optional reads as an empty object, and a PATCH answers 200
    having changed nothing. A field the schema does not have is refused by name (a misspelt one would
    otherwise be dropped as silently), and numbers must be finite (JSON has no NaN; Python's reader takes one)."""

    model_config = ConfigDict(allow_inf_nan=False, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        if not isinstance(getattr(data, "_obj", data), dict):  # ninja hands the body in a DjangoGetter
            raise ValueError(_("must be a JSON object"))
        return data


IF_MATCH = Header(
    None,
    alias="If-Match",
    description="The ETag of the version you read: the change is refused (412) if the record changed since.",
)


def if_match(raw: str | None) -> str | None:
    """The version named by an If-Match header (an ETag the client read), or None when the client sends none or
    `*` (any version). Only one version may be named: the platform's records have one current version."""
    raw = (raw or "").strip()
    if not raw or raw == "*":
        return None
    tags = [t.strip() for t in raw.split(",") if t.strip()]
    tag = tags[0].removeprefix("W/")
    if len(tags) != 1 or len(tag) < 2 or not (tag.startswith('"') and tag.endswith('"')):
        raise ValidationError({"If-Match": _('Give one version in If-Match, quoted as the ETag header gives it: "…".')})
    return tag[1:-1]
