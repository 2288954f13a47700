"""Painting a search result: the snippet with matched words marked, the source line, chips.

Rows have one fixed height (three lines of snippet, a source line, a line of chips), so the
list can use uniform item sizes and stays fast however many results are loaded.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from briefer.services.workspace import SearchHit
from briefer.ui.outline_model import CitationRole as OUTLINE_CITATION_ROLE
from briefer.ui.outline_model import KindRole as OUTLINE_KIND_ROLE
from briefer.ui.outline_model import NoteRole as OUTLINE_NOTE_ROLE
from briefer.ui.results_model import HitRole, hit_meta, snippet_html

_PAD = 6
_SNIPPET_LINES = 3


def mark_style(palette: QPalette) -> str:
    """Matched words: bold on a soft yellow that reads on light and dark palettes alike."""
    dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
    background, color = ("#6b5a00", "#ffffff") if dark else ("#ffe98a", "#000000")
    return f"background-color: {background}; color: {color}; font-weight: 600;"


def _row_background(painter: QPainter, option: QStyleOptionViewItem) -> tuple[bool, QColor, QColor]:
    """Draw the row's panel (selection, hover) as the style does; return whether it is
    selected, its text colour and a muted one for secondary lines."""
    style = option.widget.style() if option.widget else QApplication.style()
    style.drawPrimitive(
        QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
    )
    selected = bool(option.state & QStyle.StateFlag.State_Selected)
    text_color = option.palette.color(
        QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
    )
    muted = QColor(text_color)
    muted.setAlphaF(0.7)
    return selected, text_color, muted


class ResultDelegate(QStyledItemDelegate):
    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.theme_labels: dict[str, str] = {}

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        line = QFontMetrics(option.font).lineSpacing()
        return QSize(300, line * (_SNIPPET_LINES + 2) + _PAD * 4)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        hit: SearchHit | None = index.data(HitRole)
        if hit is None:
            super().paint(painter, option, index)
            return
        painter.save()
        selected, text_color, muted = _row_background(painter, option)
        palette = option.palette
        rect = option.rect.adjusted(_PAD, _PAD, -_PAD, -_PAD)
        line = QFontMetrics(option.font).lineSpacing()

        # The snippet, clipped to three lines.
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(0)
        document.setTextWidth(rect.width())
        document.setHtml(
            f'<div style="color:{text_color.name()}">'
            f"{snippet_html(hit.snippet, mark_style(palette))}</div>"
        )
        snippet_height = int(min(document.size().height(), line * _SNIPPET_LINES))
        painter.translate(rect.topLeft())
        painter.setClipRect(QRectF(0, 0, rect.width(), snippet_height))
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, text_color)
        document.documentLayout().draw(painter, context)
        painter.setClipping(False)
        painter.translate(-rect.topLeft())

        # The source line.
        meta_top = rect.top() + snippet_height + _PAD // 2
        painter.setPen(muted)
        metrics = QFontMetrics(option.font)
        meta = metrics.elidedText(hit_meta(hit), Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(
            rect.left(), meta_top, rect.width(), line, Qt.AlignmentFlag.AlignLeft, meta
        )

        # The chips: themes then countries.
        chips = [self.theme_labels.get(t, t) for t in hit.themes] + list(hit.countries)
        x = rect.left()
        y = meta_top + line + _PAD // 2
        small = option.font
        small.setPointSizeF(max(small.pointSizeF() * 0.85, 7.0))
        painter.setFont(small)
        chip_metrics = QFontMetrics(small)
        chip_fill = palette.color(
            QPalette.ColorRole.AlternateBase if not selected else QPalette.ColorRole.Base
        )
        chip_pen = palette.color(QPalette.ColorRole.Mid)
        for n, label in enumerate(chips):
            width = chip_metrics.horizontalAdvance(label) + 12
            if x + width > rect.right():
                more = f"+{len(chips) - n}"
                painter.setPen(muted)
                painter.drawText(
                    x, y, 40, chip_metrics.height() + 2, Qt.AlignmentFlag.AlignLeft, more
                )
                break
            chip = QRectF(x, y, width, chip_metrics.height() + 2)
            painter.setPen(chip_pen)
            painter.setBrush(chip_fill)
            painter.drawRoundedRect(chip, 6, 6)
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, label)
            x += width + 4
        painter.restore()


class OutlineDelegate(QStyledItemDelegate):
    """Outline rows: a quote on one line with its citation (and note) below, muted."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(OUTLINE_KIND_ROLE) == "quote":
            line = QFontMetrics(option.font).lineSpacing()
            return QSize(size.width(), line * 2 + 6)
        return size

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if index.data(OUTLINE_KIND_ROLE) != "quote":
            super().paint(painter, option, index)
            return
        painter.save()
        _selected, text_color, muted = _row_background(painter, option)
        metrics = QFontMetrics(option.font)
        line = metrics.lineSpacing()
        rect = option.rect.adjusted(4, 3, -4, -3)
        painter.setPen(text_color)
        quote = metrics.elidedText(
            str(index.data(Qt.ItemDataRole.DisplayRole) or ""),
            Qt.TextElideMode.ElideRight,
            rect.width(),
        )
        painter.drawText(
            rect.left(), rect.top(), rect.width(), line, Qt.AlignmentFlag.AlignLeft, quote
        )
        below = f"\u2014 {index.data(OUTLINE_CITATION_ROLE) or ''}"
        note = index.data(OUTLINE_NOTE_ROLE)
        if note:
            below = f"\u270e {note}   {below}"
        painter.setPen(muted)
        painter.drawText(
            rect.left(),
            rect.top() + line,
            rect.width(),
            line,
            Qt.AlignmentFlag.AlignLeft,
            metrics.elidedText(below, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.restore()
