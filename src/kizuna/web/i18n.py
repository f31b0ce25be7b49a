"""The console's languages: English labels translated through a message catalogue (``data/web/messages-ja.yaml``).

Labels are written in English in the templates and Python code, wrapped in ``_("…")``; the catalogue maps each to
its Japanese. Data (names, explanations, citations) is never translated. The language comes from ``?lang=``
(remembered in a cookie), else the cookie, else the browser's ``Accept-Language``, else English.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

from fastapi import Request, Response

from kizuna.core.datafiles import read_yaml
from kizuna.core.paths import bundled

LANGUAGES = {"en": "English", "ja": "日本語"}
DEFAULT = "en"
COOKIE = "kizuna_lang"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """English label -> translation for ``lang`` (empty for English)."""
    if lang == DEFAULT:
        return {}
    data = read_yaml(bundled("web", f"messages-{lang}.yaml"))
    return {str(k): str(v) for k, v in data["messages"].items()}


def translate(lang: str, text: str, **values: Any) -> str:
    """``text`` in ``lang`` (English when the catalogue lacks it), with ``{name}`` placeholders filled."""
    translated = catalogue(lang).get(text, text)
    return translated.format(**values) if values else translated


def _from_header(header: str) -> str | None:
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return None


def language(request: Request) -> str:
    """The language a console request asks for."""
    asked = request.query_params.get("lang", "")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE, "")
    if remembered in LANGUAGES:
        return remembered
    return _from_header(request.headers.get("accept-language", "")) or DEFAULT


def gettext(request: Request, text: str, **values: Any) -> str:
    """A label for this request's language (for messages made in Python code)."""
    return translate(getattr(request.state, "lang", DEFAULT), text, **values)


async def language_middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Decide the language once per request; ``?lang=`` is remembered for the next pages."""
    request.state.lang = language(request)
    response = await call_next(request)
    asked = request.query_params.get("lang", "")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="lax")
    return response
