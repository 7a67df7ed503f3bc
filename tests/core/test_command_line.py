"""The `cicopa` command as people run it: in a folder, with no variables set, one command after another."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CICOPA = str(Path(sys.executable).parent / "cicopa")


def cicopa(*args: str, cwd: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run `cicopa` in `cwd` with none of the platform's variables but `variables` (as a shell would)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CICOPA_") and k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [CICOPA, *args], cwd=cwd, env=env | variables, capture_output=True, text=True, timeout=300, check=False
    )


def test_commands_work_one_after_another_after_the_demo(tmp_path):
    demo = cicopa("demo", "--no-serve", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    kept = (tmp_path / "var" / "development.env").read_text(encoding="utf-8")
    assert "CICOPA_DEBUG=true" in kept and "CICOPA_SECRET_KEY=" in kept
    path = tmp_path / "orgs.csv"
    path.write_text("identifier,name,kind,country\nT1,Tejedoras de Oaxaca,cooperative,MX\n", encoding="utf-8")
    imported = cicopa("import", "organisations", str(path), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "1 organisations were created" in imported.stdout
    checked = cicopa("check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    deploy = cicopa("check", "--deploy", cwd=tmp_path)
    assert "core.W001" in deploy.stderr and "development.env" in deploy.stderr
    # A variable that is set wins over the folder's development settings.
    show = "from django.conf import settings; print(settings.DEBUG, len(settings.SECRET_KEY))"
    assert cicopa("shell", "-v", "0", "-c", show, cwd=tmp_path).stdout.split() == ["True", "67"]
    assert cicopa("shell", "-v", "0", "-c", show, cwd=tmp_path, CICOPA_DEBUG="false").stdout.split() == ["False", "67"]


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({}, "CICOPA_SECRET_KEY"),
        ({"CICOPA_DEBUG": "perhaps"}, "CICOPA_DEBUG"),
        ({"CICOPA_SECRET_KEY": "k" * 50, "CICOPA_EMAIL_PORT": "twenty-five"}, "CICOPA_EMAIL_PORT"),
    ],
)
def test_a_missing_or_wrong_setting_is_one_line_naming_it(tmp_path, variables, named):
    for command in (["check"], ["import", "organisations", "nowhere.csv"], ["demo", "--no-serve"]):
        if command[0] == "demo" and not variables:
            continue  # the demo makes its own development settings
        done = cicopa(*command, cwd=tmp_path, **variables)
        assert done.returncode == 2, (command, done.stderr)
        assert "Traceback" not in done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and named in lines[0], (command, done.stderr)
