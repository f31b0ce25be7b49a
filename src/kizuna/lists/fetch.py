"""``kizuna lists fetch``: download lists from their publishers and load them as a new snapshot.

Each list's download (``download:`` in ``data/lists/registry.yaml``) names its format and one URL per file role
(or a page and the pattern of the link on it, for publishers whose file name carries its date). The policy
(attempts, back-off, timeout, size limit) is ``data/lists/fetch.yaml``.

A download goes to a staging folder first and counts for nothing until it is complete (the byte count equals
``Content-Length``), within the size limit, and its list has been read, checked and promoted to a new snapshot
through ``update.promote``, the same path ``lists update`` takes. Only then are the files kept as the list's last
good copy and their validators (ETag, Last-Modified, SHA-256) saved, so a failed or partial download changes
nothing. A ``304 Not Modified``, or a body whose SHA-256 equals the last good copy's, loads nothing.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from kizuna.core.atomic import atomic_write_text
from kizuna.core.errors import InputError, KizunaError
from kizuna.core.rules import RuleModel, bundled_rules
from kizuna.lists.registry import known_lists, list_info
from kizuna.lists.sources import UNDATED, SourceSpec
from kizuna.lists.store import Snapshot, SnapshotStore
from kizuna.lists.update import Prepare, promote, read_all

_LINK = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_DURATION = re.compile(r"(\d+)\s*([smhd])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
T = TypeVar("T")


class FetchPolicy(RuleModel):
    """``data/lists/fetch.yaml``: how hard to try and how much to accept."""

    attempts: int
    backoff_seconds: list[float]
    retry_statuses: list[int]
    timeout_seconds: float
    max_bytes: int
    max_page_bytes: int
    user_agent: str


def policy() -> FetchPolicy:
    """The bundled fetch policy."""
    return bundled_rules("lists/fetch.yaml", FetchPolicy)


class FetchError(KizunaError):
    """A download that failed; the current snapshot and the last good copy are untouched."""


@dataclass(slots=True)
class FetchOutcome:
    """What fetching one list did."""

    code: str
    status: str  # "loaded", "not modified", "failed", "no download"
    detail: str = ""
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # role -> url, sha256, bytes, etag, ...


def fetchable() -> list[str]:
    """The list codes the registry gives a download for, in registry order."""
    return [code for code, info in known_lists().items() if info.download]


def mirrored(url: str, mirror: str | None) -> str:
    """``url`` with its scheme and host replaced by ``mirror``'s (an internal mirror, or a test server)."""
    if not mirror:
        return url
    parts, base = urlsplit(url), urlsplit(mirror)
    if not base.scheme or not base.netloc:
        raise InputError(f"--mirror must be a URL with scheme and host, e.g. https://mirror.example; got {mirror!r}")
    prefix = base.path.rstrip("/")
    return urlunsplit((base.scheme, base.netloc, prefix + parts.path, parts.query, parts.fragment))


class _State:
    """Validators and checksums of each list's last good copy, and the copy itself, under ``<home>/lists/fetch``."""

    def __init__(self, store: SnapshotStore) -> None:
        self.root = store.root / "fetch"
        self.root.mkdir(parents=True, exist_ok=True)
        self.path = self.root / "state.json"
        self.data: dict[str, dict[str, Any]] = (json.loads(self.path.read_text(encoding="utf-8"))
                                                if self.path.exists() else {})

    def previous(self, code: str, role: str) -> dict[str, Any]:
        record = self.data.get(code, {}).get(role) or {}
        copy = self.copy(code, role)
        # validators without the copy they describe are worthless: a 304 would leave nothing to read
        return record if copy is not None and _sha256(copy) == record.get("sha256") else {}

    def copy(self, code: str, role: str) -> Path | None:
        matches = sorted((self.root / code).glob(f"{role}.*")) if (self.root / code).is_dir() else []
        return matches[0] if matches else None

    def keep(self, code: str, files: dict[str, Path], records: dict[str, dict[str, Any]]) -> None:
        """Make ``files`` the list's last good copy and save their records (after the snapshot was promoted)."""
        folder = self.root / code
        staging = self.root / f".{code}.new"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        for role, path in files.items():
            shutil.copy2(path, staging / f"{role}{_suffix(path)}")
        old = self.root / f".{code}.old"
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        staging.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
        self.data[code] = records
        atomic_write_text(self.path, json.dumps(self.data, indent=1, sort_keys=True) + "\n")


