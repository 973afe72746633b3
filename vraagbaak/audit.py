"""The audit trail (BIO2 8.15): one JSON line per event, with action, object, result, origin, actor, time (UTC
and local) and a request id. Each line holds the hash of the line before it, across rotated files, and an HMAC
with a key kept outside the log folder; HEAD.json seals the last line, ANCHOR.json the first one kept after a
purge. `verify` finds a changed byte, a removed or reordered line, and a cut file, and names the first bad line.

Privacy (AVG): actors are keyed pseudonyms (the mapping is a separate file, for the admin role); a BSN, e-mail
address or phone number never reaches a line. Imports nothing from vraagbaak.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

GENESIS = "0" * 64  # what the first line of a new trail chains to
PREFIX, SUFFIX = "audit-", ".jsonl"
MAX_FILE_BYTES = 5_000_000  # a rotated file stays small enough to read and hand over


def _now() -> tuple[str, str]:
    utc = dt.datetime.now(dt.timezone.utc)
    return utc.isoformat(timespec="milliseconds"), utc.astimezone().isoformat(timespec="seconds")


def _mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _canonical(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _line_hash(line: bytes) -> str:
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


def load_key(key_file: Path) -> bytes:
    """The HMAC key; made once (32 random bytes, readable by the owner only) where there is none."""
    key_file = Path(key_file)
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
    key = key_file.read_bytes()
    if len(key) < 16:
        raise ValueError(f"de sleutel van het auditlog ({key_file}) is te kort")
    return key


# --- what never reaches a line ----------------------------------------------------

_BSN_CANDIDATE = re.compile(r"(?<![\d-])(\d{4}[ .-]?\d{2}[ .-]?\d{3}|\d{9})(?![\d-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+31[ -]?|0031[ -]?|0)(?:[1-9][ -]?){1}(?:\d[ -]?){7,8}(?!\d)")


def is_bsn(digits: str) -> bool:
    """The eleven test ("elfproef") of a Dutch citizen service number."""
    digits = re.sub(r"\D", "", digits)
    if len(digits) != 9 or digits == "0" * 9:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


def scrub(text: str) -> str:
    """Text without BSN's, e-mail addresses and phone numbers: for every log, the feedback log included."""
    text = _BSN_CANDIDATE.sub(lambda m: "[BSN]" if is_bsn(m.group(1)) else m.group(0), text)
    text = _EMAIL.sub("[e-mailadres]", text)
    return _PHONE.sub("[telefoonnummer]", text)


# --- writing --------------------------------------------------------------------

