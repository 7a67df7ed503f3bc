"""Development settings that `cicopa demo` keeps in its data folder.

A development install must work command after command with nothing set: `cicopa demo` writes debug on
and a secret key of the folder's own into `<data folder>/development.env`, and every later command run
with the same data folder reads them for the variables that are not set (a variable that is set always
wins). Plain Python: cli.py and settings.py read it before Django is set up.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

FILE_NAME = "development.env"


def data_dir() -> Path:
    """The data folder: CICOPA_DATA_DIR, or ./var (settings.DATA_DIR is this)."""
    return Path(os.environ.get("CICOPA_DATA_DIR") or Path.cwd() / "var").resolve()


def read(folder: Path) -> dict[str, str]:
    """The settings kept in `folder` (NAME=value lines), none if it keeps none."""
    try:
        text = (folder / FILE_NAME).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return {}
    values = {}
    for line in text.splitlines():
        name, equals, value = line.strip().partition("=")
        if equals and not name.startswith("#"):
            values[name.strip()] = value.strip()
    return values


def ensure(folder: Path) -> Path:
    """Keep development settings in `folder` unless it has them: debug on and a newly made secret key."""
    path = folder / FILE_NAME
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    text = (
        "# Written by `cicopa demo`: the development settings of this data folder, read by every `cicopa`\n"
        "# command run with it for the variables that are not set. Never use this folder in production.\n"
        "CICOPA_DEBUG=true\n"
        f"CICOPA_SECRET_KEY={secrets.token_urlsafe(50)}\n"
    )
    try:  # readable by its owner only: it holds a secret
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another command made it meanwhile
        return path
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path
