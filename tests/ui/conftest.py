"""Fixtures for the window: a workspace over a copy of the imported sample library."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSettings

from briefer.paths import sample_dir
from briefer.services.importing import import_all
from briefer.services.workspace import Workspace


@pytest.fixture(scope="session")
def sample_library_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample library imported once per test session (copied for each test)."""
    path = tmp_path_factory.mktemp("sample") / "sample.sqlite"
    workspace = Workspace.open(str(path))
    report = import_all(workspace.library, [sample_dir()])
    assert not report.failed, [o.message for o in report.outcomes if o.status == "failed"]
    workspace.close()
    return path


@pytest.fixture
def library_file(sample_library_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "library.sqlite"
    shutil.copyfile(sample_library_file, path)
    return path


@pytest.fixture
def workspace(library_file: Path) -> Iterator[Workspace]:
    ws = Workspace.open(str(library_file))
    yield ws
    ws.close()


@pytest.fixture(autouse=True)
def _settings_in_tmp(tmp_path: Path) -> None:
    """QSettings of the window go to a temporary folder, never the user's."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )
