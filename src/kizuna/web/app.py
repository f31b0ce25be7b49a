"""The FastAPI application: API under /v1 (OpenAPI at /docs), console pages at /."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from kizuna import __version__
from kizuna.core.errors import InputError, KizunaError, NotFoundError
from kizuna.screening.forms import warm_up
from kizuna.screening.service import get_screener
from kizuna.web import cables, cyber, exchange, lists, ownership, screening
from kizuna.web.i18n import language_middleware

STATIC = Path(__file__).parent / "static"


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
    app.middleware("http")(language_middleware)
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

    return app
