"""``python -m briefer`` behaves like the ``briefer`` command."""

from briefer.app import run

run()
