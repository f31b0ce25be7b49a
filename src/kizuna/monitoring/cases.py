"""Alerts and their cases: raised from hits, decided by analysts, every step in the case history and the audit log.

An alert is a case: new → in review → cleared (a false positive) / confirmed / escalated. Its evidence is frozen
when it is raised: the listed entry as it stood, the party as it stood, the score, the explanation and the snapshot.
``act`` is the one place where a case changes (the CLI, the API and the console all call it), and the four-eyes
rule lives there: a decision that ``data/monitoring/rules.yaml`` names needs a proposal by one analyst and the
approval of another; anything it cannot verify is refused.

A cleared false positive stays cleared — the same hit raises no new alert — until the listed entry changes, the
party is edited, or its whitelisting expires; a hit that disappears (the entry was removed, or no longer matches)
closes the open alert.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from kizuna.core.entity import Entry
from kizuna.core.errors import InputError, KizunaError, NotFoundError
from kizuna.lists.diff import COMPARED_FIELDS
from kizuna.lists.store import Snapshot
from kizuna.monitoring.analysts import SYSTEM, Analyst, enabled
from kizuna.monitoring.rules import rules
from kizuna.monitoring.store import MonitoringStore, StoredParty, now
from kizuna.screening import Hit
from kizuna.screening.options import check_text


class State(StrEnum):
    NEW = "new"
    IN_REVIEW = "in_review"
    CLEARED = "cleared"  # a false positive
    CONFIRMED = "confirmed"  # a true match
    ESCALATED = "escalated"
    CLOSED = "closed"  # the hit is gone (entry removed, no longer matching, party removed)


OPEN = (State.NEW, State.IN_REVIEW, State.ESCALATED)


class FourEyesError(KizunaError):
    """A decision that needs a second analyst was attempted without one."""


class CaseError(InputError):
    """An action that the case's state does not allow."""


@dataclass(slots=True)
class Alert:
    id: int
    party_id: int
    list_code: str
    entry_id: str
    state: str
    score: float
    snapshot_id: str
    list_version: str
    evidence: dict[str, Any]
    assignee: str
    proposed: str | None
    proposed_by: str | None
    decided_by: str | None
    decided_at: str | None
    whitelist_until: str | None
    closed_reason: str | None
    created_at: str
    updated_at: str

    @property
    def party_name(self) -> str:
        return str(self.evidence["party"]["name"])

    @property
    def entry_name(self) -> str:
        return str(self.evidence["entry"]["name"])

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "party_id": self.party_id, "party": self.party_name, "list": self.list_code,
                "entry_id": self.entry_id, "entry": self.entry_name, "state": self.state, "score": self.score,
                "snapshot_id": self.snapshot_id, "list_version": self.list_version, "assignee": self.assignee,
                "proposed": self.proposed, "proposed_by": self.proposed_by, "decided_by": self.decided_by,
                "decided_at": self.decided_at, "whitelist_until": self.whitelist_until,
                "closed_reason": self.closed_reason, "created_at": self.created_at, "updated_at": self.updated_at,
                "evidence": self.evidence}


_COLUMNS = ("id, party_id, list_code, entry_id, state, score, snapshot_id, list_version, evidence, assignee, "
            "proposed, proposed_by, decided_by, decided_at, whitelist_until, closed_reason, created_at, updated_at")


def _alert(row: Any) -> Alert:
    values = dict(row._mapping)
    values["evidence"] = json.loads(values["evidence"])
    return Alert(**values)


