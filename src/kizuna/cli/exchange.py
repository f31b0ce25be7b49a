"""``kizuna exchange …``, ``kizuna denial …``, ``kizuna licence …``, ``kizuna consultation …`` and
``kizuna bench exchange``: run an agency node, share denials, check applications for undercuts."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from kizuna.cli.output import actor, console, errors, print_json, read_password
from kizuna.cli.serve import TlsCert, TlsKey, tls_files
from kizuna.core.datafiles import read_json
from kizuna.core.errors import InputError
from kizuna.exchange import audit, objects, service, users
from kizuna.exchange.node import Node
from kizuna.exchange.objects import effective_status
from kizuna.exchange.signing import fingerprint

app = typer.Typer(help="Run an allied exchange node: identity, peers, sync, audit, users.", no_args_is_help=True)
peer_app = typer.Typer(help="Peers: other agencies' nodes and their public keys.", no_args_is_help=True)
audit_app = typer.Typer(help="The node's hash-chained audit log.", no_args_is_help=True)
user_app = typer.Typer(help="Console and API users.", no_args_is_help=True)
share_app = typer.Typer(help="Share screening findings, investor notes and comments.", no_args_is_help=True)
policy_app = typer.Typer(help="The node's releasability policy: countries of concern.", no_args_is_help=True)
token_app = typer.Typer(help="API and console session tokens: list and expire.", no_args_is_help=True)
key_app = typer.Typer(help="This node's Ed25519 key.", no_args_is_help=True)
denial_app = typer.Typer(help="Licence denials this agency notifies to allies.", no_args_is_help=True)
licence_app = typer.Typer(help="Licence applications and the no-undercut check.", no_args_is_help=True)
consultation_app = typer.Typer(help="No-undercut consultations.", no_args_is_help=True)
app.add_typer(peer_app, name="peer")
app.add_typer(audit_app, name="audit")
app.add_typer(user_app, name="user")
app.add_typer(share_app, name="share")
app.add_typer(policy_app, name="policy")
app.add_typer(token_app, name="token")
app.add_typer(key_app, name="key")

TlpOption = Annotated[str, typer.Option("--tlp", help="clear, green, amber, amber+strict or red.")]
RelToOption = Annotated[str | None, typer.Option(
    "--rel-to", help="Releasable to: alpha-3 country and group codes (FVEY, EU, CHIP4, G7, …), comma-separated; "
    "never a country of concern. "
    "Without it nothing leaves the node.")]
ClassificationOption = Annotated[str | None, typer.Option("--classification", help="UNCLASSIFIED, CONTROLLED, …")]
OrgOption = Annotated[list[str] | None, typer.Option("--org", help="Name a peer organisation (for AMBER+STRICT); "
                                                     "repeatable.")]
FieldOption = Annotated[list[str] | None, typer.Option(
    "--field-rel-to", help="Release one field to fewer partners: SELECTOR=CODES, e.g. end_user.address=USA.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
LocalOption = Annotated[bool, typer.Option("--local", help="Keep the denial on this node on purpose (no --rel-to): "
                                           "no ally receives it or is consulted about it.")]


def _shared_or_local(rel_to: str | None, local: bool) -> None:
    """A denial is for allies: refuse one that would reach none of them unless kept local on purpose."""
    if local and rel_to:
        raise InputError("give --rel-to or --local, not both", field="--local")
    if not local and not rel_to:
        raise InputError("a denial without REL TO is releasable to no ally: no one would receive it or consult "
                         "you about it. Give --rel-to (e.g. USA,KOR or a group such as FVEY), or --local to keep "
                         "it on this node on purpose", field="--rel-to")


def _node() -> Node:
    return Node.open()


def _codes(value: str | None) -> list[str]:
    return [c.strip() for c in (value or "").split(",") if c.strip()]


def _markings(node: Node, tlp: str, rel_to: str | None, classification: str | None,
              orgs: list[str] | None) -> list[str]:
    return service.markings(node, tlp, _codes(rel_to) if rel_to else None, classification, orgs)


def _short(object_id: str) -> str:
    return object_id.split("--")[1][:8]


# -- exchange -------------------------------------------------------------------------------------

@app.command("init")
def init(
    name: Annotated[str, typer.Option(help="The agency's name, e.g. 'Ministry of Economy, Trade and Industry'.")],
    country: Annotated[str, typer.Option(help="ISO 3166-1 alpha-3 code of the agency's country.")],
    url: Annotated[str, typer.Option(help="The URL peers reach this node at.")],
    db: Annotated[str | None, typer.Option(help="postgresql://… for a real deployment (default: SQLite in "
                                           "$KIZUNA_HOME/exchange).")] = None,
    accreditation: Annotated[str, typer.Option(help="Highest classification this node accepts.")] = "UNCLASSIFIED",
) -> None:
    """Create this agency's node: an Ed25519 key, a signed STIX identity, the database."""
    node = Node.init(name, country, url, db, accreditation)
    card = node.card()
    console.print(f"node {node.name} ({node.country}) created")
    console.print(f"  identity    {node.identity_id}")
    console.print(f"  public key  {card['public_key']}")
    console.print(f"  fingerprint {card['fingerprint']}")
    console.print(f"  database    {node.db.kind}")
    console.print("Give peers your card: kizuna exchange card > card.json")


