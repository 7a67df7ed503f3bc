"""`cicopa clearing solve` on real files: as a person runs it (a process of its own, no database) and, for the many
ways a file can be wrong, through call_command."""

from __future__ import annotations

import codecs
import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

CICOPA = str(Path(sys.executable).parent / "cicopa")


def cicopa(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `cicopa` in `cwd` as a shell would, with a database that does not exist: the command must not need one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CICOPA_") and k != "DJANGO_SETTINGS_MODULE"}
    env |= {
        "CICOPA_SECRET_KEY": "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "CICOPA_DATA_DIR": str(cwd / "var"),
        "CICOPA_DATABASE_URL": "postgres://nobody@127.0.0.1:9/no-such-database",
    }
    return subprocess.run([CICOPA, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


def solve(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("clearing", "solve", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_solve_writes_every_row_with_what_was_cleared_and_prints_a_summary(tmp_path):
    source = tmp_path / "invoices.csv"
    source.write_bytes(
        codecs.BOM_UTF8
        + (
            "Invoice,ID , Debtor,CREDITOR,amount,description\r\n"
            'F-1,7,Coopérative Émile,Кооператив,1000,"joinery, lot 1"\r\n'
            'F-2,8,Кооператив,協同組合,1000,"two\nlines"\r\n'
            "F-3,9,協同組合,Coopérative Émile,500,\r\n"
            "\r\n"
            "F-4,10,Coopérative Émile,協同組合,300,last\r\n"
        ).encode()
    )
    done = cicopa("clearing", "solve", "invoices.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = tmp_path / "invoices-cleared.csv"
    assert result.read_bytes().startswith(codecs.BOM_UTF8)  # written as it was read
    assert read_csv(result) == [
        ["Invoice", "ID ", " Debtor", "CREDITOR", "amount", "description", "cleared", "remaining"],
        ["F-1", "7", "Coopérative Émile", "Кооператив", "1000", "joinery, lot 1", "500", "500"],
        ["F-2", "8", "Кооператив", "協同組合", "1000", "two\nlines", "500", "500"],
        ["F-3", "9", "協同組合", "Coopérative Émile", "500", "", "500", "0"],
        ["F-4", "10", "Coopérative Émile", "協同組合", "300", "last", "0", "300"],
    ]
    lines = done.stdout.splitlines()
    assert lines[0] == "4 obligations between 3 participants, in 1 currency."
    assert lines[1].split() == ["gross", "debt", "2,800"]
    assert lines[2].split() == ["net", "internal", "debt", "800"]
    assert lines[3].split()[:2] == ["cleared", "1,500"]
    assert "53.6% of the gross debt; 75.0% of the debt above the net positions" in lines[3]
    assert lines[4].split() == ["remaining", "1,300"]
    assert lines[5].startswith("Written to invoices-cleared.csv (read in ")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_malformed_rows_are_named_by_line_and_nothing_is_written(tmp_path):
    (tmp_path / "bad.csv").write_text(
        "debtor,creditor,amount\n"
        "A,B,10\n"
        "A,A,5\n"  # line 3
        ",B,x\n"  # line 4
        "C,D\n"  # line 5
        "E,F,-3\n"  # line 6
        "G,H,1.5\n"  # line 7
        "I,J,1234567890123456789\n",  # line 8
        encoding="utf-8",
    )
    done = cicopa("clearing", "solve", "bad.csv", cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "line 3: A is both debtor and creditor",
        "line 4: debtor is empty",
        "line 4: amount “x” is not a whole number of minor units, 0 or more",
        "line 5: 2 fields, where the header has 3",
        "line 6: amount “-3” is not a whole number of minor units, 0 or more",
        "line 7: amount “1.5” is not a whole number of minor units, 0 or more",
        "line 8: amount 1234567890123456789 is too large",
        "CommandError: 7 problems found; nothing was written.",
    ]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "var") == ["bad.csv"]


def test_the_result_goes_where_out_says_and_currencies_are_cleared_apart(tmp_path):
    source = tmp_path / "obligations.csv"
    source.write_text(
        "debtor,creditor,amount,currency\nA,B,1000, eur\nB,A,50,EUR\nA,B,5,usd\nB,C,5,USD\nC,A,5,USD\n",
        encoding="utf-8",
    )
    target = tmp_path / "elsewhere.csv"
    out, _ = solve(str(source), "--out", str(target))
    assert [row[-2:] for row in read_csv(target)] == [["cleared", "remaining"], *[["50", "950"], ["50", "0"]]] + [
        ["5", "0"]
    ] * 3
    assert not target.read_bytes().startswith(codecs.BOM_UTF8)
    assert not (tmp_path / "obligations-cleared.csv").exists()
    assert "5 obligations between 3 participants, in 2 currencies." in out
    eur, usd = out.index("\nEUR\n"), out.index("\nUSD\n")
    assert "€1.00" in out[eur:usd] and "9.5% of the gross debt" in out[eur:usd]
    assert "$0.15" in out[usd:]


def test_a_file_without_an_extension_gets_cleared_added_to_its_name(tmp_path):
    source = tmp_path / "obligations"
    source.write_text("debtor,creditor,amount\nA,B,3\nB,A,2\n", encoding="utf-8")
    solve(str(source))
    assert read_csv(tmp_path / "obligations-cleared")[1:] == [["A", "B", "3", "2", "1"], ["B", "A", "2", "2", "0"]]


def test_problems_past_twenty_are_counted(tmp_path):
    source = tmp_path / "many.csv"
    source.write_text("debtor,creditor,amount\n" + "A,A,1\n" * 30, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"^30 problems found; nothing was written\.$"):
        call_command("clearing", "solve", str(source), stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 21 and lines[0] == "line 2: A is both debtor and creditor" and lines[-1] == "and 10 more"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\n\n", "The file is empty."),
        (b"debtor,creditor,amount\n", "The file has a header but no obligations."),
        (b"debtor,creditor,amount\n,,\n", "The file has a header but no obligations."),
        (b"debtor,creditor,sum\nA,B,1\n", "The file has no column amount; it needs debtor, creditor and amount."),
        (b"from,to\nA,B\n", "The file has no column debtor, creditor, amount; it needs debtor, creditor and amount."),
        (
            b"debtor,creditor,amount,Debtor\nA,B,1,C\n",
            'The header (row 1) has more than one column named "Debtor"; rename or remove the others.',
        ),
        (
            b"debtor,creditor,amount,Cleared\nA,B,1,0\n",
            "The file already has a column “Cleared”, which the result adds; rename or remove it.",
        ),
        (
            b"debtor,creditor,amount,currency\nA,B,1,\n",
            "1 problems found; nothing was written.",
        ),
        (
            "debtor,creditor,amount\nCoopérative,B,1\n".encode("cp1252"),
            "The file is not UTF-8 text (byte 28 cannot be read). Save it as CSV UTF-8 and try again.",
        ),
    ],
)
def test_a_file_that_is_not_obligations_is_one_clear_message(tmp_path, content, message):
    source = tmp_path / "obligations.csv"
    source.write_bytes(content)
    with pytest.raises(CommandError) as raised:
        solve(str(source))
    assert str(raised.value) == message
    assert not (tmp_path / "obligations-cleared.csv").exists()


def test_a_missing_file_or_a_result_over_the_input_is_refused(tmp_path):
    with pytest.raises(CommandError, match=r"^No file at .*nowhere\.csv\.$"):
        solve(str(tmp_path / "nowhere.csv"))
    source = tmp_path / "obligations.csv"
    source.write_text("debtor,creditor,amount\nA,B,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="would replace the file it is read from"):
        solve(str(source), "--out", str(source))
    with pytest.raises(CommandError, match="could not be written"):
        solve(str(source), "--out", str(tmp_path / "no-such-folder" / "result.csv"))
    assert source.read_text(encoding="utf-8") == "debtor,creditor,amount\nA,B,1\n"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('debtor,creditor,amount\nA,B,1\nB,"A"x,1\n', 3),  # a quote closed in the middle of a cell
        ('debtor,creditor,amount\nA,B,1\n\nB,"A,1\nC,D,2\n', 4),  # a quote never closed
    ],
)
def test_a_line_that_is_not_csv_is_named(tmp_path, text, line):
    source = tmp_path / "obligations.csv"
    source.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=f"^Line {line} of the file cannot be read as CSV.$"):
        solve(str(source))


def test_a_cell_longer_than_the_limit_is_named_by_line(tmp_path):
    from cicopa.clearing.obligations_csv import MAX_CELL

    source = tmp_path / "obligations.csv"
    source.write_text(
        "debtor,creditor,amount,note\nA,B,1,short\nB,A,1," + "x" * (MAX_CELL + 1) + "\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"^Line 3 has a cell longer than 16,777,216 characters"):
        solve(str(source))
