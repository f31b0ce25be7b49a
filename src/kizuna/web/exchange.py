"""Allied exchange over HTTP: the TAXII 2.1 API peers sync from, and the console pages (login, denial inbox,
consultation queue, licence check, sharing settings) for the node's users."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote_plus

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from kizuna.core import credentials
from kizuna.core.errors import InputError, KizunaError, NotFoundError
from kizuna.core.paths import home
from kizuna.exchange import objects, reader, service, taxii, users
from kizuna.exchange.node import COLLECTION_ID, Node, Peer, exchange_dir
from kizuna.exchange.objects import effective_status
from kizuna.exchange.signing import HEADER_NODE, HEADER_NONCE, HEADER_ROTATION, rotation_header, sign_response
from kizuna.web import signin
from kizuna.web.i18n import gettext, language_middleware
from kizuna.web.keepalive import KeepAliveOn500
from kizuna.web.templating import templates

router = APIRouter()
COOKIE = "kizuna_session"
_nodes: dict[str, Node] = {}
_lock = threading.Lock()


def get_node() -> Node:
    """The node of ``$KIZUNA_HOME`` (opened once per data directory)."""
    key = str(home())
    with _lock:
        if key not in _nodes:
            _nodes[key] = Node.open()
        return _nodes[key]


def node_ready() -> bool:
    return (exchange_dir() / "node.json").exists()


# -- TAXII 2.1 ------------------------------------------------------------------------------------

def _target(request: Request) -> str:
    raw = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string", b"")
    return raw.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")


def _taxii_response(node: Node, request: Request, data: Any, status: int = 200,
                    headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    out = {**(headers or {})}
    if node.rotations():
        out[HEADER_ROTATION] = rotation_header(node.rotations())
    nonce = request.headers.get(HEADER_NONCE)
    if nonce:
        out["X-Kizuna-Signature"] = sign_response(node.key, nonce, status, body, out)
    return Response(content=body, status_code=status, media_type=taxii.MEDIA_TYPE, headers=out)


def _peer(request: Request, node: Node, body: bytes = b"") -> Any:
    return taxii.authenticate(node, request.method, _target(request), request.headers, body,
                              request.client.host if request.client else None)


def _taxii_error(node: Node, request: Request, status: int, title: str, description: str) -> Response:
    return _taxii_response(node, request, {"title": title, "description": description, "http_status": str(status)},
                           status)


def _guarded(request: Request, handler: Callable[[Node, Any], Response]) -> Response:
    """Run a TAXII handler for a signed peer request (``handler(node, peer)``) or, for a request that carries no
    Kizuna signature but a user's API token, read-only for that user (``handler(node, user)``)."""
    if not node_ready():
        return JSONResponse({"title": "no exchange node here"}, status_code=404, media_type=taxii.MEDIA_TYPE)
    node = get_node()
    who: Peer | users.User
    if HEADER_NODE not in request.headers and "Authorization" in request.headers:
        user = users.user_for_token(node, credentials.token_from_header(request.headers["Authorization"]))
        if user is None or not user.may("read"):
            with node.db.transaction():
                taxii.record_refusal(node, request.client.host if request.client else "unknown", request.method,
                                     _target(request), request.headers, "invalid or expired API token")
            response = _taxii_error(node, request, 401, "Unauthorized", "invalid or expired API token")
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response
        if not _accepts_taxii(request.headers.get("Accept", "")):
            return _taxii_error(node, request, 406, "Not acceptable", f"this API answers {taxii.MEDIA_TYPE}")
        who = user
    else:
        try:
            who, _ = _peer(request, node)
        except taxii.AuthError as exc:
            hint = "" if HEADER_NODE in request.headers else \
                " (peers sign their requests; users send their API token as Authorization: Bearer <token>)"
            return _taxii_error(node, request, 401, "Unauthorized", f"{exc}{hint}")
    try:
        return handler(node, who)
    except (InputError, ValueError) as exc:
        return _taxii_error(node, request, 400, "Bad request", str(exc))


