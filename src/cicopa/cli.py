"""The `cicopa` command: Django's management commands plus the platform's own (demo, serve, import, export)."""

from __future__ import annotations

import os
import sys

# Friendlier names for the platform's commands whose natural name is a Python keyword.
ALIASES = {"import": "import_data", "export": "export_data"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "demo":
        # The demo runs with debug on (development secret key, local hosts) unless told otherwise.
        os.environ.setdefault("CICOPA_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cicopa.settings")
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    argv[0] = "cicopa"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
