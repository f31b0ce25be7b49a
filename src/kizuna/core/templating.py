"""The one Jinja environment: report templates (core, capabilities) and the console's pages share it, so a filter
or a global added once is there for both."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

_loader = FileSystemLoader([Path(__file__).parent / "templates"])
env = Environment(loader=_loader, autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def add_templates(directory: Path) -> None:
    """Make the templates in ``directory`` loadable (a capability's report or console templates)."""
    if str(directory) not in [str(p) for p in _loader.searchpath]:
        _loader.searchpath.append(str(directory))
