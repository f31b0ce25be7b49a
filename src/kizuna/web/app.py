"""The FastAPI application: API under /v1 (OpenAPI at /docs, served offline), console pages at /.

Its routers and its console navigation are the capability registry's (:mod:`kizuna.capabilities`), in its order."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kizuna import __version__
from kizuna.capabilities import REGISTRY, Registry, load
from kizuna.core.errors import InputError, KizunaError, NotFoundError
from kizuna.screening.forms import warm_up
from kizuna.screening.options import TooMuchWork
from kizuna.screening.service import get_screener
from kizuna.screening.tables import limits
from kizuna.web.i18n import language_middleware
from kizuna.web.keepalive import KeepAliveOn500

STATIC = Path(__file__).parent / "static"
BOUNDED_PATHS = frozenset({"/v1/screen"})  # request bodies bounded by limits.yaml's max_request_bytes
_ECHO = 200  # characters of a rejected value echoed back in a 422


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    get_screener()  # load (or build) the index before the first request
    warm_up()
    yield


def create_app(registry: Registry = REGISTRY) -> FastAPI:
    """The API and console app, with ``registry``'s routers and navigation."""
    # FastAPIOffline serves Swagger UI and ReDoc from files in its package instead of a CDN, so /docs works
    # on a network without internet access.
    app = FastAPIOffline(
        title="Kizuna",
        version=__version__,
        description="Restricted-party screening across allied lists and scripts, every hit explained and sourced.",
        lifespan=_lifespan,
        static_url="/static-docs",
    )
    # Inside the language middleware: a BaseHTTPMiddleware reads the body in a task group, which would wrap the
    # 413 raised while counting a chunked body into an exception group (and FastAPI would answer 400).
    app.add_middleware(BoundedBody, paths=BOUNDED_PATHS, limit=limits().max_request_bytes)
    app.middleware("http")(language_middleware)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in registry.routers():
        app.include_router(load(router))
    app.state.nav = registry.nav()

    @app.exception_handler(KizunaError)
    async def _kizuna_error(request: Request, exc: KizunaError) -> JSONResponse:
        status = (404 if isinstance(exc, NotFoundError) else 413 if isinstance(exc, TooMuchWork)
                  else 422 if isinstance(exc, InputError) else 400)
        return JSONResponse({"detail": safe_json(str(exc))}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": [_error(e) for e in exc.errors()]}, status_code=422)

    app.add_middleware(KeepAliveOn500)
    return app


def _error(error: dict[str, Any]) -> dict[str, Any]:
    """One validation error, safe to encode: the rejected value echoed only in part and escaped."""
    shown: dict[str, Any] = {key: error[key] for key in ("type", "loc", "msg") if key in error}
    if "input" in error:
        echoed = error["input"]
        shown["input"] = (echoed[:_ECHO] if isinstance(echoed, str) else repr(echoed)[:_ECHO]
                          if isinstance(echoed, dict | list) else echoed)
    return {key: safe_json(value) for key, value in shown.items()}


def safe_json(value: Any) -> Any:
    """``value`` with what JSON (UTF-8, no NaN) cannot carry made printable: a lone surrogate as ``\\udc80``,
    NaN and infinities as text, other objects by their text."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, dict):
        return {safe_json(str(k)): safe_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [safe_json(item) for item in value]
    return safe_json(str(value))


class BoundedBody:
    """Refuse (413) a request body larger than ``limit`` bytes on ``paths``, before it is parsed: by its
    Content-Length, or by counting as it arrives when it is sent in chunks."""

    def __init__(self, app: ASGIApp, paths: frozenset[str], limit: int) -> None:
        self.app, self.paths, self.limit = app, paths, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                # An HTTPException, which FastAPI lets through from reading the body (any other becomes a 400).
                raise HTTPException(413, self._message())
            return message

        await self.app(scope, counted, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        await JSONResponse({"detail": self._message()}, status_code=413)(scope, receive, send)

    def _message(self) -> str:
        return (f"request body larger than {self.limit:,} bytes (data/screening/limits.yaml): send the parties in "
                "several requests")
