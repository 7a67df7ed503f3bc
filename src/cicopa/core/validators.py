"""Checks of text input: control characters, and e-mail and web addresses for bulk imports.

E-mail and web addresses: Django's validators, with a fast path.
Django's EmailValidator and URLValidator reach their patterns through lazy objects and run a few
passes per value, which is most of the time an import of a hundred thousand rows spends checking. The
patterns here (case-sensitive, so that no Unicode case folding widens them) accept only the plain
ASCII forms almost every address takes, each a strict subset of what
Django accepts; anything else goes to Django's validator, which has the last word. So the answer is
always Django's, only sooner.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from cicopa.core import formats

# Characters no text of the platform holds: C0 controls other than tab, line feed and carriage return, and
# DEL. PostgreSQL refuses NUL, spreadsheets refuse the rest, and none is ever typed on purpose (a vertical
# tab comes with text pasted from a word processor).
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character_message(value: str) -> str | None:
    """What is wrong with `value` if it holds a control character, else None."""
    found = CONTROL_CHARACTER.search(value)
    if found is None:
        return None
    return _("contains an invisible control character (U+%(code)s) at position %(position)s; remove it") % {
        "code": f"{ord(found.group()):04X}",
        "position": found.start() + 1,
    }


def too_long_message(value: str, limit: int | None) -> str | None:
    """What is wrong with `value` if it is longer than `limit` characters, else None."""
    if limit is None or len(value) <= limit:
        return None
    return _("has at most %(limit)s characters (this one has %(n)s)") % {
        "limit": formats.format_number(limit),
        "n": formats.format_number(len(value)),
    }


def text_problem(value: str, limit: int | None) -> str | None:
    """The first thing wrong with free text: its length, then any control character."""
    return too_long_message(value, limit) or control_character_message(value)


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = _LABEL + r"(?:\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.(?!-)[A-Za-z-]{2,63}(?<!-)"
_PLAIN_EMAIL = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@" + _HOST)
_PLAIN_URL = re.compile(r"https?://" + _HOST + r"(?::[0-9]{1,5})?(?:[/?#][^\s\[\]]*)?")

_email = EmailValidator()
_url = URLValidator()


def is_email(value: str) -> bool:
    """What Django's EmailValidator says of `value`."""
    if len(value) <= 254 and _PLAIN_EMAIL.fullmatch(value):
        return True
    try:
        _email(value)
    except ValidationError:
        return False
    return True


def is_url(value: str) -> bool:
    """What Django's URLValidator (http, https, ftp, ftps) says of `value`."""
    if len(value) <= 253 and _PLAIN_URL.fullmatch(value):
        return True
    try:
        _url(value)
    except ValidationError:
        return False
    return True