def _accepts_taxii(accept: str) -> bool:
    """Whether an Accept header admits TAXII 2.1 JSON (TAXII 2.1 §1.6.8: otherwise 406)."""
    if not accept.strip():
        return True
    for choice in accept.split(","):
        kind, *params = [part.strip().lower() for part in choice.split(";")]
        versions = [p.split("=", 1)[1].strip() for p in params if p.startswith("version=")]
        if kind in ("*/*", "application/*") or (kind == "application/taxii+json" and versions in ([], ["2.1"])):
            return True
    return False


@router.get("/taxii2/", include_in_schema=False)
def taxii_discovery(request: Request) -> Response:
    base = str(request.base_url).rstrip("/")
    return _guarded(request, lambda node, peer: _taxii_response(node, request, taxii.discovery(node, base)))


@router.get("/taxii2/api/", include_in_schema=False)
def taxii_root(request: Request) -> Response:
    return _guarded(request, lambda node, peer: _taxii_response(node, request, taxii.api_root(node)))


@router.get("/taxii2/api/collections/", include_in_schema=False)
def taxii_collections(request: Request) -> Response:
    return _guarded(request, lambda node, peer: _taxii_response(node, request,
                                                                {"collections": [taxii.collection(node)]}))


def _collection(request: Request, collection_id: str, handler: Callable[[Node, Any], Response]) -> Response:
    def inner(node: Node, peer: Any) -> Response:
        if collection_id != COLLECTION_ID:
            return _taxii_error(node, request, 404, "Not found", f"no collection {collection_id}")
        return handler(node, peer)
    return _guarded(request, inner)


@router.get("/taxii2/api/collections/{collection_id}/", include_in_schema=False)
def taxii_collection(request: Request, collection_id: str) -> Response:
    return _collection(request, collection_id, lambda node, peer: _taxii_response(node, request,
                                                                                  taxii.collection(node)))


def _match(request: Request, name: str) -> list[str] | None:
    value = request.query_params.get(f"match[{name}]")
    return [v for v in value.split(",") if v] if value else None


def _query(request: Request, object_id: str | None = None) -> reader.TaxiiFilter:
    return reader.TaxiiFilter(types=_match(request, "type"), ids=[object_id] if object_id else _match(request, "id"),
                        versions=_match(request, "version"), spec_versions=_match(request, "spec_version"))


def _user_page(request: Request, node: Node, user: users.User, object_id: str | None = None) -> reader.UserPage:
    params = request.query_params
    return reader.page(node, user, added_after=params.get("added_after"), next_token=params.get("next"),
                       limit=int(params["limit"]) if params.get("limit") else None,
                       query=_query(request, object_id))


def _user_objects(request: Request, node: Node, user: users.User, object_id: str | None = None) -> Response:
    """A user's page of objects (or of one object's versions), audited as viewed."""
    result = _user_page(request, node, user, object_id)
    if object_id and not result.entries:
        # Not there and not visible to this user look the same.
        return _taxii_error(node, request, 404, "Not found", f"no object {object_id}")
    reader.record_views(node, user, result)
    return _taxii_response(node, request, result.envelope(), headers=result.headers())


def _page_headers(page: taxii.Page) -> dict[str, str]:
    headers = {}
    if page.first_added:
        headers["X-TAXII-Date-Added-First"] = page.first_added
    if page.last_added:
        headers["X-TAXII-Date-Added-Last"] = page.last_added
    return headers


@router.get("/taxii2/api/collections/{collection_id}/objects/", include_in_schema=False)
def taxii_objects(request: Request, collection_id: str) -> Response:
    def handler(node: Node, peer: Any) -> Response:
        if isinstance(peer, users.User):
            return _user_objects(request, node, peer)
        params = request.query_params
        after = params.get("next") or params.get("added_after")
        limit = int(params["limit"]) if params.get("limit") else None
        page = taxii.view(node, peer, added_after=after, limit=limit, types=_match(request, "type"),
                          ids=_match(request, "id"))
        return _taxii_response(node, request, page.envelope(), headers=_page_headers(page))
    return _collection(request, collection_id, handler)


