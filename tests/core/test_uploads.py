"""Files kept between an import's check and its confirmation."""

import os
import time

from cicopa.core import uploads


def test_kept_once_then_gone(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    token = uploads.keep(b"identifier,name\n")
    assert (tmp_path / "pending-uploads" / token).exists()
    assert uploads.kept(token) and uploads.peek(token) == b"identifier,name\n"  # read, left in the store
    assert uploads.take(token) == b"identifier,name\n"
    assert uploads.take(token) is None and not uploads.kept(token)
    assert list((tmp_path / "pending-uploads").iterdir()) == []


def test_tokens_that_are_not_ours_take_nothing(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (tmp_path / "secret").write_bytes(b"x")
    for token in (None, 42, "", "../secret", "../../etc/passwd", "A" * 32, "0" * 31):
        assert uploads.take(token) is None and not uploads.kept(token)
    assert (tmp_path / "secret").exists()


def test_unconfirmed_files_are_removed_after_a_day(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    old = uploads.keep(b"old")
    day_ago = time.time() - uploads.KEEP_SECONDS - 60
    os.utime(tmp_path / "pending-uploads" / old, (day_ago, day_ago))
    recent = uploads.keep(b"recent")
    assert uploads.take(old) is None and uploads.take(recent) == b"recent"


def test_a_kept_file_can_be_read_again_before_it_is_taken(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    token = uploads.keep(b"Nom,Pays\n")
    assert uploads.peek(token) == uploads.peek(token) == b"Nom,Pays\n"
    assert uploads.take(token) == b"Nom,Pays\n"
    assert uploads.peek(token) is None and uploads.peek("../../etc/passwd") is None
