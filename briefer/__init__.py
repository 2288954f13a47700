"""Briefer: turn a library of ministerial communiqués into a finished briefing pack."""

__version__ = "0.1.0"
