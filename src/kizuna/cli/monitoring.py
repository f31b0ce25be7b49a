"""``kizuna registers …`` (counterparty registers), ``kizuna alerts …`` (alerts, cases, feed, webhooks, reports,
audit) and ``kizuna bench monitoring``. Each command parses its options, calls ``kizuna.monitoring.service`` and
prints."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from kizuna.cli.output import actor, console, print_json, read_password
from kizuna.core import report as report_renderer
from kizuna.core.credentials import NotSignedIn
from kizuna.core.errors import InputError
from kizuna.monitoring import service
from kizuna.monitoring.cases import Alert
from kizuna.monitoring.registers import PartyInput
from kizuna.monitoring.store import MonitoringStore, StoredParty

registers_app = typer.Typer(help="Counterparty registers, re-screened on every new list snapshot.",
                            no_args_is_help=True)
analysts_app = typer.Typer(help="The analysts who act on registers and cases: passwords, API tokens.",
                           no_args_is_help=True)
alerts_app = typer.Typer(help="Alerts and their cases: review, four-eyes decisions, feed, webhooks, reports, audit.",
                         no_args_is_help=True)

User = Annotated[str, typer.Option("--user", envvar="KIZUNA_USER", help="The analyst you are (or $KIZUNA_USER): "
                                   "the password is asked for (or $KIZUNA_PASSWORD); $KIZUNA_TOKEN, an API token, "
                                   "signs you in instead.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Names = Annotated[list[str] | None, typer.Option("--alias", help="Another name, in any script (repeatable).")]
Tags = Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).")]
Ids = Annotated[list[str] | None, typer.Option("--identifier", help="TYPE:VALUE (repeatable).")]


def _analyst(store: MonitoringStore, user: str) -> service.Analyst:
    """The analyst this command acts as: signed in by ``$KIZUNA_TOKEN``, or by ``--user`` and the password."""
    token = os.environ.get(TOKEN_ENV)
    if token:
        analyst = service.analysts.with_token(store, token)
        if user and user != analyst.name:
            raise NotSignedIn(f"${TOKEN_ENV} signs in {analyst.name}, not {user}: unset one of them")
        return analyst
    if not user:
        raise NotSignedIn("say who you are: --user NAME (or $KIZUNA_USER) with the password, or "
                                           f"${TOKEN_ENV} set to an API token (kizuna analysts token NAME)")
    return service.analysts.with_password(store, user, read_password(prompt=f"password for {user}: "), actor())


TOKEN_ENV = "KIZUNA_TOKEN"


# -- analysts ----------------------------------------------------------------------------------------------------

@analysts_app.command("add")
def analyst_add(name: Annotated[str, typer.Argument(help="The analyst's name, as cases will show it.")]) -> None:
    """Add an analyst, or set a new password for one (asked for, or $KIZUNA_PASSWORD, or standard input)."""
    with service.opened() as store:
        who = service.analysts.add(store, name, read_password(prompt=f"new password for {name}: "), actor())
    console.print(f"analyst {escape(who)} can sign in")


@analysts_app.command("token")
def analyst_token(name: Annotated[str, typer.Argument(help="The analyst the token signs in.")],
                  label: Annotated[str, typer.Option(help="What the token is for.")] = "api",
                  days: Annotated[int | None, typer.Option(help="Days until it expires (at most sign_in."
                                                           "api_token_days in rules.yaml, the default).")] = None
                  ) -> None:
    """Issue an API token for yourself (your password is asked for): printed once, only its digest is kept."""
    with service.opened() as store:
        analyst = service.analysts.with_password(store, name, read_password(prompt=f"password for {name}: "),
                                                 actor())
        print(service.analysts.issue_api_token(store, analyst, label, days))


@analysts_app.command("disable")
def analyst_disable(name: str) -> None:
    """Disable an analyst (no sign-in; their tokens end; their decisions stay on record)."""
    with service.opened() as store:
        service.analysts.disable(store, name, actor())
    console.print(f"analyst {escape(name)} disabled")


@analysts_app.command("list")
def analyst_list(as_json: JsonOption = False) -> None:
    """The analysts, with their active API tokens and sessions."""
    with service.opened() as store:
        rows = service.analysts.listed(store)
    if as_json:
        print_json(rows)
        return
    table = Table("analyst", "since", "status", "active tokens")
    for row in rows:
        table.add_row(escape(row["name"]), row["created_at"][:10],
                      f"disabled {row['disabled_at'][:10]}" if row["disabled_at"] else "enabled", str(row["tokens"]))
    console.print(table)


# -- registers ---------------------------------------------------------------------------------------------------

@registers_app.command("import")
def import_command(file: Path, name: Annotated[str, typer.Option("--name", help="The register's name.")],
                   user: User = "", no_screen: Annotated[bool, typer.Option("--no-screen")] = False,
                   as_json: JsonOption = False) -> None:
    """Add every party of a CSV or xlsx file to a register and screen them against the current lists."""
    with service.opened() as store:
        result = service.import_register(store, file, name, _analyst(store, user), screen=not no_screen)
    if as_json:
        print_json(result.to_dict())
        return
    screened = result.rescreen["screened"] if result.rescreen else 0
    console.print(f"register {escape(result.register)}: {result.added:,} parties added, {screened:,} screened, "
                  f"{len(result.alerts_raised)} alert(s) raised")


@registers_app.command("list")
def list_command(as_json: JsonOption = False) -> None:
    """The registers with their party counts."""
    with service.opened() as store:
        rows = service.registers(store)
    if as_json:
        print_json(rows)
        return
    table = Table("register", "parties", "not yet screened", "created")
    for row in rows:
        table.add_row(escape(row["name"]), f"{row['parties']:,}", f"{row['unscreened']:,}", row["created_at"])
    console.print(table)


@registers_app.command("parties")
def parties_command(register: Annotated[str | None, typer.Option("--register")] = None,
                    offset: int = 0, limit: int = 100, as_json: JsonOption = False) -> None:
    """A register's parties (all registers when none is named)."""
    with service.opened() as store:
        rows = service.parties(store, register, offset, limit)
    if as_json:
        print_json([row.to_dict() for row in rows])
        return
    _print_parties(rows)