def entry_digest(entry: Entry | dict[str, Any]) -> str:
    """A fingerprint of what an officer would call a change of the entry (the fields ``lists diff`` compares)."""
    data = entry.to_dict() if isinstance(entry, Entry) else entry
    text = json.dumps({k: data.get(k) for k in COMPARED_FIELDS}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# -- raising and closing (the re-screen calls these) ---------------------------------------------------------

def sync_alerts(store: MonitoringStore, party: StoredParty, old: dict[tuple[str, str], dict[str, Any]],
                hits: list[Hit], snapshot: Snapshot) -> list[int]:
    """Raise an alert for each hit that has none that still stands, close open alerts whose hit is gone; inside
    the caller's transaction. Gives the ids of the alerts raised."""
    raised: list[int] = []
    current = {(h.list_code, h.entry_id): h for h in hits}
    latest = _latest_alerts(store, party.id)
    today = date.today().isoformat()
    for key, hit in current.items():
        entry = snapshot.entry(*key)
        digest = entry_digest(entry)
        previous = latest.get(key)
        if previous is not None and _still_stands(previous, party, digest, today):
            continue
        raised.append(_raise(store, party, hit, entry, digest, snapshot))
    for key, alert in latest.items():
        if key not in current and alert["state"] in OPEN:
            reason = ("the entry was removed from its list" if not _listed(snapshot, key)
                      else "the hit no longer matches")
            _close(store, int(alert["id"]), alert["state"], reason, snapshot)
    return raised


def _latest_alerts(store: MonitoringStore, party_id: int) -> dict[tuple[str, str], dict[str, Any]]:
    rows = store.run("SELECT id, list_code, entry_id, state, party_revision, entry_digest, whitelist_until "
                     "FROM alerts WHERE party_id = :p ORDER BY id", {"p": party_id}).mappings()
    return {(r["list_code"], r["entry_id"]): dict(r) for r in rows}


def _still_stands(alert: dict[str, Any], party: StoredParty, digest: str, today: str) -> bool:
    """Whether the latest alert of a hit covers it still: open, or decided on this very entry and party."""
    if alert["state"] in OPEN:
        return True
    if alert["state"] == State.CLOSED:
        return False
    same = alert["party_revision"] == party.revision and alert["entry_digest"] == digest
    if alert["state"] == State.CLEARED:
        return same and (alert["whitelist_until"] or "") > today
    return same  # confirmed: the decision holds for this entry and this party


def _listed(snapshot: Snapshot, key: tuple[str, str]) -> bool:
    try:
        snapshot.entry(*key)
    except NotFoundError:
        return False
    return True


def _raise(store: MonitoringStore, party: StoredParty, hit: Hit, entry: Entry, digest: str,
           snapshot: Snapshot) -> int:
    version = entry.provenance.data_date
    evidence = {"party": party.party.to_dict(), "register": party.register, "owner": party.owner, "tags": party.tags,
                "entry": entry.to_dict(), "hit": hit.to_dict(), "snapshot_id": snapshot.id, "list_version": version}
    at = now()
    alert_id = store.insert(
        "INSERT INTO alerts (party_id, list_code, entry_id, state, score, snapshot_id, list_version, party_revision, "
        "entry_digest, evidence, assignee, created_at, updated_at) VALUES (:p, :l, :e, :s, :score, :snap, :v, :rev, "
        ":digest, :evidence, :assignee, :at, :at)",
        {"p": party.id, "l": hit.list_code, "e": hit.entry_id, "s": State.NEW.value, "score": hit.score,
         "snap": snapshot.id, "v": version, "rev": party.revision, "digest": digest,
         "evidence": json.dumps(evidence, ensure_ascii=False), "assignee": party.owner, "at": at})
    _event(store, alert_id, SYSTEM, "raised", "", State.NEW, f"score {hit.score:.4f} on {hit.list_code} {hit.entry_id}")
    store.audit(SYSTEM, "alert raised", f"alert:{alert_id}", snapshot.id, version, party=party.party.id,
                register=party.register, list=hit.list_code, entry=hit.entry_id, score=hit.score)
    from kizuna.monitoring.feed import enqueue  # the feed reads alerts; alerts do not need the feed otherwise

    enqueue(store, alert_id, "alert raised")
    return alert_id


def _close(store: MonitoringStore, alert_id: int, state: str, reason: str, snapshot: Snapshot | None) -> None:
    store.run("UPDATE alerts SET state = :s, closed_reason = :r, updated_at = :at WHERE id = :id",
              {"s": State.CLOSED.value, "r": reason, "at": now(), "id": alert_id})
    _event(store, alert_id, SYSTEM, "closed", state, State.CLOSED, reason)
    store.audit(SYSTEM, "alert closed", f"alert:{alert_id}", snapshot.id if snapshot else "", "", reason=reason)


def close_party_alerts(store: MonitoringStore, party_id: int, reason: str) -> None:
    """Close every open alert of a party (it was removed from its register); inside the caller's transaction."""
    for alert in _latest_alerts(store, party_id).values():
        if alert["state"] in OPEN:
            _close(store, int(alert["id"]), alert["state"], reason, None)


def _event(store: MonitoringStore, alert_id: int, actor: str, action: str, state_from: str, state_to: str,
           comment: str = "") -> None:
    store.run("INSERT INTO events (alert_id, at, actor, action, state_from, state_to, comment) "
              "VALUES (:a, :at, :actor, :action, :f, :t, :c)",
              {"a": alert_id, "at": now(), "actor": actor, "action": action, "f": str(state_from),
               "t": str(state_to), "c": comment})


# -- reading ---------------------------------------------------------------------------------------------------

def get(store: MonitoringStore, alert_id: int) -> Alert:
    row = store.run(f"SELECT {_COLUMNS} FROM alerts WHERE id = :id", {"id": alert_id}).fetchone()
    if row is None:
        raise NotFoundError(f"no alert {alert_id}")
    return _alert(row)


def history(store: MonitoringStore, alert_id: int) -> list[dict[str, Any]]:
    rows = store.run("SELECT at, actor, action, state_from, state_to, comment FROM events WHERE alert_id = :a "
                     "ORDER BY id", {"a": alert_id}).mappings().all()
    return [dict(r) for r in rows]


def find(store: MonitoringStore, *, states: tuple[str, ...] = (), since_id: int = 0, assignee: str | None = None,
         limit: int = 100, offset: int = 0) -> list[Alert]:
    """Alerts newest first (``since_id``: only those raised after that id, oldest first: the feed)."""
    where = ["id > :since"]
    params: dict[str, Any] = {"since": since_id, "limit": limit, "offset": offset}
    if states:
        where.append("state IN (" + ",".join(f":s{n}" for n in range(len(states))) + ")")
        params |= {f"s{n}": s for n, s in enumerate(states)}
    if assignee:
        where.append("assignee = :assignee")
        params["assignee"] = assignee
    order = "id" if since_id else "id DESC"
    rows = store.run(f"SELECT {_COLUMNS} FROM alerts WHERE {' AND '.join(where)} ORDER BY {order} "
                     "LIMIT :limit OFFSET :offset", params)
    return [_alert(row) for row in rows]


# -- the one place a case changes -----------------------------------------------------------------------------

ACTIONS = ("assign", "comment", "review", "decide", "approve", "reject")


def check_actor(store: MonitoringStore, actor: Analyst | None) -> str:
    """The name of an analyst who signed in and is still enabled; refused otherwise (no change is anonymous)."""
    if not isinstance(actor, Analyst) or not enabled(store, actor.name):
        raise FourEyesError("sign in as an enabled analyst first (the console's sign-in, an API token, or "
                            "--user NAME and the password, or $KIZUNA_TOKEN, on the command line): every change names "
                            "who made it, and the four-eyes rule compares those names")
    return actor.name


def _check_assignee(store: MonitoringStore, name: str | None) -> str:
    if not name or not enabled(store, name.strip()):
        raise CaseError(f"assign to an enabled analyst ({name!r} is not one; see kizuna analysts list)",
                        field="assignee")
    return name.strip()


def act(store: MonitoringStore, alert_id: int, actor: Analyst | None, action: str, *, decision: str | None = None,
        comment: str = "", assignee: str | None = None, whitelist_days: int | None = None) -> Alert:
    """Apply one analyst action to a case, in one transaction with its history and audit records.

    ``review`` takes a new (or escalated) case into review; ``decide`` records a decision (cleared, confirmed,
    escalated): one the four-eyes rule names becomes a proposal that ``approve`` by another analyst makes final
    (``reject`` sends it back); ``assign`` and ``comment`` change no state.
    """
    who = check_actor(store, actor)
    if action not in ACTIONS:
        raise CaseError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})", field="action")
    note = check_text(comment, "comment").strip()
    with store.transaction():
        alert = get(store, alert_id)
        before = alert.state
        changes: dict[str, Any] = {}
        if alert.state == State.CLOSED and action not in ("comment",):
            raise CaseError(f"alert {alert_id} is closed ({alert.closed_reason})", field="action")
        if action == "assign":
            changes["assignee"] = _check_assignee(store, assignee)
        elif action == "review":
            _require(alert, (State.NEW, State.ESCALATED), action)
            changes["state"] = State.IN_REVIEW
        elif action == "decide":
            changes |= _decide(alert, who, decision, whitelist_days)
        elif action == "approve":
            changes |= _approve(alert, who, whitelist_days)
        elif action == "reject":
            if not alert.proposed:
                raise CaseError(f"alert {alert_id} has no proposed decision to reject", field="action")
            if who == alert.proposed_by:
                raise FourEyesError("a proposal is rejected by another analyst than the one who made it "
                                    "(withdraw it with a comment and ask a colleague)")
            changes |= {"proposed": None, "proposed_by": None}
        elif action == "comment" and not note:
            raise CaseError("an empty comment", field="comment")
        after = str(changes.get("state", before))
        if changes:
            changes["updated_at"] = now()
            assignments = ", ".join(f"{column} = :{column}" for column in changes)
            store.run(f"UPDATE alerts SET {assignments} WHERE id = :id", {**changes, "id": alert_id})
        label = action if action != "decide" else f"decide {decision}"
        _event(store, alert_id, who, label, before, after, note)
        store.audit(who, f"case {label}", f"alert:{alert_id}", alert.snapshot_id, alert.list_version,
                    state_from=before, state_to=after, comment=note,
                    **({"assignee": changes["assignee"]} if "assignee" in changes else {}))
        if after != before and after in (State.CLEARED, State.CONFIRMED, State.ESCALATED):
            from kizuna.monitoring.feed import enqueue

            enqueue(store, alert_id, f"case {after}")
    return get(store, alert_id)