@router.get("/taxii2/api/collections/{collection_id}/objects/{object_id}/", include_in_schema=False)
def taxii_object(request: Request, collection_id: str, object_id: str) -> Response:
    def handler(node: Node, peer: Any) -> Response:
        if isinstance(peer, users.User):
            return _user_objects(request, node, peer, object_id)
        page = taxii.view(node, peer, ids=[object_id])
        found = [o for o in page.objects if o["type"] not in ("marking-definition", taxii.WITHDRAWAL)]
        if not found:
            # Not there and not releasable look the same: a peer learns nothing about what it may not have.
            return _taxii_error(node, request, 404, "Not found", f"no object {object_id}")
        return _taxii_response(node, request, page.envelope(), headers=_page_headers(page))
    return _collection(request, collection_id, handler)


@router.get("/taxii2/api/collections/{collection_id}/objects/{object_id}/versions/", include_in_schema=False)
def taxii_versions(request: Request, collection_id: str, object_id: str) -> Response:
    def handler(node: Node, who: Any) -> Response:
        if isinstance(who, users.User):
            found = reader.versions(node, who, object_id)
        else:
            peer_page = taxii.view(node, who, ids=[object_id], limit=1, record=False)
            shown = [o for o in peer_page.objects if o["id"] == object_id and o["type"] != taxii.WITHDRAWAL]
            found = ({"more": False, "versions": [shown[0]["modified"]]}, peer_page.last_added or "") if shown \
                else None
        if found is None:
            return _taxii_error(node, request, 404, "Not found", f"no object {object_id}")
        resource, added = found
        return _taxii_response(node, request, resource, headers={"X-TAXII-Date-Added-First": added,
                                                                 "X-TAXII-Date-Added-Last": added})
    return _collection(request, collection_id, handler)


@router.get("/taxii2/api/collections/{collection_id}/manifest/", include_in_schema=False)
def taxii_manifest(request: Request, collection_id: str) -> Response:
    def handler(node: Node, peer: Any) -> Response:
        if isinstance(peer, users.User):
            result = _user_page(request, node, peer)
            return _taxii_response(node, request, result.manifest(), headers=result.headers())
        params = request.query_params
        limit = int(params["limit"]) if params.get("limit") else None
        data = taxii.manifest(node, peer, added_after=params.get("next") or params.get("added_after"), limit=limit)
        return _taxii_response(node, request, data)
    return _collection(request, collection_id, handler)


@router.get("/taxii2/api/x-kizuna/checkpoints/", include_in_schema=False)
def taxii_checkpoints(request: Request) -> Response:
    """This node's signed audit checkpoints, for peers to keep (not part of TAXII)."""
    def handler(node: Node, peer: Any) -> Response:
        return _taxii_response(node, request, taxii.checkpoints(node, int(request.query_params.get("after") or 0)))
    return _guarded(request, handler)


@router.get("/taxii2/api/x-kizuna/checkpoints/held/", include_in_schema=False)
def taxii_held_checkpoints(request: Request) -> Response:
    """The checkpoints of the requesting peer's own audit log that this node keeps."""
    return _guarded(request, lambda node, peer: _taxii_response(node, request, taxii.held_for(node, peer)))


# -- console: sessions ----------------------------------------------------------------------------

def _session(request: Request) -> tuple[Node, users.User] | None:
    if not node_ready():
        return None
    node = get_node()
    token = request.cookies.get(COOKIE)
    user = users.user_for_token(node, credentials.token_from_header(request.headers.get("Authorization")) or token)
    return (node, user) if user else None


def _csrf(request: Request) -> str:
    return signin.form_token(request, COOKIE)


def _check_csrf(request: Request, value: str) -> None:
    signin.check_form_token(request, COOKIE, value)


def _signed_in(request: Request) -> tuple[Node, users.User]:
    """The node and the signed-in user of a console request; anyone else is sent to the login page."""
    session = _session(request)
    if session is None:
        # How a dependency redirects: the browser follows a 303's Location to the login page.
        raise HTTPException(303, headers={"Location": f"/exchange/login?next={request.url.path}"})
    return session