def _print_parties(rows: list[StoredParty]) -> None:
    table = Table("id", "register", "ref", "name", "kind", "country", "owner", "tags", "screened on")
    for row in rows:
        party = row.party
        table.add_row(str(row.id), escape(row.register), escape(party.id), escape(party.name), party.kind.value,
                      party.country or "", escape(row.owner), escape(", ".join(row.tags)), row.screened_on or "—")
    console.print(table)


def _given(name: str, ref: str, kind: str, country: str, aliases: list[str] | None, identifiers: list[str] | None,
           birth_date: str, owner: str, tags: list[str] | None) -> PartyInput:
    return PartyInput(name, ref, kind, country, list(aliases or []), list(identifiers or []), birth_date, owner,
                      list(tags or []))


@registers_app.command("add")
def add_command(register: Annotated[str, typer.Option("--register")], name: Annotated[str, typer.Option("--name")],
                user: User = "", ref: Annotated[str, typer.Option("--id")] = "",
                kind: str = "any", country: str = "", alias: Names = None, identifier: Ids = None,
                birth_date: str = "", owner: str = "", tag: Tags = None, as_json: JsonOption = False) -> None:
    """Add one party to a register and screen it."""
    with service.opened() as store:
        stored = service.add_party(store, register, _given(name, ref, kind, country, alias, identifier, birth_date,
                                                          owner, tag), _analyst(store, user))
    print_json(stored.to_dict()) if as_json else _print_parties([stored])


