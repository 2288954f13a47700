"""Where Briefer finds its shipped data (resources, templates, migrations).

A source checkout (and an editable install) keeps them beside the package; a wheel
carries them inside the package under ``_data``. Both layouts are supported so the
same code runs from a clone and from an installed wheel.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def _data_root() -> Path:
    bundled = _PACKAGE_DIR / "_data"
    if (bundled / "resources").is_dir():
        return bundled
    return _PACKAGE_DIR.parent


def resources_dir() -> Path:
    """The folder with the taxonomy, gazetteer, fonts, icons and sample documents."""
    return _data_root() / "resources"


def templates_dir() -> Path:
    """The folder with the DOCX reference template and briefing presets."""
    return _data_root() / "templates"


def migrations_dir() -> Path:
    """The Alembic environment (``db/``)."""
    return _data_root() / "db"


def sample_dir() -> Path:
    """The bundled sample library."""
    return resources_dir() / "sample"