SignedIn = Annotated[tuple[Node, users.User], Depends(_signed_in)]


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    base = {"active": "exchange", "csrf": _csrf(request), "today": date.today().isoformat()}
    return templates.TemplateResponse(request, f"exchange/{name}", {**base, **context}, status_code=status)


def _login_form(request: Request, node: Node | None, next: str, error: str | None, status: int = 200) -> Response:
    """The login page with a fresh CSRF token, in a cookie and in the form (the post must carry both)."""
    token = signin.new_sign_in_token()
    response = _render(request, "login.html", {"node": node, "next": next, "error": error, "login_csrf": token},
                       status)
    return signin.offer_sign_in(response, request, "/exchange/login", token)


@router.get("/exchange/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, next: str = "/exchange/") -> Response:
    return _login_form(request, get_node() if node_ready() else None, next, None)


@router.post("/exchange/login", include_in_schema=False)
def login_submit(request: Request, username: str = Form(...), password: str = Form(...),
                 next: str = Form("/exchange/"), login_csrf: str = Form("")) -> Response:
    if not node_ready():
        return _login_form(request, None, next, None, 404)
    node = get_node()
    if not signin.sign_in_form_ok(request, login_csrf):
        return _login_form(request, node, next, "the sign-in form expired: try again", 403)
    try:
        token = users.login(node, username.strip(), password, source=request.client.host if request.client else None)
    except credentials.LockedOut as exc:
        return _login_form(request, node, next, str(exc), 429)
    if token is None:
        return _login_form(request, node, next, gettext(request, "wrong user name or password"), 401)
    response = RedirectResponse(signin.safe_next(next, "/exchange/"), status_code=303)
    signin.set_session(response, request, COOKIE, token, users.SESSION_HOURS)
    response.delete_cookie(signin.SIGN_IN_COOKIE, path="/exchange/login")
    return response


@router.post("/exchange/logout", include_in_schema=False)
def logout(request: Request) -> Response:
    session = _session(request)
    token = request.cookies.get(COOKIE)
    if session and token:
        users.logout(session[0], token)
    response = RedirectResponse("/exchange/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


# -- console: pages -------------------------------------------------------------------------------

def _row(node: Node, obj: dict[str, Any], user: users.User) -> dict[str, Any] | None:
    shown, withheld = node.visible(obj, user.recipient(node))
    return None if shown is None else _described(node, shown, withheld)


def _described(node: Node, shown: dict[str, Any], withheld: list[str]) -> dict[str, Any]:
    """An object as a console row: as shown to the user, its status, originator and markings."""
    return {"obj": shown, "withheld": withheld, "status": effective_status(shown),
            "originator": node.originator_name(shown["created_by_ref"]),
            "own": shown["created_by_ref"] == node.identity_id,
            "markings": node.resolver.resolve(shown.get("object_marking_refs", [])),
            "tlp": node.resolver.resolve(shown.get("object_marking_refs", [])).tlp or "none"}


@router.get("/exchange/", response_class=HTMLResponse, include_in_schema=False)
def inbox(request: Request, session: SignedIn, status: str = "active", source: str = "all",
          start: Annotated[int, Query(ge=0)] = 0) -> Response:
    node, user = session
    size = service.page_size()
    shown = service.denials(node, user.recipient(node), user.actor, "denial inbox", status=status, source=source,
                            start=start, limit=size)
    rows = [_described(node, obj, withheld) for obj, withheld in shown.rows]
    pages = {"shown": shown, "previous": max(shown.start - size, 0) if shown.start else None,
             "next": shown.end if shown.more else None}
    return _render(request, "inbox.html", {"node": node, "user": user, "rows": rows, "status": status,
                                           "source": source, "hidden": shown.hidden, "pages": pages})


@router.get("/exchange/objects/{object_id}", response_class=HTMLResponse, include_in_schema=False)
def object_page(request: Request, session: SignedIn, object_id: str) -> Response:
    node, user = session
    try:
        obj: dict[str, Any] | None = node.lookup(object_id, user.recipient(node), actor=user.actor)
    except NotFoundError:
        obj = None
    shown, withheld = node.view(obj, user.recipient(node), user.actor) if obj else (None, [])
    if shown is None:
        return _render(request, "missing.html", {"node": node, "user": user, "object_id": object_id}, 404)
    notes = [r for n in node.all_objects(objects.NOTE) if object_id in n.get("object_refs", [])
             and (r := _row(node, n, user))]
    return _render(request, "object.html", {"node": node, "user": user, "row": _row(node, shown, user),
                                            "withheld": withheld, "notes": notes,
                                            "json": json.dumps(shown, ensure_ascii=False, indent=2)})


@router.get("/exchange/consultations", response_class=HTMLResponse, include_in_schema=False)
def consultation_queue(request: Request, session: SignedIn) -> Response:
    node, user = session
    incoming, outgoing = service.consultations(node)
    applications = service.list_applications(node)
    ours = [r for c in outgoing if (r := _row(node, c, user))]
    for row in ours:
        denial = node.get(row["obj"]["denial_ref"])
        row["to"] = (node.originator_name(denial["created_by_ref"]) if denial
                     else gettext(request, "(denial no longer held)"))
    return _render(request, "consultations.html", {
        "node": node, "user": user,
        "incoming": [r for c in incoming if (r := _row(node, c, user))],
        "outgoing": ours,
        "applications": applications,
        "blocking": {a.id: service.blocking(node, a) for a in applications},
        "message": request.query_params.get("message"), "error": request.query_params.get("error")})


@router.post("/exchange/consultations/{consultation_id}/answer", include_in_schema=False)
def answer(request: Request, session: SignedIn, consultation_id: str, text: str = Form(...),
           position: str = Form(...), csrf: str = Form("")) -> Response:
    return _form_action(
        request, session, csrf, "answer", "/exchange/consultations", denied="your role cannot answer consultations",
        done="answer recorded; it goes to the consulting agency on its next sync",
        action=lambda node, user: service.answer_consultation(node, consultation_id, text, position, user.actor,
                                                                user.recipient(node)))


@router.post("/exchange/applications/{app_id}/approve", include_in_schema=False)
def approve(request: Request, session: SignedIn, app_id: str, csrf: str = Form("")) -> Response:
    return _form_action(request, session, csrf, "approve", "/exchange/consultations",
                        denied="only a supervisor approves", done="application approved",
                        action=lambda node, user: service.approve(node, app_id, user.actor))


def _form_action(request: Request, session: tuple[Node, users.User], csrf: str, permission: str, back: str, *,
                 denied: str, done: str, action: Callable[[Node, users.User], object]) -> Response:
    """A console form post: CSRF token checked, role allowed; then back to ``back`` with the outcome."""
    node, user = session
    _check_csrf(request, csrf)
    if not user.may(permission):
        return RedirectResponse(f"{back}?error={_q(gettext(request, denied))}", 303)
    try:
        action(node, user)
    except KizunaError as exc:
        return RedirectResponse(f"{back}?error={_q(str(exc))}", 303)
    return RedirectResponse(f"{back}?message={_q(gettext(request, done))}", 303)


def _q(text: str) -> str:
    return quote_plus(text[:400])


@router.get("/exchange/licence", response_class=HTMLResponse, include_in_schema=False)
def licence_form(request: Request, session: SignedIn) -> Response:
    node, user = session
    return _render(request, "licence.html", {"node": node, "user": user, "result": None, "form": {}, "error": None})


@router.post("/exchange/licence", response_class=HTMLResponse, include_in_schema=False)
def licence_check(request: Request, session: SignedIn, control: str = Form(...), end_user: str = Form(...),
                  end_user_country: str = Form(""), end_use: str = Form(""), destination: str = Form(""),
                  csrf: str = Form("")) -> Response:
    node, user = session
    form = {"control": control, "end_user": end_user, "end_user_country": end_user_country, "end_use": end_use,
            "destination": destination}
    try:
        _check_csrf(request, csrf)
        if not user.may("application"):
            raise InputError(gettext(request, "your role does not record licence applications"))
        party = objects.parse_party(end_user, end_user_country, None, "end-user")
        app, checked = service.check_licence(
            node, user.actor, user.recipient(node), [c for c in control.replace(";", ",").split(",") if c.strip()],
            party, end_use, destination)
    except KizunaError as exc:
        return _render(request, "licence.html", {"node": node, "user": user, "result": None, "form": form,
                                                 "error": str(exc)}, 422)
    return _render(request, "licence.html", {"node": node, "user": user, "form": form, "error": None,
                                             "result": {"app": app, "matches": [m.shown() for m in checked.matches]}})


@router.get("/exchange/settings", response_class=HTMLResponse, include_in_schema=False)
def settings(request: Request, session: SignedIn) -> Response:
    node, user = session
    from kizuna.exchange.config import classification_ranks, countries_of_concern, group_notes, roles

    counts = node.delivery_counts()
    card = node.card()
    return _render(request, "settings.html", {
        "node": node, "user": user, "peers": node.peers(), "counts": counts, "fingerprint": card["fingerprint"],
        "groups": group_notes(), "concerns": sorted(countries_of_concern()), "roles": roles(),
        "levels": list(classification_ranks()),
        "users": users.list_users(node) if user.may("users") else [], "own_objects": node.count(local=True),
        "received": node.count(local=False), "message": request.query_params.get("message"),
        "error": request.query_params.get("error")})


@router.post("/exchange/settings/peers/{identity}", include_in_schema=False)
def peer_toggle(request: Request, session: SignedIn, identity: str, enabled: str = Form(...),
                csrf: str = Form("")) -> Response:
    return _form_action(request, session, csrf, "settings", "/exchange/settings",
                        denied="only an administrator changes sharing", done="saved",
                        action=lambda node, user: node.set_peer_enabled(identity, enabled == "1", user.actor))


# -- user API (bearer tokens) ---------------------------------------------------------------------

class ShownObject(BaseModel):
    object: dict[str, Any] = Field(description="The STIX object, without the fields withheld from the user.")
    withheld: list[str] = Field(description="Selectors of the fields withheld by granular markings.")
    status: str = Field(description="active, revoked or expired (denials), else the object's own status.")


class ObjectsPage(BaseModel):
    user: str
    objects: list[ShownObject]
    start: int = Field(description="Index of the first object of this page among all the user may see.")
    total: int = Field(description="Objects of this type the user may see, on every page.")
    next: int | None = Field(description="`start` of the next page; null on the last one.")


@router.get("/exchange/api/objects", tags=["exchange"], response_model=ObjectsPage,
            responses={401: {"description": "no valid bearer token or console session"}})
def api_objects(request: Request, type: str = objects.DENIAL,
                limit: Annotated[int, Query(ge=1, le=5000)] = 200,
                start: Annotated[int, Query(ge=0)] = 0) -> Any:
    """A page of the objects of one type the token's user may see (fields withheld by granular markings
    removed), newest first: ``limit`` of them from ``start``, with the ``total``; objects hidden from the user do
    not count. The objects returned are audited as viewed."""
    session = _session(request)
    if session is None:
        return JSONResponse({"detail": "a valid bearer token or console session is required"}, status_code=401)
    node, user = session
    shown = node.view_all(node.all_objects(type), user.recipient(node), user.actor, "api", start=start, limit=limit)
    return ObjectsPage(user=user.username, start=shown.start, total=shown.total,
                       next=shown.end if shown.more else None,
                       objects=[ShownObject(object=o, withheld=w, status=effective_status(o)) for o, w in shown.rows])


def create_node_app() -> FastAPI:
    """The app ``kizuna exchange serve`` runs: the TAXII API and the exchange console, nothing else."""
    app = FastAPI(title="Kizuna exchange node", description="TAXII 2.1 exchange between agency nodes")
    app.middleware("http")(language_middleware)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.include_router(router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/exchange/", status_code=303)

    @app.exception_handler(KizunaError)
    async def _kizuna_error(request: Request, exc: KizunaError) -> JSONResponse:
        status = 404 if isinstance(exc, NotFoundError) else 422 if isinstance(exc, InputError) else 400
        return JSONResponse({"detail": str(exc)}, status_code=status)

    app.add_middleware(KeepAliveOn500)
    return app
