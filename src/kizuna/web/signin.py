"""What every signed-in part of the console shares: a session cookie holding a bearer token, a form token derived
from it (a page's forms carry it, so another site cannot post them: CSRF), and the sign-in form's own token, a
random value in a cookie and in the form (double submit, as OWASP's CSRF cheat sheet describes)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request
from fastapi.responses import Response

from kizuna.core.errors import InputError

SIGN_IN_COOKIE = "kizuna_login_csrf"


def secure(request: Request) -> bool:
    """Whether the console is served over TLS (directly, or behind a proxy uvicorn trusts for X-Forwarded-Proto)."""
    return request.url.scheme == "https"


def form_token(request: Request, cookie: str) -> str:
    """The token a signed-in page's forms carry: derived from the session in ``cookie``, useless without it."""
    session = request.cookies.get(cookie, "")
    return hashlib.sha256(f"kizuna-csrf:{session}".encode()).hexdigest()[:32]


def check_form_token(request: Request, cookie: str, value: str) -> None:
    if not request.cookies.get(cookie) or not hmac.compare_digest(value, form_token(request, cookie)):
        raise InputError("the form expired: reload the page and try again", field="csrf")


def set_session(response: Response, request: Request, cookie: str, token: str, hours: int) -> None:
    response.set_cookie(cookie, token, httponly=True, samesite="strict", secure=secure(request),
                        max_age=hours * 3600)


def offer_sign_in(response: Response, request: Request, path: str, token: str) -> Response:
    """Set the sign-in form's token (also in the form as ``login_csrf``) on the page that shows the form."""
    response.set_cookie(SIGN_IN_COOKIE, token, httponly=True, samesite="strict", secure=secure(request), path=path)
    return response


def new_sign_in_token() -> str:
    return secrets.token_urlsafe(24)


def sign_in_form_ok(request: Request, value: str) -> bool:
    """Whether a posted sign-in form carries the token its page set."""
    expected = request.cookies.get(SIGN_IN_COOKIE, "")
    return bool(expected) and hmac.compare_digest(expected, value)


def safe_next(target: str, prefix: str) -> str:
    """Where to go after signing in: only a path of this part of the console (no open redirect)."""
    return target if target.startswith(prefix) and not target.startswith("//") and "\\" not in target else prefix
