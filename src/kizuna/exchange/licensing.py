"""The no-undercut workflow on a node: record an application, check it (``kizuna.licensing``) against every
active denial the node holds, consult the ally that denied an essentially identical transaction, and refuse
approval while that consultation is open.

``NodeDenials`` is the node's side of ``kizuna.licensing.DenialSource``: its active denials as typed records,
each marked visible or not for the officer running the check.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from kizuna import licensing
from kizuna.controls import from_dict
from kizuna.core.errors import InputError, KizunaError, NotFoundError
from kizuna.core.party import Party
from kizuna.exchange import audit, objects
from kizuna.exchange.audit import Event
from kizuna.exchange.config import rules
from kizuna.exchange.node import Node, stamp
from kizuna.exchange.policy import Recipient, covers
from kizuna.licensing import Denial, DenialMatch, LicenceCheck

# What a consultation's question repeats of the denial: its control entry and its end user (name and country).
QUOTED_DENIAL_FIELDS = ("control_entries", "end_user.name", "end_user.country")


class NodeDenials:
    """The denials a node holds, its own and its allies', as a ``DenialSource`` for ``user`` (None: the node's
    operator, who sees everything)."""

    def __init__(self, node: Node, user: Recipient | None = None) -> None:
        self.node = node
        self.user = user

    def active_denials(self, today: date) -> list[Denial]:
        return [self.denial(obj) for obj in active_denials(self.node, today)]

    def denial(self, obj: dict[str, Any]) -> Denial:
        """A stored denial as the licence check reads it (the whole of it: hidden ones still block)."""
        originator = obj["created_by_ref"]
        return Denial(obj["id"], objects.party_from_stix(obj.get("end_user") or {}, source=obj["id"]),
                      tuple(from_dict(c) for c in obj["control_entries"]), obj["denial_date"], originator,
                      self.node.originator_name(originator), self.visible(obj),
                      own=originator == self.node.identity_id)

    def visible(self, obj: dict[str, Any]) -> bool:
        """Whether the user may see the denial and what a match quotes of it (control entries, end user)."""
        if self.user is None:
            return True
        shown, withheld = self.node.visible(obj, self.user)
        return shown is not None and not any(covers(selector, quoted) for selector in withheld
                                             for quoted in QUOTED_DENIAL_FIELDS)


@dataclass
class Application:
    id: str
    created: str
    officer: str
    status: str
    controls: list[dict[str, str]]
    end_user: Party
    end_use: str
    destination: str
    matches: list[dict[str, Any]] = field(default_factory=list)
    consultations: list[str] = field(default_factory=list)
    note: str = ""

    def body(self) -> str:
        return json.dumps({"controls": self.controls, "end_user": objects.party_to_stix(self.end_user),
                           "end_use": self.end_use, "destination": self.destination, "matches": self.matches,
                           "consultations": self.consultations, "note": self.note}, ensure_ascii=False)


def active_denials(node: Node, today: date | None = None) -> list[dict[str, Any]]:
    """Every denial this node holds, its own and its allies', that still counts (not revoked, not expired)."""
    return [d for d in node.all_objects(objects.DENIAL)
            if objects.effective_status(d, today) == "active"]


