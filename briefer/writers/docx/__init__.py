"""DOCX writer (python-docx over the reference template ``templates/briefing.docx``)."""

from briefer.writers.docx.writer import STYLE_NAMES, template_path, write_docx

__all__ = ["STYLE_NAMES", "template_path", "write_docx"]