def _suffix(path: Path) -> str:
    return path.suffix if path.suffix and len(path.suffix) <= 6 else ".bin"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Downloader:
    """GET with conditional headers, retries with back-off, a size limit and a completeness check."""

    def __init__(self, client: httpx.Client, rules: FetchPolicy, sleep: Callable[[float], None]) -> None:
        self.client, self.rules, self.sleep = client, rules, sleep

    def get(self, url: str, target: Path, previous: dict[str, Any], limit: int) -> dict[str, Any] | None:
        """Download ``url`` into ``target``; None when the server says it has not changed (304)."""
        headers = {}
        if previous.get("etag"):
            headers["If-None-Match"] = previous["etag"]
        if previous.get("last_modified"):
            headers["If-Modified-Since"] = previous["last_modified"]
        return self._retrying(url, lambda: self._once(url, target, headers, limit))

    def _retrying(self, url: str, action: Callable[[], T]) -> T:
        """``action``, tried again after each back-off of the policy while it fails in a way worth retrying."""
        for attempt in range(1, self.rules.attempts + 1):
            try:
                return action()
            except _Retry as retry:
                if attempt == self.rules.attempts:
                    raise FetchError(f"{url}: {retry} (gave up after {attempt} attempts)") from None
                backoff = self.rules.backoff_seconds
                self.sleep(backoff[min(attempt - 1, len(backoff) - 1)] if backoff else 0)
        raise AssertionError("unreachable")

    def _once(self, url: str, target: Path, headers: dict[str, str], limit: int) -> dict[str, Any] | None:
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return None
                if response.status_code in self.rules.retry_statuses:
                    raise _Retry(f"HTTP {response.status_code}")
                if response.status_code != 200:
                    raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
                declared = response.headers.get("Content-Length")
                if declared is not None and declared.isdigit() and int(declared) > limit:
                    raise FetchError(f"{url}: {int(declared):,} bytes is larger than the limit of {limit:,} "
                                     "(data/lists/fetch.yaml max_bytes)")
                digest, size = hashlib.sha256(), 0
                with target.open("wb") as handle:
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > limit or response.num_bytes_downloaded > limit:
                            raise FetchError(f"{url}: more than the limit of {limit:,} bytes "
                                             "(data/lists/fetch.yaml max_bytes); download stopped")
                        digest.update(chunk)
                        handle.write(chunk)
                received = response.num_bytes_downloaded  # as sent, before any content decoding
                if declared is not None and declared.isdigit() and received != int(declared):
                    raise _Retry(f"truncated: {received:,} of {int(declared):,} bytes")
                return {"url": url, "sha256": digest.hexdigest(), "bytes": size,
                        "etag": response.headers.get("ETag"), "last_modified": response.headers.get("Last-Modified")}
        except httpx.RemoteProtocolError as exc:  # the connection closed before the body was complete
            raise _Retry(f"incomplete response ({exc})") from exc
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            raise _Retry(f"{type(exc).__name__}: {exc}") from exc

    def page_link(self, page: str, pattern: str) -> str:
        """The first link on ``page`` whose URL matches ``pattern``, made absolute."""
        text, final = self._retrying(page, lambda: self._page(page))
        for link in _LINK.findall(text):
            if re.search(pattern, link):
                return urljoin(final, link)
        raise FetchError(f"{page}: no link matching {pattern!r}; the publisher may have changed the page")

    def _page(self, page: str) -> tuple[str, str]:
        try:
            response = self.client.get(page)
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            raise _Retry(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code in self.rules.retry_statuses:
            raise _Retry(f"HTTP {response.status_code}")
        if response.status_code != 200:
            raise FetchError(f"{page}: HTTP {response.status_code} {response.reason_phrase}")
        if len(response.content) > self.rules.max_page_bytes:
            raise FetchError(f"{page}: page larger than {self.rules.max_page_bytes:,} bytes")
        return response.text, str(response.url)


class _Retry(Exception):
    """A failure worth another attempt (a 5xx, a dropped connection, a truncated body)."""


def fetch_lists(
    store: SnapshotStore,
    codes: list[str] | None = None,
    *,
    mirror: str | None = None,
    prepare: Prepare | None = None,
    confirm_shrink: bool = False,
    rules: FetchPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    transport: httpx.BaseTransport | None = None,
) -> tuple[Snapshot | None, list[FetchOutcome]]:
    """Fetch ``codes`` (default: every list with a download) and promote the changed ones in one new snapshot.

    Returns the new current snapshot (None when nothing changed or everything failed) and what happened to each
    list. A list that fails is reported and left as it was; the others still load.
    """
    rules = rules or policy()
    chosen = codes or fetchable()
    for code in chosen:
        if code not in known_lists():
            raise InputError(f"unknown list {code!r}; lists with a download: {', '.join(fetchable())}")
    state = _State(store)
    outcomes: list[FetchOutcome] = []
    fetched: list[tuple[FetchOutcome, SourceSpec]] = []
    with _client(rules, transport) as client, tempfile.TemporaryDirectory(dir=state.root, prefix=".dl-") as tmp:
        downloader = _Downloader(client, rules, sleep)
        for code in chosen:
            download = list_info(code).download
            if not download:
                outcomes.append(FetchOutcome(code, "no download", "the registry gives no download for this list"))
                continue
            try:
                result = _fetch_one(code, download, downloader, state, Path(tmp) / code, mirror, rules)
            except (FetchError, InputError) as exc:
                outcomes.append(FetchOutcome(code, "failed", str(exc)))
                continue
            outcome, spec = result
            outcomes.append(outcome)
            if spec is not None:
                fetched.append((outcome, spec))
        snapshot = _load(store, state, fetched, outcomes, prepare, confirm_shrink)
    return snapshot, outcomes


def _client(rules: FetchPolicy, transport: httpx.BaseTransport | None) -> httpx.Client:
    return httpx.Client(timeout=rules.timeout_seconds, follow_redirects=True, transport=transport,
                        headers={"User-Agent": rules.user_agent})


def _fetch_one(code: str, download: dict[str, Any], downloader: _Downloader, state: _State, folder: Path,
               mirror: str | None, rules: FetchPolicy) -> tuple[FetchOutcome, SourceSpec | None]:
    folder.mkdir(parents=True)
    files: dict[str, Path] = {}
    records: dict[str, dict[str, Any]] = {}
    changed = False
    for role, where in download["files"].items():
        if isinstance(where, dict):
            url = downloader.page_link(mirrored(where["page"], mirror), where["link"])
        else:
            url = mirrored(where, mirror)
        previous = state.previous(code, role)
        # the file keeps the publisher's name, so an importer's error names it as the user knows it
        target = folder / role / (Path(urlsplit(url).path).name or role)
        target.parent.mkdir()
        record = downloader.get(url, target, previous, rules.max_bytes)
        if record is None:  # 304: the last good copy is the current file
            copy = state.copy(code, role)
            assert copy is not None  # previous() is empty without a copy, so no conditional header was sent
            shutil.copy2(copy, target)
            record = {**previous, "url": url}
        elif record["sha256"] != previous.get("sha256"):
            changed = True
        files[role] = target
        records[role] = record
    if not changed:
        return FetchOutcome(code, "not modified", "", records), None
    spec = SourceSpec(download["format"], files, code, _served_date(download["format"], records),
                      " + ".join(r["url"] for r in records.values()))
    return FetchOutcome(code, "loaded", "", records), spec


def _served_date(file_format: str, records: dict[str, dict[str, Any]]) -> str | None:
    """For a format that carries no date (OFAC's CSVs), the day the publisher last changed the main file, from its
    Last-Modified header; None (the file's own date) for every other format or when the server sent none."""
    modified = records.get("primary", {}).get("last_modified")
    if file_format not in UNDATED or not modified:
        return None
    try:
        return email.utils.parsedate_to_datetime(modified).date().isoformat()
    except (TypeError, ValueError):
        return None


def _load(store: SnapshotStore, state: _State, fetched: list[tuple[FetchOutcome, SourceSpec]],
          outcomes: list[FetchOutcome], prepare: Prepare | None, confirm_shrink: bool) -> Snapshot | None:
    """Read each changed list (a broken file fails that list only), then promote them all in one snapshot."""
    lists, good = [], []
    for outcome, spec in fetched:
        try:
            read = read_all([spec], Path())
        except KizunaError as exc:
            outcome.status, outcome.detail = "failed", f"{exc} (downloaded from {spec.label})"
            continue
        if not any(d.entries for d in read):
            outcome.status, outcome.detail = "failed", "the downloaded files hold no entries"
            continue
        lists.extend(read)
        good.append((outcome, spec))
    if not lists:
        return None
    stamp = hashlib.sha256("".join(sorted(r["sha256"] for o, _ in good for r in o.files.values())).encode())
    snapshot, _ = promote(store, lists, note="fetch " + ", ".join(o.code for o, _ in good),
                          fingerprint=stamp.hexdigest(), prepare=prepare, confirm_shrink=confirm_shrink)
    for outcome, spec in good:
        state.keep(outcome.code, spec.files, outcome.files)
    return snapshot


def parse_every(text: str) -> float:
    """Seconds in a schedule interval such as ``6h``, ``30m``, ``1d`` or ``1h30m``."""
    parts = _DURATION.findall(text.strip().lower())
    if not parts or "".join(n + u for n, u in parts) != re.sub(r"\s+", "", text.strip().lower()):
        raise InputError(f"--every must be a duration such as 6h, 30m, 1d or 1h30m; got {text!r}")
    seconds = sum(int(n) * _UNITS[u] for n, u in parts)
    if seconds < 60:
        raise InputError(f"--every {text}: the shortest interval is 1m (publishers update daily at most)")
    return float(seconds)


def schedule(every: float, run: Callable[[], object], sleep: Callable[[float], None] = time.sleep,
             rounds: int | None = None) -> Iterator[object]:
    """Run ``run`` now and then every ``every`` seconds (``rounds`` times, or for ever), yielding each result."""
    done = 0
    while rounds is None or done < rounds:
        started = time.monotonic()
        yield run()
        done += 1
        if rounds is None or done < rounds:
            sleep(max(every - (time.monotonic() - started), 0))