@app.command("card")
def card() -> None:
    """Print this node's peer card (identity, URL, public key) as JSON for other agencies' `peer add`."""
    print_json(_node().card())


@app.command("extensions")
def extensions_bundle() -> None:
    """Print Kizuna's STIX extension definitions (with their JSON schemas) as a STIX bundle; needs no node."""
    from kizuna.exchange import extensions

    print_json(extensions.bundle())


@peer_app.command("add")
def peer_add(
    card_path: Annotated[Path, typer.Argument(metavar="CARD.json", help="The peer's card (`kizuna exchange card`).")],
    max_classification: Annotated[str, typer.Option(help="Highest classification to release to this peer.")]
    = "UNCLASSIFIED",
    url: Annotated[str | None, typer.Option(help="Override the URL in the card.")] = None,
    tls_ca: Annotated[Path | None, typer.Option(help="PEM file: the CA (or the pinned certificate) the peer's TLS "
                                                "certificate must chain to, for an https:// URL.")] = None,
) -> None:
    """Trust another agency's node: sync will accept its signed objects and release ours to it."""
    pem = None
    if tls_ca is not None:
        try:
            pem = tls_ca.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the certificate: {exc}", path=tls_ca, field="--tls-ca") from None
    peer = _node().add_peer(read_json(card_path), max_classification, url, pem)
    console.print(f"peer {peer.name} ({peer.country}) at {peer.url}, key {peer.fingerprint}, "
                  f"up to {peer.max_classification}" + (", TLS certificate checked against the given CA" if pem
                                                        else ""))


@peer_app.command("list")
def peer_list(as_json: JsonOption = False) -> None:
    """The peers this node trusts, with their sync cursors."""
    peers = _node().peers()
    if as_json:
        print_json([{"identity": p.identity, "name": p.name, "country": p.country, "url": p.url,
                     "fingerprint": p.fingerprint, "max_classification": p.max_classification,
                     "enabled": p.enabled, "removed": p.removed, "cursor": p.cursor, "last_sync": p.last_sync}
                    for p in peers])
        return
    table = Table()
    for column in ("agency", "country", "url", "key fingerprint", "up to", "sharing", "last sync"):
        table.add_column(column)
    for p in peers:
        state = f"removed {p.removed[:10]}" if p.removed else "on" if p.enabled else "suspended"
        table.add_row(p.name, p.country, p.url, p.fingerprint, p.max_classification, state,
                      (p.last_sync or "never")[:19])
    console.print(table)


@peer_app.command("suspend")
def peer_suspend(peer: Annotated[str, typer.Argument(help="Peer name, country or identity.")]) -> None:
    """Stop sharing with a peer (its requests are refused) until resumed."""
    _node().set_peer_enabled(peer, False, actor())
    console.print(f"sharing with {peer} suspended")


@peer_app.command("resume")
def peer_resume(peer: Annotated[str, typer.Argument(help="Peer name, country or identity.")]) -> None:
    """Share with a suspended peer again."""
    _node().set_peer_enabled(peer, True, actor())
    console.print(f"sharing with {peer} resumed")


@peer_app.command("remove")
def peer_remove(peer: Annotated[str, typer.Argument(help="Peer name, country or identity.")]) -> None:
    """Stop all exchange with a peer for good (audited). Nothing it sent is deleted; `peer add` its card to undo."""
    removed = _node().remove_peer(peer, actor())
    console.print(f"peer {removed.name} removed: its requests are refused and it is not synced; what it sent is kept")