def _require(alert: Alert, states: tuple[State, ...], action: str) -> None:
    if alert.state not in states:
        raise CaseError(f"alert {alert.id} is {alert.state}: {action} needs it to be "
                        f"{' or '.join(s.value for s in states)}", field="action")


def _decide(alert: Alert, who: str, decision: str | None, whitelist_days: int | None) -> dict[str, Any]:
    _require(alert, (State.IN_REVIEW,), "a decision")
    if decision not in (State.CLEARED, State.CONFIRMED, State.ESCALATED):
        raise CaseError(f"unknown decision {decision!r} (cleared, confirmed or escalated)", field="decision")
    if alert.proposed:
        raise CaseError(f"alert {alert.id} already has a proposed decision ({alert.proposed} by "
                        f"{alert.proposed_by}); approve or reject it first", field="decision")
    if decision in rules().four_eyes.decisions:
        return {"proposed": decision, "proposed_by": who}
    return _final(decision, who, whitelist_days)


def _approve(alert: Alert, who: str, whitelist_days: int | None) -> dict[str, Any]:
    _require(alert, (State.IN_REVIEW,), "approval")
    if not alert.proposed or not alert.proposed_by:
        raise FourEyesError(f"alert {alert.id} has no proposed decision to approve: one analyst proposes "
                            "(decide), another approves")
    if who == alert.proposed_by:
        raise FourEyesError(f"four-eyes: {who} proposed '{alert.proposed}' on alert {alert.id} and cannot also "
                            "approve it; a second analyst must")
    return {**_final(alert.proposed, who, whitelist_days), "proposed": alert.proposed}


def _final(decision: str, who: str, whitelist_days: int | None) -> dict[str, Any]:
    decided = datetime.now(UTC)
    changes: dict[str, Any] = {"state": decision, "decided_by": who,
                               "decided_at": decided.isoformat(timespec="seconds")}
    if decision == State.CLEARED:
        days = whitelist_days or rules().whitelist.expires_after_days
        if not 1 <= days <= rules().whitelist.expires_after_days:
            raise CaseError(f"whitelist for {days} days: between 1 and {rules().whitelist.expires_after_days} "
                            "(data/monitoring/rules.yaml)", field="whitelist_days")
        changes["whitelist_until"] = (decided.date() + timedelta(days=days)).isoformat()
    return changes