def check_application(node: Node, officer: str, user: Recipient | None, codes: list[str], end_user: Party,
                      end_use: str, destination: str, deadline_days: int | None = None,
                      today: date | None = None) -> tuple[Application, LicenceCheck]:
    """Record an application, check it, and open a consultation with each ally whose denial it would undercut."""
    result = licensing.check(NodeDenials(node, user), codes, end_user, today)
    days = int(deadline_days if deadline_days is not None else rules()["consultation"]["default_deadline_days"])
    if days < 1:
        raise InputError("a consultation deadline must be at least one day away", field="--deadline-days")
    deadline = (result.as_of + timedelta(days=days)).isoformat()
    app = Application(id=f"application--{uuid.uuid4()}", created=stamp(datetime.now(UTC)), officer=officer,
                      status="pending", controls=[e.to_dict() for e in result.controls], end_user=end_user,
                      end_use=end_use.strip(), destination=destination.strip())
    with node.db.transaction():
        for match in result.matches:
            if match.relation != "same" or match.denial.own:
                continue
            consultation = _consult(node, match, app, deadline, officer)
            match.consultation = consultation["id"]
            app.consultations.append(consultation["id"])
        app.matches = [{"denial": m.denial.id, "originator": m.denial.originator_name, "relation": m.relation,
                        "control": m.control.explanation, "end_user": m.hit.explanation, "score": m.score,
                        "consultation": m.consultation} for m in result.matches]
        if app.consultations:
            app.status = "consulting"
        node.db.execute("INSERT INTO applications (id, created, officer, status, body) VALUES (?, ?, ?, ?, ?)",
                        (app.id, app.created, officer, app.status, app.body()))
        audit.append(node.db, Event("application", officer, app.id, detail={
            "controls": [e.label() for e in result.controls], "end_user": end_user.name,
            "matches": [m.denial.id for m in result.matches], "consultations": app.consultations}))
    return app, result


def _consult(node: Node, match: DenialMatch, app: Application, deadline: str, officer: str) -> dict[str, Any]:
    """A consultation sent only to the denying ally: AMBER+STRICT, its organisation named, REL TO its country, and
    at least as restricted as the denial whose control entry and end user its question quotes."""
    originator = match.denial.originator
    denial = node.get(match.denial.id)
    assert denial is not None  # read from this node's store in this check
    own = node.markings("amber+strict", [node.originator_country(originator)],
                        organizations=[originator, node.identity_id])
    markings = node.quoting_markings(own, [(denial, QUOTED_DENIAL_FIELDS)])
    application = {"reference": app.id, "control_entries": app.controls,
                   "end_user": objects.party_to_stix(app.end_user),
                   "end_use": app.end_use, "destination": app.destination}
    question = (f"{node.name} has an application essentially identical to your denial "
                f"({match.control.explanation}; end user: {match.hit.explanation}). Under the no-undercut rule we "
                f"consult you before deciding. Do you have information that should lead us to deny it too?")
    obj = objects.new_consultation(creator=node.identity_id, denial=denial, application=application,
                                   question=question, deadline=deadline, markings=markings)
    return node.create(obj, officer)


def answer_consultation(node: Node, consultation_id: str, text: str, position: str, actor: str,
                        user: Recipient | None = None) -> dict[str, Any]:
    """The denying ally's answer: a note (it cannot version the consulting state's object) sent back only to it.

    ``user`` (None for the node's operator) must be able to see the consultation and the denial it is about:
    one they cannot see answers exactly as one that does not exist.
    """
    consultation = node.lookup(consultation_id, user, type_=objects.CONSULTATION, actor=actor, action="answer")
    denial = node.lookup(consultation["denial_ref"], user, type_=objects.DENIAL, actor=actor, action="answer")
    if denial.get("created_by_ref") != node.identity_id:
        raise KizunaError("only the agency that issued the denial answers its consultations")
    if position not in ("no-objection", "objection"):
        raise InputError("position is 'no-objection' or 'objection'", field="--position")
    asker = consultation["created_by_ref"]
    own = node.markings("amber+strict", [node.originator_country(asker)], organizations=[asker, node.identity_id])
    markings = node.quoting_markings(own, [(consultation, ("question", "application")), (denial, ())])
    note = objects.new_note(creator=node.identity_id, about=[consultation["id"], denial["id"]], content=text,
                            markings=markings, extra={"abstract": f"Answer to consultation: {position}",
                                                      "x_kizuna_answer_to": consultation["id"],
                                                      "x_kizuna_position": position})
    return node.create(note, actor)