class AuditLog:
    """Appends events to `folder`; safe for threads of one app and for several processes (a file lock)."""

    def __init__(self, folder: Path, key_file: Path, max_file_bytes: int = MAX_FILE_BYTES):
        self.folder, self.key_file, self.max_file_bytes = Path(folder), Path(key_file), max_file_bytes
        if self.key_file.resolve().parent == self.folder.resolve() or self.folder.resolve() in \
                self.key_file.resolve().parents:
            raise ValueError("de sleutel van het auditlog hoort buiten de logmap")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.key = load_key(self.key_file)
        self._thread_lock = threading.Lock()
        self._known: dict[str, str] = {}  # pseudonyms already in the mapping file

    def pseudonym(self, actor: str) -> str:
        """A keyed pseudonym for a user name: the same user gives the same pseudonym, which only the key
        (and the mapping file, readable by the admin role) turns back into the name."""
        if not actor:
            return "anoniem"
        alias = "p-" + _mac(self.key, "actor:" + actor)[:16]
        self._remember(alias, actor)
        return alias

    def record(self, action: str, obj: str = "", result: str = "ok", actor: str = "", origin: str = "",
               request_id: str | None = None, **details) -> dict:
        """Append one event; returns it as written."""
        utc, local = _now()
        event = {"action": action, "object": scrub(str(obj)), "result": result, "origin": origin or "onbekend",
                 "actor": self.pseudonym(actor), "time_utc": utc, "time_local": local,
                 "request_id": request_id or uuid.uuid4().hex, "details": _scrubbed(details)}
        with self._locked():
            head = self._head()
            event["prev"] = head["hash"] if head else self._anchor_prev()
            event["mac"] = _mac(self.key, _canonical(event))
            line = (_canonical(event) + "\n").encode("utf-8")
            file = self._file_for(head, len(line))
            with open(file, "ab") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
            lines = head["lines"] + 1 if head and head["file"] == file.name else 1
            self._write_head(file.name, lines, _line_hash(line))
        return event

    def _file_for(self, head: dict | None, size: int) -> Path:
        if head is None:
            return self.folder / f"{PREFIX}{1:06d}{SUFFIX}"
        current = self.folder / head["file"]
        if current.exists() and current.stat().st_size + size > self.max_file_bytes:
            number = int(head["file"][len(PREFIX):-len(SUFFIX)]) + 1
            return self.folder / f"{PREFIX}{number:06d}{SUFFIX}"
        return current

    @contextlib.contextmanager
    def _locked(self):
        with self._thread_lock, open(self.folder / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _head(self) -> dict | None:
        return _read_sealed(self.folder / "HEAD.json", self.key, ("file", "lines", "hash"))

    def _anchor_prev(self) -> str:
        anchor = _read_sealed(self.folder / "ANCHOR.json", self.key, ("file", "prev"))
        return anchor["prev"] if anchor else GENESIS

    def _write_head(self, file: str, lines: int, last_hash: str) -> None:
        _write_sealed(self.folder / "HEAD.json", self.key, {"file": file, "lines": lines, "hash": last_hash})

    def _remember(self, alias: str, actor: str) -> None:
        """Add a pseudonym to the mapping file; a pseudonym known to this process costs no file read."""
        if self._known.get(alias) == actor:
            return
        mapping_file = self.key_file.parent / "audit-pseudoniemen.json"
        with self._thread_lock:
            try:
                mapping = json.loads(mapping_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                mapping = {}
            self._known.update(mapping)
            if mapping.get(alias) == actor:
                return
            mapping[alias] = actor
            tmp = mapping_file.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(mapping, fh, ensure_ascii=False, indent=1)
            os.replace(tmp, mapping_file)
            self._known[alias] = actor

    def purge(self, retention_days: int, actor: str = "", origin: str = "") -> list[str]:
        """Remove rotated files whose last event is older than the retention period; the first file kept is
        anchored to the hash it chains to, and the purge is itself an event."""
        cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=retention_days)
        removed: list[str] = []
        with self._locked():
            files = log_files(self.folder)
            for file in files[:-1]:  # the file being written is never purged
                last = _last_line(file)
                if last is None or dt.datetime.fromisoformat(json.loads(last)["time_utc"]) >= cutoff:
                    break
                following = files[files.index(file) + 1]
                first = _first_line(following)
                _write_sealed(self.folder / "ANCHOR.json", self.key,
                              {"file": following.name, "prev": json.loads(first)["prev"] if first else GENESIS})
                file.unlink()
                removed.append(file.name)
        self.record("audit.opschonen", ", ".join(removed) or "niets", actor=actor, origin=origin,
                    retention_days=retention_days, files=removed)
        return removed


def _scrubbed(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _scrubbed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrubbed(v) for v in value]
    return value


def _write_sealed(path: Path, key: bytes, content: dict) -> None:
    body = dict(content)
    body["mac"] = _mac(key, _canonical(content))
    tmp = path.with_suffix(".tmp")
    tmp.write_text(_canonical(body), encoding="utf-8")
    os.replace(tmp, path)


def _read_sealed(path: Path, key: bytes, fields: tuple[str, ...]) -> dict | None:
    if not path.exists():
        return None
    content = json.loads(path.read_text(encoding="utf-8"))
    mac = content.pop("mac", "")
    if set(content) != set(fields) or not hmac.compare_digest(mac, _mac(key, _canonical(content))):
        raise ValueError(f"{path.name} van het auditlog is gewijzigd")
    return content


def log_files(folder: Path) -> list[Path]:
    return sorted(Path(folder).glob(f"{PREFIX}*{SUFFIX}"))


def _first_line(file: Path) -> str | None:
    with open(file, encoding="utf-8") as fh:
        line = fh.readline()
    return line or None


def _last_line(file: Path) -> str | None:
    last = None
    with open(file, encoding="utf-8") as fh:
        for line in fh:
            last = line
    return last


# --- checking -------------------------------------------------------------------

@dataclass
class Verdict:
    ok: bool
    lines: int
    problem: str = ""  # Dutch: the first bad line, "audit-000002.jsonl regel 5: …"


def verify(folder: Path, key_file: Path) -> Verdict:
    """Walk the chain over every file in order: each line's HMAC, its link to the line before, and at the end
    the sealed HEAD (a cut last file) and at the start the ANCHOR (a purge)."""
    folder = Path(folder)
    try:
        key = Path(key_file).read_bytes()
        anchor = _read_sealed(folder / "ANCHOR.json", key, ("file", "prev"))
        head = _read_sealed(folder / "HEAD.json", key, ("file", "lines", "hash"))
    except (OSError, ValueError) as err:
        return Verdict(False, 0, str(err))
    files = log_files(folder)
    if anchor and (not files or files[0].name != anchor["file"]):
        return Verdict(False, 0, f"het eerste bewaarde bestand had {anchor['file']} moeten zijn")
    prev, total, count, name = (anchor["prev"] if anchor else GENESIS), 0, 0, ""
    for file in files:
        name, count = file.name, 0
        with open(file, "rb") as fh:
            for raw in fh:
                count += 1
                total += 1
                problem = _check_line(raw, prev, key)
                if problem:
                    return Verdict(False, total, f"{file.name} regel {count}: {problem}")
                prev = _line_hash(raw)
    if head is None:
        return Verdict(not files, total, "" if not files else "HEAD.json ontbreekt")
    if head["file"] != name or head["lines"] != count or head["hash"] != prev:
        return Verdict(False, total, f"{head['file']} regel {head['lines']}: de laatste regel(s) ontbreken of zijn "
                                     f"gewijzigd (het log eindigt nu bij {name or 'niets'} regel {count})")
    return Verdict(True, total)


def _check_line(raw: bytes, prev: str, key: bytes) -> str:
    try:
        event = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "geen geldige regel (gewijzigd of afgebroken)"
    if not isinstance(event, dict) or "mac" not in event:
        return "geen geldige regel"
    mac = event.pop("mac")
    if not hmac.compare_digest(str(mac), _mac(key, _canonical(event))):
        return "de inhoud is gewijzigd (HMAC klopt niet)"
    if event.get("prev") != prev:
        return "de keten is onderbroken: een regel ervoor ontbreekt of staat op een andere plaats"
    return ""
