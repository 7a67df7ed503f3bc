"""The `cicopa` command: Django's management commands plus the platform's own (demo, serve, import, export)."""

from __future__ import annotations

import os
import sys

from cicopa import devsettings

# Friendlier names for the platform's commands whose natural name is a Python keyword.
ALIASES = {"import": "import_data", "export": "export_data"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "demo":
        # The demo runs with debug on and a secret key of its data folder's own, which it keeps there for the
        # commands run after it (variables that are set win).
        devsettings.ensure(devsettings.data_dir())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cicopa.settings")
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    argv[0] = "cicopa"
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018  (reads the settings now: Django would report a wrong one later, deep in)
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        # A missing or wrong setting is the operator's to fix: one line that names it, not a traceback.
        sys.stderr.write(f"cicopa: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