@peer_app.command("revoke-key")
def peer_revoke_key(
    peer: Annotated[str, typer.Argument(help="Peer name, country or identity.")],
    reason: Annotated[str, typer.Option(help="Why (e.g. 'key compromised, per BIS notice of 2026-12-01').")],
) -> None:
    """Stop trusting a peer's current node key (compromised): its requests, answers and objects are refused, and
    so is any rotation it signs, until the agency's new card is added with `peer add`."""
    revoked = _node().revoke_peer_key(peer, reason, actor())
    console.print(f"key {revoked.fingerprint} of {revoked.name} revoked: nothing signed by it is accepted")


@key_app.command("rotate")
def key_rotate() -> None:
    """Replace this node's Ed25519 key; peers accept the new key because the old key signs the change."""
    node = _node()
    rotation = node.rotate_key(actor())
    console.print(f"node key rotated: {fingerprint(rotation['old'])} → {fingerprint(rotation['new'])}")
    console.print("Peers accept the new key on the next exchange (the old key signed it). Restart "
                  "`kizuna exchange serve`; give peers your new card if they revoked the old key.")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8100,
    sync_interval: Annotated[float, typer.Option(help="Pull from peers every N seconds (0: only on "
                                                 "`kizuna exchange sync`).")] = 0,
    tls_cert: TlsCert = None, tls_key: TlsKey = None,
) -> None:
    """Serve the TAXII 2.1 API for peers and the exchange console for users."""
    import uvicorn

    from kizuna.exchange.sync import sync_all
    from kizuna.web.exchange import create_node_app

    certfile, keyfile = tls_files(tls_cert, tls_key)
    scheme = "https" if certfile else "http"
    node = _node()
    if sync_interval > 0:
        def loop() -> None:
            while True:
                time.sleep(sync_interval)
                for report in sync_all(node):
                    for error in report.errors:
                        errors.print(f"[yellow]sync:[/] {error}")

        threading.Thread(target=loop, name="kizuna-sync", daemon=True).start()
    errors.print(f"{node.name} ({node.country}) serving TAXII 2.1 at {scheme}://{host}:{port}/taxii2/ and the "
                 f"console at {scheme}://{host}:{port}/exchange/")
    uvicorn.run(create_node_app(), host=host, port=port, log_level="warning", ssl_certfile=certfile,
                ssl_keyfile=keyfile)


@app.command("sync")
def sync(
    peer: Annotated[str | None, typer.Option(help="Only this peer (name, country or identity).")] = None,
    page_size: Annotated[int | None, typer.Option(help="Objects per request.")] = None,
) -> None:
    """Pull what is new from each peer (only what changed since the last sync)."""
    from kizuna.exchange.sync import SyncError, SyncReport, sync_all, sync_peer

    node = _node()
    reports: list[SyncReport]
    if peer:
        try:
            reports = [sync_peer(node, node.peer(peer), page_size)]
        except SyncError as exc:
            reports = [SyncReport(peer, errors=[str(exc)])]
    else:
        reports = sync_all(node, page_size)
    failed = False
    for r in reports:
        if r.errors:
            failed = True
            errors.print(f"[yellow]{r.peer}:[/] {'; '.join(r.errors)}")
            continue
        console.print(f"{r.peer}: {r.received} received, {r.rejected} rejected, {r.withdrawn} withdrawn "
                      f"({r.pages} page{'s' if r.pages != 1 else ''}, {r.seconds:.2f} s)")
    if failed:
        raise typer.Exit(1)


@audit_app.command("verify")
def audit_verify(
    ask_peers: Annotated[bool, typer.Option("--peers/--no-peers", help="Also hold the log against the signed "
                                            "checkpoints each peer keeps of it (asks every enabled peer).")] = True,
) -> None:
    """Check the audit log's hash chain, and hold it against its signed checkpoints, here and at peers."""
    from kizuna.exchange.sync import SyncError, fetch_held_checkpoints

    node = _node()
    anchors: list[audit.Checkpoint] = []
    asked = 0
    for peer in node.peers() if ask_peers else []:
        if not peer.enabled:
            continue
        try:
            anchors += fetch_held_checkpoints(node, peer)
            asked += 1
        except SyncError as exc:
            errors.print(f"[yellow]{peer.name}:[/] its checkpoints could not be fetched: {exc}")
    result = audit.verify(node.db, anchors=anchors)
    if not result.ok:
        errors.print(f"[red]audit log broken:[/] {result.problem} ({result.records} records verified before it)")
        raise typer.Exit(1)
    console.print(f"audit log intact: {result.records} records, hash chain verified; {result.checkpoints} signed "
                  f"checkpoints agree ({len(anchors)} of them held by {asked} peer{'s' if asked != 1 else ''})")