@registers_app.command("edit")
def edit_command(party_id: int, name: Annotated[str, typer.Option("--name")], user: User = "",
                 ref: Annotated[str, typer.Option("--id")] = "", kind: str = "any", country: str = "",
                 alias: Names = None, identifier: Ids = None, birth_date: str = "", owner: str = "",
                 tag: Tags = None, as_json: JsonOption = False) -> None:
    """Replace a party's facts (give every field you want kept) and screen it again."""
    with service.opened() as store:
        stored = service.edit_party(store, party_id, _given(name, ref, kind, country, alias, identifier, birth_date,
                                                           owner, tag), _analyst(store, user))
    print_json(stored.to_dict()) if as_json else _print_parties([stored])


@registers_app.command("remove")
def remove_command(party_id: int, user: User = "") -> None:
    """Take a party out of its register (its open alerts close; its history stays)."""
    with service.opened() as store:
        service.remove_party(store, party_id, _analyst(store, user))
    console.print(f"party {party_id} removed")


@registers_app.command("rescreen")
def rescreen_command(full: Annotated[bool, typer.Option("--full", help="Screen every party again.")] = False,
                     dask: Annotated[str | None, typer.Option("--dask", metavar="ADDRESS", help="Screen the parties "
                                     "on a Dask cluster: its scheduler address, or local:N for N local worker "
                                     "processes (docs/scaling.md).")] = None,
                     user: User = "", as_json: JsonOption = False) -> None:
    """Re-screen the registers on the current snapshot (what `lists update`/`fetch`/`load-bundled` do by
    themselves): only the parties the changes since their last screening can touch, or all with --full."""
    with service.opened() as store:
        analyst = _analyst(store, user) if user or os.environ.get(TOKEN_ENV) else None  # else Kizuna's own run
        run, raised = service.rescreen_registers(store, analyst, full=full, cluster=dask)
    if as_json:
        print_json({**run.to_dict(), "alerts_raised": len(raised)})
        return
    console.print(f"snapshot {run.snapshot_id} ({run.mode}): {run.screened:,} of {run.parties:,} parties screened "
                  f"({run.diff_entries} entries added or changed, {run.removed_entries} removed, {run.candidates} "
                  f"found by the reverse search) in {run.seconds:.2f} s; {len(raised)} alert(s) raised")


# -- alerts and cases --------------------------------------------------------------------------------------------

def _alert_row(alert: Alert) -> list[str]:
    return [str(alert.id), alert.state + (f" (proposed: {alert.proposed})" if alert.proposed and
                                          alert.state == "in_review" else ""),
            escape(alert.party_name), alert.list_code, escape(alert.entry_name), f"{alert.score:.2f}",
            escape(alert.assignee), alert.created_at]


@alerts_app.command("list")
def alerts_command(state: Annotated[list[str] | None, typer.Option("--state", help="new, in_review, cleared, "
                                                                   "confirmed, escalated, closed")] = None,
                   assignee: str | None = None, limit: int = 100, offset: int = 0, as_json: JsonOption = False) -> None:
    """Alerts, newest first."""
    with service.opened() as store:
        rows = service.alerts(store, tuple(state or ()), assignee, limit=limit, offset=offset)
    if as_json:
        print_json([{k: v for k, v in a.to_dict().items() if k != "evidence"} for a in rows])
        return
    table = Table("alert", "state", "party", "list", "listed entry", "score", "assignee", "raised")
    for alert in rows:
        table.add_row(*_alert_row(alert))
    console.print(table)


