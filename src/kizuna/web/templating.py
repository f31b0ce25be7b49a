"""Jinja templates shared by the console pages, the navigation (the capability registry's sections), and the
helpers every page uses: ``_()`` for labels in the request's language, ``lang_url()`` for the language switch,
``country`` to show every country as ISO 3166 alpha-2."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from kizuna.capabilities import REGISTRY, NavEntry
from kizuna.core.countries import from_alpha3, to_alpha2
from kizuna.web.i18n import DEFAULT, LANGUAGES, translate

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["languages"] = LANGUAGES


def nav_of(request: Request) -> list[NavEntry]:
    """The sections in the top navigation of ``request``'s app: ``app.state.nav`` (set by ``create_app`` from
    the registry), or for an app built otherwise (the exchange node's) the sections of the capability whose page
    this is."""
    entries: list[NavEntry] | None = getattr(request.app.state, "nav", None)
    if entries is None:
        endpoint = request.scope.get("endpoint")
        entries = REGISTRY.nav_of_module(getattr(endpoint, "__module__", ""))
    return entries


def _lang(context: Context) -> str:
    request = context.get("request")
    return getattr(request.state, "lang", DEFAULT) if request is not None else DEFAULT


@pass_context
def _gettext(context: Context, text: str, **values: Any) -> str:
    return translate(_lang(context), text, **values)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int, **values: Any) -> str:
    """``singular`` or ``plural`` by ``n`` (English rule; Japanese has one form), ``{n}`` filled in."""
    return translate(_lang(context), singular if n == 1 else plural, n=n, **values)


@pass_context
def _nav(context: Context) -> list[NavEntry]:
    request = context.get("request")
    return nav_of(request) if request is not None else []


@pass_context
def _current_lang(context: Context) -> str:
    return _lang(context)


@pass_context
def _lang_url(context: Context, lang: str) -> str:
    """This page's address with ``lang`` set (other query parameters kept); after a form post, the section's page
    (a post's address cannot be fetched again)."""
    request = context["request"]
    if request.method != "GET":
        section = next((entry.path for entry in nav_of(request) if entry.key == context.get("active")), "/")
        return f"{section}?{urlencode({'lang': lang})}"
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", lang)]
    return f"{request.url.path}?{urlencode(params)}"


def country_code(value: str | None) -> str:
    """A country as ISO alpha-2, whether it was stored as alpha-2 or alpha-3 (the exchange keeps alpha-3)."""
    if not value:
        return ""
    if len(value) == 3:
        return from_alpha3(value) or value
    return to_alpha2(value) or value


templates.env.globals["nav"] = _nav
templates.env.globals["_"] = _gettext
templates.env.globals["_n"] = _ngettext
templates.env.globals["current_lang"] = _current_lang
templates.env.globals["lang_url"] = _lang_url
templates.env.filters["country"] = country_code
