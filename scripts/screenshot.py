"""Screenshot of the window: the sample library imported, a briefing in progress.

Usage: ``QT_QPA_PLATFORM=offscreen python scripts/screenshot.py docs/screenshot.png``
(``make screenshot``). Writes the given file at 1280x800, and a 1920x1080 variant in
the temporary folder (its path is printed) for checking the layout at a larger size.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (
    QSettings,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from briefer.services.importing import import_all
from briefer.services.workspace import SearchRequest, Workspace
from briefer.ui.application import make_application
from briefer.ui.jobs import wait_for_all
from briefer.ui.main_window import MainWindow

SIZES = ((1280, 800), (1920, 1080))


def _settle(app: QApplication, ms: int = 300) -> None:
    for _ in range(20):
        wait_for_all(2000)
        app.processEvents()
        QTest.qWait(ms // 10)


def build_library(folder: Path) -> tuple[Workspace, int]:
    """The sample library and a ministerial brief with a few quotes in place."""
    workspace = Workspace.open(str(folder / "library.sqlite"))
    import_all(workspace.library, [workspace.sample_folder()])
    change = workspace.create_briefing(
        "EU\u2013Western Balkans JHA ministerial: firearms and migration",
        preset="ministerial-meeting-brief",
    )
    briefing_id = change.briefing_id
    assert briefing_id is not None
    outline = workspace.outline(briefing_id)
    sections = {s.heading: s.id for s in outline.sections}
    from briefer.services.workspace import InsertItems, ItemData, Placement

    def quotes(query: str, n: int) -> list[int]:
        page = workspace.search(SearchRequest(query=query, limit=n, with_facets=False))
        return [h.passage_id for h in page.hits]

    plan = [
        (sections["Key messages"], quotes("firearms trafficking", 3)),
        (sections["Background"], quotes("migrants registration", 2)),
        (sections["Previous commitments"], quotes("action plan", 2)),
    ]
    for section_id, ids in plan:
        placements = tuple(
            Placement(section_id, n, ItemData.quote(pid)) for n, pid in enumerate(ids)
        )
        if placements:
            workspace.apply(InsertItems(placements))
    workspace.apply(
        InsertItems(
            (
                Placement(
                    sections["Lines to take"],
                    0,
                    ItemData.analyst_text("Welcome the progress on firearms amnesties."),
                ),
            )
        )
    )
    return workspace, briefing_id


def main(argv: list[str]) -> int:
    target = Path(argv[1] if len(argv) > 1 else "docs/screenshot.png")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
        app = make_application()
        workspace, briefing_id = build_library(folder)
        window = MainWindow(workspace)
        window.briefing.open_briefing(briefing_id)
        window.show()
        _settle(app)  # the facet lists load in the background
        # A filter and a query, as an analyst would have them.
        window.facets.themes.check("firearms")
        window.search_box.setText("firearms")
        window.run_search()
        for width, height in SIZES:
            window.resize(width, height)
            window.show()
            _settle(app)
            window.reset_layout()  # the offscreen screen is small: lay out for this size
            _settle(app)
            view = window.results_view
            if window.results.rowCount():
                view.setCurrentIndex(window.results.index(1, 0))
                window.preview.reload()
                _settle(app)
            outline_view = window.briefing.view
            key_messages = window.outline.index(1, 0)
            if key_messages.isValid():
                outline_view.setCurrentIndex(window.outline.index(0, 0, key_messages))
            _settle(app)
            out = (
                target
                if (width, height) == SIZES[0]
                # the committed screenshot is the first size; the others go to the temp folder
                else Path(tempfile.gettempdir()) / f"{target.stem}-{width}x{height}{target.suffix}"
            )
            window.grab().save(str(out))
            print(f"wrote {out} ({width}x{height})")
        window.close()
        workspace.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
