"""``kizuna serve``: the HTTP API and the web console."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kizuna.core.errors import InputError

TlsCert = Annotated[Path | None, typer.Option(help="PEM certificate (chain) to serve HTTPS with.")]
TlsKey = Annotated[Path | None, typer.Option(help="PEM private key of --tls-cert.")]


def tls_files(cert: Path | None, key: Path | None) -> tuple[str | None, str | None]:
    """uvicorn's certificate and key files for HTTPS (both or neither), after checking they exist."""
    if (cert is None) != (key is None):
        raise InputError("give both --tls-cert and --tls-key", field="--tls-cert" if cert is None else "--tls-key")
    for path, flag in ((cert, "--tls-cert"), (key, "--tls-key")):
        if path is not None and not path.is_file():
            raise InputError("no such file", path=path, field=flag)
    return (str(cert), str(key)) if cert and key else (None, None)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    tls_cert: TlsCert = None,
    tls_key: TlsKey = None,
) -> None:
    """Serve the API (/v1, documented at /docs) and the console (/) with the current lists."""
    import uvicorn

    from kizuna.lists.store import SnapshotStore
    from kizuna.web.app import create_app

    SnapshotStore().current_id()  # a broken current snapshot: one clear error, not a failed server start-up
    certfile, keyfile = tls_files(tls_cert, tls_key)
    uvicorn.run(create_app(), host=host, port=port, log_level="info", ssl_certfile=certfile, ssl_keyfile=keyfile)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