def on_received(node: Node, received: list[dict[str, Any]]) -> None:
    """Record an ally's answer on this node's consultation as a new version of it (this node is its originator)."""
    for obj in received:
        target = obj.get("x_kizuna_answer_to")
        if obj.get("type") != objects.NOTE or not target:
            continue
        consultation = node.get(target)
        if (consultation is None or consultation.get("created_by_ref") != node.identity_id
                or consultation.get("status") != "open"):
            continue
        denial_owner = node.get(consultation["denial_ref"])
        if denial_owner is not None and denial_owner.get("created_by_ref") != obj["created_by_ref"]:
            continue  # only the denying ally answers
        # The consultation now quotes the answer, so it takes on the answer's markings too.
        node.revise(target, {"status": "answered", "answer": obj["content"],
                             "position": obj.get("x_kizuna_position", ""), "answered_by_ref": obj["created_by_ref"],
                             "object_marking_refs": node.quoting_markings(consultation["object_marking_refs"],
                                                                          [(obj, ("content",))])},
                    "sync", f"answered by {node.originator_name(obj['created_by_ref'])}")


def get_application(node: Node, app_id: str) -> Application:
    row = node.db.one("SELECT id, created, officer, status, body FROM applications WHERE id = ? OR id LIKE ?",
                      (app_id, f"application--{app_id}%"))
    if row is None:
        raise NotFoundError(f"no application {app_id!r}")
    body = json.loads(row[4])
    return Application(row[0], row[1], row[2], row[3], body["controls"], objects.party_from_stix(body["end_user"]),
                       body["end_use"], body["destination"], body["matches"], body["consultations"],
                       body.get("note", ""))


def list_applications(node: Node, limit: int = 200) -> list[Application]:
    rows = node.db.all("SELECT id FROM applications ORDER BY created DESC LIMIT ?", (limit,))
    return [get_application(node, r[0]) for r in rows]


def blocking(node: Node, app: Application, today: date | None = None) -> list[dict[str, Any]]:
    """The consultations that still bar approval: open, unanswered, deadline not yet passed."""
    day = (today or date.today()).isoformat()
    out = []
    for consultation_id in app.consultations:
        consultation = node.get(consultation_id)
        if consultation and consultation.get("status") == "open" and consultation["deadline"] >= day:
            out.append(consultation)
    return out


def approve(node: Node, app_id: str, actor: str, today: date | None = None) -> Application:
    """Approve an application unless an open consultation bars it (audited either way)."""
    app = get_application(node, app_id)
    if app.status == "approved":
        return app
    open_ones = blocking(node, app, today)
    if open_ones:
        with node.db.transaction():
            audit.append(node.db, Event("approval-refused", actor, app.id, detail={
                "open_consultations": [c["id"] for c in open_ones]}))
        deadlines = ", ".join(f"{c['id']} (deadline {c['deadline']})" for c in open_ones)
        raise KizunaError(f"{app.id} cannot be approved: consultation still open and unanswered: {deadlines}")
    answered = [node.get(c) for c in app.consultations]
    notes = [f"{c['id']}: {c.get('position') or 'no answer by the deadline'}" for c in answered if c]
    app.status, app.note = "approved", "; ".join(notes)
    with node.db.transaction():
        node.db.execute("UPDATE applications SET status = ?, body = ? WHERE id = ?", (app.status, app.body(), app.id))
        audit.append(node.db, Event("approved", actor, app.id, detail={"consultations": notes}))
    return app


def consultations(node: Node) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(incoming: allies consulting this node about its denials, outgoing: this node's own consultations)."""
    every = list(node.all_objects(objects.CONSULTATION))
    incoming = [c for c in every if c["created_by_ref"] != node.identity_id]
    outgoing = [c for c in every if c["created_by_ref"] == node.identity_id]
    return incoming, outgoing


def answers_to(node: Node, consultation_id: str) -> list[dict[str, Any]]:
    return [n for n in node.all_objects(objects.NOTE) if n.get("x_kizuna_answer_to") == consultation_id]
