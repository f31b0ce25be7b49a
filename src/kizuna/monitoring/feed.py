"""The alert feed: every alert raised and every case decided is an event, readable through the API and the console
and posted to each registered webhook as JSON, with retries.

An event is queued in the same transaction as the alert or decision it reports, so it is never lost and never
posted for something that was rolled back; ``deliver`` then posts what is pending, retrying a failed post
(connection refused, a timeout, an HTTP status other than 2xx) after a pause that doubles each time, up to the
attempts of ``data/monitoring/rules.yaml`` (a re-screen or a case action makes one attempt, so nobody waits for a
slow receiver; ``kizuna alerts deliver`` retries with the pauses). A webhook that still fails leaves its deliveries
marked failed, shown by ``kizuna alerts webhooks``; ``deliver --retry-failed`` tries them again.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from kizuna.core.errors import InputError, NotFoundError
from kizuna.monitoring.rules import rules
from kizuna.monitoring.store import MonitoringStore, now


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"webhook URL {url!r}: give an http:// or https:// URL with a host", field="url")
    return url.strip()


def add_webhook(store: MonitoringStore, url: str, actor: str) -> int:
    checked = check_url(url)
    with store.transaction():
        if store.run("SELECT id FROM webhooks WHERE url = :u", {"u": checked}).scalar() is not None:
            raise InputError(f"webhook {checked} is registered already", field="url")
        webhook_id = store.insert("INSERT INTO webhooks (url, created_at) VALUES (:u, :at)",
                                  {"u": checked, "at": now()})
        store.audit(actor, "webhook added", f"webhook:{webhook_id}", url=checked)
    return webhook_id


def remove_webhook(store: MonitoringStore, webhook_id: int, actor: str) -> None:
    with store.transaction():
        url = store.run("SELECT url FROM webhooks WHERE id = :i", {"i": webhook_id}).scalar()
        if url is None:
            raise NotFoundError(f"no webhook {webhook_id}")
        store.run("DELETE FROM deliveries WHERE webhook_id = :i", {"i": webhook_id})
        store.run("DELETE FROM webhooks WHERE id = :i", {"i": webhook_id})
        store.audit(actor, "webhook removed", f"webhook:{webhook_id}", url=url)


def webhooks(store: MonitoringStore) -> list[dict[str, Any]]:
    rows = store.run(
        "SELECT w.id, w.url, w.created_at, "
        "SUM(CASE WHEN d.status = 'delivered' THEN 1 ELSE 0 END) AS delivered, "
        "SUM(CASE WHEN d.status = 'pending' THEN 1 ELSE 0 END) AS pending, "
        "SUM(CASE WHEN d.status = 'failed' THEN 1 ELSE 0 END) AS failed "
        "FROM webhooks w LEFT JOIN deliveries d ON d.webhook_id = w.id GROUP BY w.id, w.url, w.created_at "
        "ORDER BY w.id").mappings().all()
    counted = ("delivered", "pending", "failed")
    return [{k: (int(v or 0) if k in counted else v) for k, v in row.items()} for row in rows]


def event_payload(store: MonitoringStore, alert_id: int, event: str) -> dict[str, Any]:
    from kizuna.monitoring.cases import get  # cases imports this module lazily too

    alert = get(store, alert_id).to_dict()
    hit = alert["evidence"]["hit"]
    return {"event": event, "at": now(), "alert": {k: v for k, v in alert.items() if k != "evidence"},
            "explanation": hit["explanation"], "source_url": hit["source_url"]}


def enqueue(store: MonitoringStore, alert_id: int, event: str) -> None:
    """Queue ``event`` about an alert for every webhook (inside the caller's transaction)."""
    hooks = list(store.run("SELECT id FROM webhooks").scalars())
    if not hooks:
        return
    payload = json.dumps(event_payload(store, alert_id, event), ensure_ascii=False)
    store.run("INSERT INTO deliveries (webhook_id, alert_id, payload, created_at) VALUES (:w, :a, :p, :at)",
              [{"w": w, "a": alert_id, "p": payload, "at": now()} for w in hooks])


def deliver(store: MonitoringStore, *, patient: bool = True, retry_failed: bool = False,
            sleep: Callable[[float], None] = time.sleep) -> dict[str, int]:
    """Post the pending deliveries, oldest first; gives the counts delivered, failed and still pending.

    ``patient``: retry each failed post after a pause that doubles (``kizuna alerts deliver``) until the attempts
    of ``rules.yaml`` are used up, then mark it failed. Otherwise one attempt each (what a re-screen or a case
    action does, so that a slow receiver never holds an analyst up); a post that fails stays pending for the next
    call. ``retry_failed`` gives failed deliveries a new round of attempts."""
    policy = rules().webhook
    if retry_failed:
        with store.transaction():
            store.run("UPDATE deliveries SET status = 'pending', attempts = 0 WHERE status = 'failed'")
    rows = store.run(
        "SELECT d.id, d.payload, d.attempts, w.url FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id "
        "WHERE d.status = 'pending' ORDER BY d.id").fetchall()
    counts = {"delivered": 0, "failed": 0, "pending": 0}
    for row in rows:
        error, attempts = "", int(row.attempts)
        while attempts < policy.attempts:
            if attempts and patient:
                sleep(policy.first_retry_seconds * 2 ** (attempts - 1))
            attempts += 1
            error = _post(row.url, row.payload.encode("utf-8"), policy.timeout_seconds)
            if not error or not patient:
                break
        status = "delivered" if not error else "failed" if attempts >= policy.attempts else "pending"
        counts[status] += 1
        with store.transaction():
            store.run("UPDATE deliveries SET attempts = :n, status = :s, last_error = :e, delivered_at = :at "
                      "WHERE id = :id", {"n": attempts, "s": status, "e": error,
                                         "at": None if error else now(), "id": row.id})
    return counts


def _post(url: str, body: bytes, timeout: float) -> str:
    """Post one event; the reason it failed, or '' when the receiver answered 2xx."""
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": "kizuna-monitoring"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return "" if 200 <= response.status < 300 else f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
