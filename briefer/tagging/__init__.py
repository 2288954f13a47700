"""Automatic, explainable tags: countries, themes and the meeting a document reports on."""
