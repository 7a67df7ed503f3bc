"""The French and Spanish catalogues are complete, compiled, and keep every placeholder."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.text import capfirst

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


# --------------------------------------------------------------------------------------------------
# Text built in Python (charts, maps, messages, history) goes through gettext too
# --------------------------------------------------------------------------------------------------


def _english_left_in(text: str, lang: str) -> list[str]:
    """The English msgids that the catalogue of `lang` translates otherwise but that stand in `text` as they
    are: a word of the platform's own that missed gettext. Whole words only, case included."""
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    found = []
    for entry in po.translated_entries():
        english = entry.msgid
        if entry.msgid_plural or entry.msgstr == english or PLACEHOLDER.search(english) or len(english) < 4:
            continue
        word = re.compile(rf"(?<![\w-]){re.escape(english)}(?![\w-])")
        if word.search(text) and not word.search(entry.msgstr):  # "Identifiant d'URL (slug)" keeps "slug"
            found.append(english)
    return found


def _svg_words(html: str) -> str:
    """Every word that the charts and maps of a page write: text, tooltips, descriptions, accessible names."""
    words = []
    for svg in re.findall(r"<svg\b.*?</svg>", html, flags=re.S):
        words += re.findall(r">([^<>]+)<", svg)
        words += re.findall(r'aria-label="([^"]*)"', svg)
    return unescape("\n".join(w.strip() for w in words if w.strip()))


@pytest.fixture
def french_figures(federation, alice, bob):
    """A validated return with an estimate and an unknown figure, and a published estimate."""
    from cicopa.statistics import services
    from cicopa.statistics.models import PublishedEstimate

    ret = services.return_create(actor=bob, reporter=federation["cgscop"], year=2023)
    services.return_save_lines(
        actor=bob,
        statistical_return=ret,
        lines=[
            {"sector": "construction", "membership_type": "worker", "cooperatives": 40, "members": 900},
            {"sector": "transport", "membership_type": "worker", "cooperatives": 5, "estimated": ["cooperatives"]},
        ],
    )
    services.return_submit(actor=bob, statistical_return=ret)
    services.return_validate(actor=alice, statistical_return=ret)
    PublishedEstimate.objects.create(scope="world", year=1975, measure="cooperatives", value=44000, source="1998")
    return ret


@pytest.mark.parametrize("lang", ["fr", "es"])
@pytest.mark.parametrize(
    "path",
    [
        "/statistics/",
        "/statistics/?measure=members",
        "/statistics/?year_from=2020&carry=true",
        "/statistics/countries/FR/",
    ],
)
def test_charts_and_maps_speak_the_readers_language(client, french_figures, lang, path):
    html = client.get(f"/{lang}{path}").content.decode()
    words = _svg_words(html)
    assert "chart-point-estimate" in html or "members" in path or "carry" in path
    assert not _english_left_in(words, lang), words
    with translation.override(lang):
        key = capfirst(translation.gettext("estimate"))
    if "members" not in path:
        assert key in words  # the legend's entry for estimates


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_filter_messages_name_the_filter_in_the_readers_language(client, db, lang):
    html = client.get(f"/{lang}/statistics/", {"country": "QQ", "sector": "mining"}).content.decode()
    notice = re.search(r'id="filter-errors".*?</div>', html, flags=re.S)
    assert notice, html
    text = " ".join(re.findall(r">([^<>]+)<", notice.group(0)))
    assert "QQ" in text and "mining" in text
    with translation.override(lang):
        for word in ("country", "sector"):  # "sector" is Spanish too
            assert translation.gettext(word) in text
            assert translation.gettext(word) == word or not re.search(rf"\b{word}\b", text), text


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_history_speaks_the_readers_language(client, federation, alice, dave, lang):
    from cicopa.registry import access_services, services
    from cicopa.registry.models import AccessRole, OfficeRole

    cgscop = federation["cgscop"]
    services.office_assign(
        actor=alice, organisation=cgscop, role=OfficeRole.CONTACT, person_data={"full_name": "Marie Curie"}
    )
    access = access_services.access_grant(actor=alice, user=dave, organisation=cgscop, role=AccessRole.EDITOR)
    access_services.access_revoke(actor=alice, access=access)
    client.force_login(alice)
    html = client.get(f"/{lang}/organisations/cg-scop/history/").content.decode()
    table = re.search(r"<table>.*</table>", html, flags=re.S).group(0)
    text = unescape("\n".join(t.strip() for t in re.findall(r">([^<>]+)<", table) if t.strip()))
    assert "Contact person" not in text and "Officer (edits" not in text and "Editor (edits" not in text
    assert not _english_left_in(text, lang), text
    with translation.override(lang):
        assert str(OfficeRole.CONTACT.label) in text
        assert str(AccessRole.OFFICER.label) in text  # bob's rights, given in the fixture
        assert "Marie Curie" in text and "dave" in text


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_an_organisations_english_name_is_not_set_inside_a_sentence(client, federation, alice, lang):
    from cicopa.registry import services

    services.organisation_update(
        actor=alice,
        organisation=federation["cicopa"],
        data={"name": "International Organisation of Industrial and Service Cooperatives"},
    )
    html = client.get(f"/{lang}/members/").content.decode()
    h1 = re.search(r"<h1>(.*?)</h1>", html, flags=re.S).group(1)
    assert "International Organisation" not in h1 and "CICOPA" in h1
    assert not re.search(r"\b(de|des|del)\s+International\b", html)


def test_no_text_is_translated_once_at_import():
    """A module-level `_("...")` with `gettext` (not `gettext_lazy`) is translated once, into the language of
    whoever imported the module first: every reader then gets that language. Module-level texts are lazy (or
    wrapped in a function); a management command's help, read in a shell's language, is the exception."""
    import ast
    import pathlib

    import cicopa

    found = []
    for path in pathlib.Path(cicopa.__file__).parent.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "import gettext as _" not in source or "management/commands" in path.as_posix():
            continue
        for node in ast.parse(source).body:
            nodes = node.body if isinstance(node, ast.ClassDef) else [node]
            for statement in nodes:
                if not isinstance(statement, ast.Assign | ast.AnnAssign):
                    continue
                lambdas = {id(n) for lam in ast.walk(statement) if isinstance(lam, ast.Lambda) for n in ast.walk(lam)}
                if any(
                    isinstance(n, ast.Call)
                    and isinstance(n.func, ast.Name)
                    and n.func.id == "_"
                    and id(n) not in lambdas
                    for n in ast.walk(statement)
                ):
                    found.append(f"{path.name}:{statement.lineno}")
    assert not found, found