@audit_app.command("show")
def audit_show(
    object_id: Annotated[str | None, typer.Option("--object", help="Only records about this object.")] = None,
    event: Annotated[str | None, typer.Option(help="Only this event (sent, refused, received, viewed, …).")] = None,
    limit: Annotated[int, typer.Option(help="Most records to show.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Recent audit records, newest first."""
    from kizuna.exchange.taxii import flush_refusals

    node = _node()
    with node.db.transaction():
        flush_refusals(node)  # refusals counted in slots that have ended become their counter records
    rows = audit.records(node.db, object_id=object_id, event=event, limit=limit)
    if as_json:
        print_json(rows)
        return
    table = Table()
    for column in ("#", "at", "event", "actor", "object", "peer", "detail"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(str(r["seq"]), r["at"][:19], r["event"], r["actor"], r["object_id"] or "",
                      node.originator_name(r["peer"]) if r["peer"] else "",
                      json.dumps(r["detail"], ensure_ascii=False) if r["detail"] else "")
    console.print(table)


@policy_app.command("check")
def policy_check() -> None:
    """Report the REL TO markings held here that would release to a country of concern (exit 1 if any)."""
    from kizuna.core.paths import bundled
    from kizuna.exchange.config import concerns_file, countries_of_concern

    node = _node()
    found = node.markings_of_concern()
    source = concerns_file()
    where = "bundled default" if source == bundled("exchange", source.name) else str(source)
    console.print(f"countries of concern ({where}): {', '.join(sorted(countries_of_concern()))}")
    for definition, concern, used_by in found:
        ours = sum(local for _, local in used_by)
        console.print(f"{definition['name']} would release to {', '.join(sorted(concern))}: {len(used_by)} "
                      f"object{'s' if len(used_by) != 1 else ''} ({ours} ours, {len(used_by) - ours} received)")
        for object_id, local in used_by:
            console.print(f"  {object_id}  " + ("ours: re-mark it (`kizuna denial remark`)" if local
                                                 else "received: ask its originator to re-mark it"))
    if found:
        console.print("A group never admits a country of concern, so none of these reaches one; re-mark them so "
                      "the markings say what they do.")
        raise typer.Exit(1)
    console.print("no marking held here releases to a country of concern")


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="analyst, licensing-officer, supervisor or admin.")],
    clearance: Annotated[str, typer.Option(help="Classification level the user is cleared to.")],
    nationality: Annotated[str, typer.Option(help="ISO alpha-3 nationality (REL TO is checked against it).")],
    password: Annotated[str | None, typer.Option(help="Default: $KIZUNA_PASSWORD, standard input or a prompt.")]
    = None,
) -> None:
    """Create (or update) a console user."""
    user = users.add_user(_node(), username, role, clearance, nationality, read_password(password), actor())
    console.print(f"user {user.username}: {user.role}, cleared {user.clearance}, nationality {user.nationality}")


@user_app.command("token")
def user_token(username: Annotated[str, typer.Argument(help="The user the token acts as.")],
               label: Annotated[str, typer.Option(help="What the token is for.")] = "api",
               days: Annotated[int | None, typer.Option(help="Days until it expires (default: tokens.api_token_days "
                                                        "in rules.yaml).")] = None) -> None:
    """Issue an API token (printed once; only its hash is stored); it expires after --days."""
    from datetime import timedelta

    from kizuna.exchange.config import rules

    lifetime = days if days is not None else int(rules()["tokens"]["api_token_days"])
    if lifetime < 1:
        raise InputError("must be at least 1", field="--days")
    print(users.issue_token(_node(), username, "api", label, timedelta(days=lifetime), actor()))


@user_app.command("list")
def user_list() -> None:
    """The node's users."""
    node = _node()
    disabled = users.disabled_since(node)
    table = Table()
    for column in ("user", "role", "clearance", "nationality", "status"):
        table.add_column(column)
    for u in users.list_users(node):
        table.add_row(u.username, u.role, u.clearance, u.nationality,
                      f"disabled {disabled[u.username][:10]}" if u.username in disabled else "active")
    console.print(table)


@user_app.command("disable")
def user_disable(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable a user: no sign-in, none of their tokens or sessions accepted; nothing is deleted (audited)."""
    user = users.set_disabled(_node(), username, True, actor())
    console.print(f"user {user.username} disabled: sign-in and their tokens are refused")


@user_app.command("enable")
def user_enable(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Enable a disabled user again (audited); their unexpired tokens work again."""
    user = users.set_disabled(_node(), username, False, actor())
    console.print(f"user {user.username} enabled")


@token_app.command("list")
def token_list(
    user: Annotated[str | None, typer.Option(help="Only this user's tokens.")] = None,
    kind: Annotated[str | None, typer.Option(help="api or session.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Tokens by id (the start of their hash: the token itself is never stored), with their expiry."""
    tokens = users.list_tokens(_node(), user, kind)
    if as_json:
        print_json([{"id": t.id, "user": t.username, "kind": t.kind, "label": t.label, "created": t.created,
                     "expires": t.expires, "state": t.state} for t in tokens])
        return
    table = Table()
    for column in ("id", "user", "kind", "label", "created", "expires", "state"):
        table.add_column(column)
    for t in tokens:
        table.add_row(t.id, t.username, t.kind, t.label, t.created[:19], (t.expires or "never")[:19], t.state)
    console.print(table)


@token_app.command("expire")
def token_expire(token_id: Annotated[str, typer.Argument(metavar="ID", help="Token id from `token list`.")]) -> None:
    """End a token now (audited)."""
    token = users.expire_token(_node(), token_id, actor())
    console.print(f"token {token.id} ({token.username}, {token.label}) expired")


# -- sharing notes --------------------------------------------------------------------------------

@share_app.command("screening-note")
def share_screening(
    party_name: Annotated[str, typer.Option("--party", help="The party screened.")],
    finding: Annotated[str, typer.Option(help="The analyst's finding.")],
    country: Annotated[str | None, typer.Option(help="Party country (alpha-2).")] = None,
    screen: Annotated[bool, typer.Option(help="Attach this node's list hits for the party.")] = True,
    tlp: TlpOption = "amber", rel_to: RelToOption = None, classification: ClassificationOption = None,
    org: OrgOption = None,
) -> None:
    """Share a screening finding (with the list hits behind it)."""
    node = _node()
    party = objects.required_party(party_name, country, None, "--party")
    hits = service.screening_hits(party) if screen else []
    obj = node.create(objects.new_screening_note(creator=node.identity_id, party_=party, hits=hits, finding=finding,
                                                 markings=_markings(node, tlp, rel_to, classification, org)), actor())
    console.print(f"screening note {obj['id']} ({len(hits)} list hits attached)")


@share_app.command("investor-note")
def share_investor(
    investor: Annotated[str | None, typer.Option(help="The investor.")] = None,
    concerns: Annotated[str | None, typer.Option(help="What is of concern.")] = None,
    assessment: Annotated[Path | None, typer.Option(help="An ownership assessment written by "
                                                    "`kizuna invest check --note FILE`.")] = None,
    country: Annotated[str | None, typer.Option(help="Investor country (alpha-2).")] = None,
    owner: Annotated[list[str] | None, typer.Option(help="Ownership chain link NAME:COUNTRY:SHARE, repeatable, "
                                                    "nearest owner first.")] = None,
    tlp: TlpOption = "amber", rel_to: RelToOption = None, classification: ClassificationOption = None,
    org: OrgOption = None,
) -> None:
    """Share counter-intelligence on a foreign investor and its ownership chain (typed, or from an assessment)."""
    node = _node()
    if assessment is not None:
        party, chain, summary = service.from_assessment(assessment)
        concerns = concerns or summary
        source = f" ({len(chain)} ownership links from {assessment})"
    else:
        if not investor or not concerns:
            raise InputError("give --investor and --concerns, or --assessment FILE", field="--investor")
        chain = [_owner_link(link) for link in owner or []]
        party, source = objects.required_party(investor, country, None, "--investor"), ""
    obj = node.create(objects.new_investor_note(creator=node.identity_id, investor=party, chain=chain,
                                                concerns=concerns,
                                                markings=_markings(node, tlp, rel_to, classification, org)), actor())
    console.print(f"investor note {obj['id']}{source}")


def _owner_link(link: str) -> dict[str, Any]:
    """One --owner "Name:CC:share" link of an ownership chain."""
    parts = link.split(":")
    entry: dict[str, Any] = {"name": parts[0].strip()}
    if len(parts) > 1 and parts[1].strip():
        entry["country"] = parts[1].strip().upper()
    if len(parts) > 2 and parts[2].strip():
        entry["share"] = parts[2].strip()
    return entry


@share_app.command("comment")
def share_comment(
    about: Annotated[str, typer.Argument(help="Id (or id prefix) of the object commented on.")],
    text: Annotated[str, typer.Option(help="The comment.")],
    tlp: TlpOption = "amber", rel_to: RelToOption = None, classification: ClassificationOption = None,
    org: OrgOption = None,
) -> None:
    """Comment on any object (a STIX note); only originators change their objects, others comment."""
    node = _node()
    target = node.lookup(about)
    obj = node.create(objects.new_note(creator=node.identity_id, about=[target["id"]], content=text,
                                       markings=_markings(node, tlp, rel_to, classification, org)), actor())
    console.print(f"note {obj['id']} on {target['id']}")


# -- denials --------------------------------------------------------------------------------------

@denial_app.command("add")
def denial_add(
    control: Annotated[list[str], typer.Option(help="Control entry: ECCN 3B001.f, WA 3.B.1.f or JP 7の項(1); "
                                               "repeatable.")],
    item: Annotated[str, typer.Option(help="Item description.")],
    end_user: Annotated[str, typer.Option(help="End user's name, in any script.")],
    denied: Annotated[str, typer.Option("--date", help="Date of denial (YYYY-MM-DD).")],
    end_user_country: Annotated[str | None, typer.Option(help="End user's country (alpha-2).")] = None,
    end_user_address: Annotated[str | None, typer.Option(help="End user's address.")] = None,
    consignee: Annotated[str | None, typer.Option(help="Consignee's name.")] = None,
    consignee_country: Annotated[str | None, typer.Option(help="Consignee's country (alpha-2).")] = None,
    consignee_address: Annotated[str | None, typer.Option(help="Consignee's address.")] = None,
    end_use: Annotated[str | None, typer.Option(help="Stated end use.")] = None,
    destination: Annotated[str | None, typer.Option(help="Destination country (alpha-2).")] = None,
    reason: Annotated[str | None, typer.Option(help="Reason for the denial.")] = None,
    tlp: TlpOption = "amber", rel_to: RelToOption = None, classification: ClassificationOption = None,
    org: OrgOption = None, field_rel_to: FieldOption = None, local: LocalOption = False, as_json: JsonOption = False,
) -> None:
    """Record a licence denial; it goes to the allies its markings release it to on their next sync."""
    node = _node()
    user = objects.required_party(end_user, end_user_country, end_user_address, "--end-user")
    obj = objects.new_denial(
        creator=node.identity_id, codes=control, item=item, end_user=user, denial_date=denied,
        consignee=objects.parse_party(consignee, consignee_country, consignee_address, "--consignee"), end_use=end_use,
        destination=destination, reason=reason, markings=_markings(node, tlp, rel_to, classification, org),
        granular=service.field_markings(node, field_rel_to))
    _shared_or_local(rel_to, local)
    created = node.create(obj, actor())
    if as_json:
        print_json(created)
        return
    markings = node.resolver.resolve(created.get("object_marking_refs", [])).label()
    entries = ", ".join(f"{c['scheme']} {c['code']}" for c in created["control_entries"])
    console.print(f"denial {created['id']}\n  {entries} → {user.name}\n  denied {created['denial_date']}, "
                  f"review {created['review_date']}\n  {markings}"
                  + ("\n  kept on this node: releasable to no ally" if local else ""))


@denial_app.command("import")
def denial_import(
    path: Annotated[Path, typer.Argument(metavar="DENIALS.csv", help="Columns: control (';'-separated), item, "
                                         "end_user, end_user_country, end_user_address, consignee, …, reason, date "
                                         "(CSV or xlsx).")],
    tlp: TlpOption = "amber", rel_to: RelToOption = None, classification: ClassificationOption = None,
    org: OrgOption = None, local: LocalOption = False,
) -> None:
    """Import a denial spreadsheet in one transaction: every row is valid, or nothing is stored."""
    _shared_or_local(rel_to, local)
    node = _node()
    count = service.import_denials(node, path, _markings(node, tlp, rel_to, classification, org), actor())
    console.print(f"{count} denials imported from {path.name}")


@denial_app.command("revoke")
def denial_revoke(
    denial_id: Annotated[str, typer.Argument(help="Id (or id prefix) of one of this agency's denials.")],
    reason: Annotated[str, typer.Option(help="Why it is revoked.")],
) -> None:
    """Revoke a denial; the revocation reaches every ally that received it, and it stops counting."""
    node = _node()
    current = node.lookup(denial_id, type_=objects.DENIAL)
    revised = node.revise(current["id"], {"status": "revoked", "status_reason": reason.strip(), "revoked": True},
                          actor(), f"revoked: {reason.strip()}")
    console.print(f"denial {revised['id']} revoked (version {revised['modified']})")


@denial_app.command("remark")
def denial_remark(
    denial_id: Annotated[str, typer.Argument(help="Id (or id prefix) of one of this agency's denials.")],
    rel_to: Annotated[str, typer.Option("--rel-to", help="Releasable to (countries and partner groups).")],
    tlp: TlpOption = "amber", classification: ClassificationOption = None,
    org: OrgOption = None, field_rel_to: FieldOption = None,
) -> None:
    """Give a denial new markings (a new version); an ally no longer entitled to it is told to withdraw it."""
    node = _node()
    current = node.lookup(denial_id, type_=objects.DENIAL)
    changes: dict[str, Any] = {"object_marking_refs": _markings(node, tlp, rel_to, classification, org)}
    if field_rel_to:
        changes["granular_markings"] = service.field_markings(node, field_rel_to)
    revised = node.revise(current["id"], changes, actor(), "re-marked")
    label = node.resolver.resolve(revised["object_marking_refs"]).label()
    console.print(f"denial {revised['id']} re-marked: {label} (version {revised['modified']})")


@denial_app.command("list")
def denial_list(
    status: Annotated[str, typer.Option(help="active, revoked, expired or all.")] = "active",
    source: Annotated[str, typer.Option(help="all, own or allies.")] = "all",
    as_user: Annotated[str | None, typer.Option("--as", help="Show only what this user may see.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Denials held here (this agency's and those received from allies)."""
    node = _node()
    viewer = users.get_user(node, as_user) if as_user else None
    shown = service.denials(node, viewer.recipient(node) if viewer else None, viewer.actor if viewer else actor(),
                            "denial list", status=status, source=source)
    rows = [(o, effective_status(o), w) for o, w in shown.rows]
    if as_json:
        print_json([{**o, "x_status": s, "x_withheld": w} for o, s, w in rows])
        return
    table = Table()
    for column in ("id", "from", "control", "end user", "denied", "review", "status", "markings"):
        table.add_column(column, overflow="fold")
    for o, s, w in rows:
        user = o.get("end_user", {})
        who = f"{user.get('name', '(withheld)')} ({user.get('country', '?')})"
        if "end_user.address" in w:
            who += " [address withheld]"
        table.add_row(_short(o["id"]), node.originator_name(o["created_by_ref"]),
                      ", ".join(c["code"] for c in o["control_entries"]), who, o["denial_date"], o["review_date"],
                      s, node.resolver.resolve(o.get("object_marking_refs", [])).label())
    console.print(table)
    console.print(f"{len(rows)} denial{'s' if len(rows) != 1 else ''} ({status})")


@denial_app.command("show")
def denial_show(denial_id: Annotated[str, typer.Argument(help="Id or id prefix.")]) -> None:
    """One denial as STIX 2.1 JSON."""
    node = _node()
    obj = node.lookup(denial_id, type_=objects.DENIAL)
    node.view_all([obj], None, actor(), "show")
    print_json(obj)


# -- licences -------------------------------------------------------------------------------------

@licence_app.command("check")
def licence_check(
    control: Annotated[list[str], typer.Option(help="Control entry of the application; repeatable.")],
    end_user: Annotated[str, typer.Option(help="End user's name, in any script.")],
    end_user_country: Annotated[str | None, typer.Option(help="End user's country (alpha-2).")] = None,
    end_use: Annotated[str, typer.Option(help="Stated end use.")] = "",
    destination: Annotated[str, typer.Option(help="Destination country (alpha-2).")] = "",
    deadline_days: Annotated[int | None, typer.Option(help="Consultation deadline in days (default from "
                                                      "rules.yaml).")] = None,
    as_json: JsonOption = False,
    report: Annotated[Path | None, typer.Option(help="Also write the check as a report: .json, .csv, .xlsx, .html "
                                                "or .pdf.")] = None,
) -> None:
    """Record an application and check it against every active denial; consult the allies it would undercut."""
    node = _node()
    party = objects.parse_party(end_user, end_user_country, None, "--end-user")
    app_, result = service.check_licence(node, actor(), None, control, party, end_use, destination, deadline_days)
    if report is not None:
        from kizuna.core.report import write

        write(result.report(), report)
    if as_json:
        print_json({"application": app_.id, "status": app_.status, "matches": app_.matches,
                    "consultations": app_.consultations})
        return
    console.print(f"application {app_.id}: {app_.status}")
    if not result.matches:
        console.print("no active denial concerns the same control entry and end user")
    for m in result.matches:
        label = "ESSENTIALLY IDENTICAL" if m.relation == "same" else "related (check by hand)"
        console.print(f"- {label} to {m.denial.originator_name}'s denial {m.denial.id} of {m.denial.denial_date}")
        console.print(f"    control:  {m.control.explanation}")
        console.print(f"    end user: {m.hit.explanation}")
        consultation = node.get(m.consultation) if m.consultation else None
        if consultation:
            console.print(f"    consultation {m.consultation} sent to {m.denial.originator_name}, deadline "
                          f"{consultation['deadline']}; approval blocked until answered or past the deadline")


@licence_app.command("approve")
def licence_approve(app_id: Annotated[str, typer.Argument(help="Application id (or prefix).")]) -> None:
    """Approve an application; refused while a no-undercut consultation is open and before its deadline."""
    approved = service.approve(_node(), app_id, actor())
    console.print(f"{approved.id} approved" + (f" ({approved.note})" if approved.note else ""))


@licence_app.command("list")
def licence_list() -> None:
    """Applications recorded on this node."""
    table = Table()
    for column in ("application", "recorded", "control", "end user", "matches", "status"):
        table.add_column(column, overflow="fold")
    for a in service.list_applications(_node()):
        table.add_row(a.id, a.created[:19], ", ".join(c["code"] for c in a.controls), a.end_user.name,
                      str(len(a.matches)), a.status)
    console.print(table)


@consultation_app.command("list")
def consultation_list(as_json: JsonOption = False) -> None:
    """Consultations from allies about our denials, and ours to them."""
    node = _node()
    incoming, outgoing = service.consultations(node)
    if as_json:
        print_json({"incoming": incoming, "outgoing": outgoing})
        return
    table = Table()
    for column in ("id", "direction", "with", "about", "deadline", "status", "answer"):
        table.add_column(column, overflow="fold")
    for direction, items in (("from ally", incoming), ("ours", outgoing)):
        for c in items:
            ally = c["created_by_ref"] if direction == "from ally" else (node.get(c["denial_ref"]) or {}).get(
                "created_by_ref", "")
            table.add_row(_short(c["id"]), direction, node.originator_name(ally),
                          f"{', '.join(e['code'] for e in c['application']['control_entries'])} → "
                          f"{c['application']['end_user'].get('name', '')}", c["deadline"], c["status"],
                          f"{c.get('position', '')} {c.get('answer', '')}".strip())
    console.print(table)


@consultation_app.command("answer")
def consultation_answer(
    consultation_id: Annotated[str, typer.Argument(help="Id (or prefix) of an ally's consultation.")],
    text: Annotated[str, typer.Option(help="The answer.")],
    position: Annotated[str, typer.Option(help="no-objection or objection.")] = "no-objection",
) -> None:
    """Answer an ally's consultation about one of our denials; the answer goes only to that ally."""
    note = service.answer_consultation(_node(), consultation_id, text, position, actor())
    console.print(f"answer {note['id']} recorded; the consulting agency receives it on its next sync")


# -- benchmark ------------------------------------------------------------------------------------


def bench_exchange(
    objects_: Annotated[int, typer.Option("--objects", help="Objects for the initial sync.")] = 100_000,
    incremental: Annotated[int, typer.Option(help="New objects for the incremental sync.")] = 1_000,
    page_size: Annotated[int, typer.Option(help="Objects per request.")] = 1_000,
) -> None:
    """Initial and incremental sync between two nodes, beside a full re-download (MISP's pull) in the same run."""
    from kizuna.exchange.bench import run

    results = run(objects_, incremental, page_size, console.print)
    table = Table(title=f"exchange sync between two nodes on loopback ({results['backend']})")
    table.add_column("step")
    table.add_column("objects", justify="right")
    table.add_column("seconds", justify="right")
    table.add_column("objects/s", justify="right")
    for label, count, seconds in results["rows"]:
        table.add_row(label, f"{count:,}", f"{seconds:.2f}", f"{count / seconds:,.0f}" if seconds else "-")
    console.print(table)
    console.print(results["summary"])
