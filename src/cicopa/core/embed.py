"""JSON embedded in an HTML page."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

# As Django's json_script: inside a JSON string these escapes mean the same characters.
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_for_script(value: Any) -> SafeString:
    """`value` as JSON to put inside a <script> element of a page (JSON-LD, a script's settings).

    No `<`, `>` or `&` is left as such, whatever the value holds: `</script>` cannot end the element early,
    and `<!--<script>` cannot send the HTML parser into the state where the real `</script>` no longer ends
    it, which swallowed the rest of the page. Escaping only `</` let the latter through.
    """
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    return mark_safe(text)  # noqa: S308 - no character left that HTML reads inside a script element
