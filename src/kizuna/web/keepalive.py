"""The outermost layer of every Kizuna app: an unexpected error answers 500 and the connection stays open."""

from __future__ import annotations

import logging

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_log = logging.getLogger("kizuna.web")


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
