"""Briefings: the render-neutral document and how a stored briefing becomes one."""
