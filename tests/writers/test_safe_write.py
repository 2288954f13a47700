"""An export never leaves a half-written file, and an unwritable target is a clear error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefer.writers import WRITERS, ExportError, write_document
from tests.writers.conftest import make_document


def _failing_writer(document, path, report, progress):  # type: ignore[no-untyped-def]
    Path(path).write_bytes(b"PK\x03\x04 half a file")
    raise RuntimeError("disk fell off half-way")


def test_failure_half_way_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    target = tmp_path / "brief.docx"
    write_document(make_document([("A quote.", 1)]), "docx", target)
    before = target.read_bytes()
    monkeypatch.setitem(WRITERS, "docx", _failing_writer)
    with pytest.raises(RuntimeError, match="half-way"):
        write_document(make_document([("Another quote.", 2)]), "docx", target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.docx"]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_replaces_an_existing_file_completely(tmp_path, fmt):  # type: ignore[no-untyped-def]
    target = tmp_path / f"brief.{fmt}"
    target.write_bytes(b"old content " * 1000)
    write_document(make_document([("A quote.", 1)]), fmt, target)
    assert not target.read_bytes().startswith(b"old content")
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_missing_folder_is_a_clear_error(tmp_path):  # type: ignore[no-untyped-def]
    target = tmp_path / "nowhere" / "brief.pdf"
    with pytest.raises(ExportError, match="does not exist") as info:
        write_document(make_document([]), "pdf", target)
    assert str(target) in str(info.value)


def test_a_folder_as_target_is_a_clear_error(tmp_path):  # type: ignore[no-untyped-def]
    with pytest.raises(ExportError, match="is a folder") as info:
        write_document(make_document([]), "docx", tmp_path)
    assert str(tmp_path) in str(info.value)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_folder_is_a_clear_error(tmp_path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="not writable"):
            write_document(make_document([]), "docx", folder / "brief.docx")
    finally:
        folder.chmod(0o700)


def test_read_only_folder_reported_even_for_root(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """The check names the folder when the OS refuses (simulated, since tests may run as root)."""
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == tmp_path else real_access(p, mode)
    )
    with pytest.raises(ExportError, match="not writable") as info:
        write_document(make_document([]), "pdf", tmp_path / "brief.pdf")
    assert str(tmp_path) in str(info.value)


def test_unknown_format(tmp_path):  # type: ignore[no-untyped-def]
    with pytest.raises(ExportError, match="unknown format"):
        write_document(make_document([]), "odt", tmp_path / "brief.odt")


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_progress_rises_to_one_hundred_percent(tmp_path, fmt):  # type: ignore[no-untyped-def]
    calls: list[tuple[int, int]] = []
    document = make_document([(f"Quote {i}.", i) for i in range(250)])
    target = tmp_path / f"brief.{fmt}"
    write_document(document, fmt, target, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (100, 100)
    done = [d for d, _ in calls]
    assert done == sorted(set(done)) and len(done) > 10  # rising, each percent once
    assert {t for _, t in calls} == {100}


def test_failing_rename_is_a_clear_error_and_keeps_the_old_file(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    target = tmp_path / "brief.pdf"
    target.write_bytes(b"%PDF old")

    def refuse(src, dst):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ExportError, match="Permission denied") as info:
        write_document(make_document([("A quote.", 1)]), "pdf", target)
    assert str(target) in str(info.value)
    assert target.read_bytes() == b"%PDF old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.pdf"]