@alerts_app.command("show")
def show_command(alert_id: int, as_json: JsonOption = False) -> None:
    """A case: the alert, its frozen evidence (the entry as it stood, score, explanation, snapshot), its history."""
    with service.opened() as store:
        found = service.case(store, alert_id)
    alert: Alert = found["alert"]
    if as_json:
        print_json({"alert": alert.to_dict(), "history": found["history"], "audit": found["audit"]})
        return
    hit, entry = alert.evidence["hit"], alert.evidence["entry"]
    console.print(f"[bold]alert {alert.id}[/] · {alert.state} · assigned to {escape(alert.assignee or '—')}")
    console.print(f"party: {escape(alert.party_name)} ({escape(alert.evidence['party']['id'])}, register "
                  f"{escape(str(alert.evidence.get('register', '')))}, "
                  f"owner {escape(alert.evidence.get('owner', ''))})")
    console.print(f"listed: {escape(entry['name'])} — {alert.list_code} {alert.entry_id}, list version "
                  f"{alert.list_version}, snapshot {alert.snapshot_id}")
    console.print(f"score {alert.score:.4f}: {escape(hit['explanation'])}")
    if alert.proposed:
        console.print(f"proposed: {alert.proposed} by {escape(alert.proposed_by or '')}")
    table = Table("when", "who", "what", "from", "to", "comment", title="history")
    for event in found["history"]:
        table.add_row(event["at"], escape(event["actor"]), escape(event["action"]), event["state_from"],
                      event["state_to"], escape(event["comment"]))
    console.print(table)


def _act(alert_id: int, user: str, action: str, **options: Any) -> None:
    with service.opened() as store:
        alert = service.act(store, alert_id, _analyst(store, user), action, **options)
    pending = f", proposed {alert.proposed} by {alert.proposed_by} (a second analyst approves)" \
        if alert.proposed and alert.state == "in_review" else ""
    console.print(f"alert {alert.id}: {alert.state}{escape(pending)}")


Comment = Annotated[str, typer.Option("--comment")]


@alerts_app.command("review")
def review_command(alert_id: int, user: User = "", comment: Comment = "") -> None:
    """Take a new or escalated case into review."""
    _act(alert_id, user, "review", comment=comment)


@alerts_app.command("assign")
def assign_command(alert_id: int, to: Annotated[str, typer.Option("--to")], user: User = "",
                   comment: Comment = "") -> None:
    """Assign a case to an analyst."""
    _act(alert_id, user, "assign", assignee=to, comment=comment)


@alerts_app.command("comment")
def comment_command(alert_id: int, text: str, user: User = "") -> None:
    """Add a comment to a case's history."""
    _act(alert_id, user, "comment", comment=text)


@alerts_app.command("decide")
def decide_command(alert_id: int, decision: Annotated[str, typer.Argument(help="cleared, confirmed or escalated")],
                   user: User = "", comment: Comment = "",
                   whitelist_days: Annotated[int | None, typer.Option(help="How long a clearing lasts.")] = None
                   ) -> None:
    """Decide a case in review; clearing and confirming are proposals a second analyst approves (four-eyes)."""
    _act(alert_id, user, "decide", decision=decision, comment=comment, whitelist_days=whitelist_days)


@alerts_app.command("approve")
def approve_command(alert_id: int, user: User = "", comment: Comment = "",
                    whitelist_days: Annotated[int | None, typer.Option()] = None) -> None:
    """Approve another analyst's proposed decision (four-eyes)."""
    _act(alert_id, user, "approve", comment=comment, whitelist_days=whitelist_days)


@alerts_app.command("reject")
def reject_command(alert_id: int, user: User = "", comment: Comment = "") -> None:
    """Send another analyst's proposed decision back (the case stays in review)."""
    _act(alert_id, user, "reject", comment=comment)


@alerts_app.command("feed")
def feed_command(since: Annotated[int, typer.Option(help="Alerts raised after this alert id.")] = 0,
                 limit: int = 100) -> None:
    """The alert feed as JSON: alerts raised after ``--since``, oldest first (what the webhook posts)."""
    with service.opened() as store:
        rows = service.alerts(store, since_id=since, limit=limit)
    print_json([{k: v for k, v in a.to_dict().items() if k != "evidence"} for a in rows])


@alerts_app.command("webhook-add")
def webhook_add(url: str, user: User = "") -> None:
    """Post every alert and decision to URL (JSON, with retries)."""
    with service.opened() as store:
        webhook_id = service.add_webhook(store, url, _analyst(store, user))
    console.print(f"webhook {webhook_id}: {escape(url)}")


