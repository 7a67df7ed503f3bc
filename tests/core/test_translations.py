"""The French and Spanish catalogues are complete, compiled, and keep every placeholder."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

import cicopa

LOCALE = Path(cicopa.__file__).resolve().parent / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{\s*[\w.|:\"']+\s*\}\}")


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_catalogue_complete_and_compiled(lang):
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()][:10]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()][:10]
    with (LOCALE / lang / "LC_MESSAGES" / "django.mo").open("rb") as f:
        mo = gettext.GNUTranslations(f)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert mo.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0], entry.msgid
            targets = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
            sources = [entry.msgid_plural] * len(targets)
        else:
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            assert mo.gettext(key) == entry.msgstr, f"django.mo is older than django.po: {entry.msgid!r}"
            targets, sources = [entry.msgstr], [entry.msgid]
        for source, target in zip(sources, targets, strict=True):
            assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(target)), (lang, source, target)


def test_every_string_in_the_code_is_in_the_catalogues(tmp_path):
    """makemessages finds nothing that the catalogues lack (needs GNU gettext: CI installs it)."""
    if not shutil.which("xgettext"):
        if os.environ.get("CI"):
            pytest.fail("GNU gettext is needed for this check in CI")
        pytest.skip("GNU gettext is not installed")
    source = Path(cicopa.__file__).resolve().parent
    work = tmp_path / "cicopa"
    shutil.copytree(source, work, ignore=shutil.ignore_patterns("__pycache__", "data", "*.mo"))
    env = {**os.environ, "CICOPA_DEBUG": "true", "DJANGO_SETTINGS_MODULE": "cicopa.settings"}
    subprocess.run(
        ["django-admin", "makemessages", "-l", "fr", "--no-location", "--ignore", "migrations/*"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
        executable=shutil.which("django-admin", path=str(Path(os.sys.executable).parent)) or "django-admin",
    )
    fresh = {e.msgid for e in polib.pofile(str(work / "locale" / "fr" / "LC_MESSAGES" / "django.po"))}
    known = {e.msgid for e in polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po"))}
    assert not fresh - known, sorted(fresh - known)[:20]
