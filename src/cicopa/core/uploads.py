"""Uploaded files kept between a check and its confirmation (an import's preview, then the import, which a
background task runs: it reads the file with `peek` and takes it once the import has committed).

Kept as files under the data directory rather than in the session, so that a 20 MB upload does not
travel through the session store on every request. A file is taken once; files left by previews that
were never confirmed are removed after a day.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[0-9a-f]{32}")


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "pending-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep(data: bytes) -> str:
    """Store `data`; the token that takes it back."""
    folder = _clean()
    token = secrets.token_hex(16)
    (folder / token).write_bytes(data)
    return token


def kept(token: object) -> bool:
    """Whether data is kept under `token`, without reading it."""
    return isinstance(token, str) and bool(_TOKEN.fullmatch(token)) and (_folder() / token).is_file()


def peek(token: object) -> bytes | None:
    """The data kept under `token`, left in the store (an import checked again with other choices); None if
    there is none (any more)."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    try:
        return (_folder() / token).read_bytes()
    except FileNotFoundError:
        return None


def take(token: object) -> bytes | None:
    """The data kept under `token`, removed from the store; None if there is none (any more). Two requests
    taking the same token get it once: the file is first moved to a name of this call's own."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    folder = _clean()
    claimed = folder / f"{token}.{secrets.token_hex(8)}.taken"
    try:
        os.replace(folder / token, claimed)
    except FileNotFoundError:
        return None
    try:
        return claimed.read_bytes()
    finally:
        claimed.unlink(missing_ok=True)


def _clean() -> Path:
    """The store's folder, without the files left by checks that were never confirmed."""
    folder = _folder()
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        except FileNotFoundError:
            pass  # taken or removed meanwhile by another request
    return folder
