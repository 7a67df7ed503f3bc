"""What the JSON API accepts as a request body."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Schema
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
