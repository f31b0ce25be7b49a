"""The FastAPI application: API under /v1 (OpenAPI at /docs), console pages at /."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kizuna import __version__
from kizuna.core.errors import InputError, KizunaError, NotFoundError
from kizuna.screening.forms import warm_up
from kizuna.screening.service import get_screener
from kizuna.web import cables, cyber, exchange, lists, ownership, screening

STATIC = Path(__file__).parent / "static"
_log = logging.getLogger("kizuna.web")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    get_screener()  # load (or build) the index before the first request
    warm_up()
    yield


def create_app() -> FastAPI:
    app = FastAPI(
        title="Kizuna",
        version=__version__,
        description="Restricted-party screening across allied lists and scripts, every hit explained and sourced.",
        lifespan=_lifespan,
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(screening.router)
    app.include_router(lists.router)
    app.include_router(ownership.router)
    app.include_router(cyber.router)
    app.include_router(exchange.router)
    app.include_router(cables.router)

    @app.exception_handler(KizunaError)
    async def _kizuna_error(request: Request, exc: KizunaError) -> JSONResponse:
        status = 404 if isinstance(exc, NotFoundError) else 422 if isinstance(exc, InputError) else 400
        return JSONResponse({"detail": str(exc)}, status_code=status)

    app.add_middleware(KeepAliveOn500)
    return app


class KeepAliveOn500:
    """Answer an unexpected exception with a plain 500 and keep the connection open.

    Starlette's error middleware sends its 500 and then re-raises, and uvicorn closes a connection whose
    application raised after responding: every 500 cost the client its keep-alive connection. This outermost
    layer logs the traceback (for the operator) and swallows the exception once the 500 is sent.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            _log.exception("unhandled error in %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await JSONResponse({"detail": "internal error"}, status_code=500)(scope, receive, send)
