"""``kizuna serve``: the HTTP API and the web console."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Serve the API (/v1, documented at /docs) and the console (/) with the current lists."""
    import uvicorn

    from kizuna.lists.store import SnapshotStore
    from kizuna.web.app import create_app

    SnapshotStore().current_id()  # a broken current snapshot: one clear error, not a failed server start-up
    uvicorn.run(create_app(), host=host, port=port, log_level="info")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
