"""PDF writer (reportlab platypus, DejaVu fonts embedded, styles in ``templates/pdf_style.toml``)."""

from briefer.writers.pdf.writer import write_pdf

__all__ = ["write_pdf"]
