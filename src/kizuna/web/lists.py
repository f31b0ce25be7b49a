"""List status: ``GET /v1/lists`` and the console's list page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from kizuna.lists.registry import known_lists
from kizuna.lists.store import ListStatus, SnapshotStore
from kizuna.screening.service import ensure_current
from kizuna.web.templating import templates

router = APIRouter()


class ListsOut(BaseModel):
    snapshot: str
    created: str
    lists: list[ListStatus]  # the store's own record, so the schema cannot drift from it


def _status() -> ListsOut:
    store = SnapshotStore()
    snapshot = store.open(ensure_current(store))
    try:
        return ListsOut(snapshot=snapshot.id, created=snapshot.meta.get("created", ""),
                        lists=snapshot.lists())
    finally:
        snapshot.close()


@router.get("/v1/lists", response_model=ListsOut, tags=["lists"])
def get_lists() -> ListsOut:
    """Every loaded list with its entry count, data date, source file and official URL."""
    return _status()


@router.get("/lists", response_class=HTMLResponse, include_in_schema=False)
def lists_page(request: Request) -> HTMLResponse:
    status = _status()
    return templates.TemplateResponse(request, "lists.html", {
        "status": status, "total": sum(item.entries for item in status.lists), "active": "lists",
        "authorities": {code: info.authority for code, info in known_lists().items()}})