@alerts_app.command("webhook-remove")
def webhook_remove(webhook_id: int, user: User = "") -> None:
    """Stop posting to a webhook."""
    with service.opened() as store:
        service.remove_webhook(store, webhook_id, _analyst(store, user))
    console.print(f"webhook {webhook_id} removed")


@alerts_app.command("webhooks")
def webhooks_command(as_json: JsonOption = False) -> None:
    """The webhooks with their deliveries."""
    with service.opened() as store:
        rows = service.feed.webhooks(store)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "url", "delivered", "pending", "failed")
    for row in rows:
        table.add_row(str(row["id"]), escape(row["url"]), str(row["delivered"]), str(row["pending"]),
                      str(row["failed"]))
    console.print(table)


@alerts_app.command("deliver")
def deliver_command(retry_failed: Annotated[bool, typer.Option("--retry-failed")] = False) -> None:
    """Post the pending webhook events now (and the failed ones with --retry-failed)."""
    with service.opened() as store:
        counts = service.feed.deliver(store, retry_failed=retry_failed)
    console.print(f"{counts['delivered']} delivered, {counts['failed']} failed, {counts['pending']} pending")


@alerts_app.command("report")
def report_command(out: Annotated[Path, typer.Option("--out", help="json, csv, xlsx, html or pdf by suffix.")],
                   daily: Annotated[bool, typer.Option("--daily", help="The daily summary (else: cases with "
                                                                       "charts).")] = False,
                   day: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default today).")] = None
                   ) -> None:
    """The daily summary, or the cases report with its charts (open cases by age, alerts and false-positive rate
    per list, time to decision)."""
    when = _date(day)
    with service.opened() as store:
        if daily:
            written = report_renderer.write(service.daily_summary(store, when), out)
        else:
            report, charts = service.cases_report(store, when)
            written = report_renderer.write(report, out, template=service.reports.TEMPLATE, charts=charts)
    console.print(f"wrote {written}")


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"not an ISO date (YYYY-MM-DD): {value!r}", field="--date") from exc


@alerts_app.command("audit")
def audit_command(subject: Annotated[str | None, typer.Option(help="alert:ID, party:ID, register:NAME, …")] = None,
                  limit: int = 200, as_json: JsonOption = False) -> None:
    """The append-only audit log, newest first: who did what, when, on which list version."""
    with service.opened() as store:
        rows = service.audit_log(store, subject, limit)
    if as_json:
        print_json(rows)
        return
    table = Table("#", "when", "who", "what", "subject", "snapshot", "list version", "detail")
    for row in rows:
        table.add_row(str(row["id"]), row["at"], escape(row["actor"]), escape(row["action"]), escape(row["subject"]),
                      row["snapshot_id"], row["list_version"],
                      escape(json.dumps(row["detail"], ensure_ascii=False)[:120]))
    console.print(table)


# -- benchmark ---------------------------------------------------------------------------------------------------

def bench_monitoring(
    parties: Annotated[int, typer.Option(help="Register parties.")] = 1_000_000,
    changes: Annotated[int, typer.Option(help="Entries the list update changes.")] = 200,
    full_sample: Annotated[int, typer.Option(help="Parties the full re-screen is timed on when it is too slow to "
                                                  "run on all (0: all).")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Re-screen a register after a list update of CHANGES entries, incrementally and in full, in the same run:
    the time of each and whether the hits are identical."""
    from kizuna.monitoring.bench import run_benchmark

    figures = run_benchmark(parties, changes, full_sample)
    if as_json:
        print_json(figures)
        return
    table = Table(title=f"kizuna bench monitoring: {parties:,} register parties, {changes} changed entries")
    table.add_column("step")
    table.add_column("seconds", justify="right")
    table.add_column("note")
    for label, seconds, note in figures["rows"]:
        table.add_row(label, f"{seconds:.2f}", note)
    console.print(table)
    console.print(json.dumps(figures["summary"]))
