"""Jinja templates shared by the console pages, and the navigation each capability adds itself to."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
_nav: list[tuple[str, str, str]] = []
templates.env.globals["nav"] = _nav


def add_nav(key: str, label: str, path: str) -> None:
    """Add a console section to the top navigation; ``key`` is what pages pass as ``active``."""
    if all(item[0] != key for item in _nav):
        _nav.append((key, label, path))
