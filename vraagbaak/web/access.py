"""Who reads what, per request (VRAAGBAAK_AUTH=oidc with VRAAGBAAK_ACCESS_FILE): the signed-in user's groups give
the collections they may read (ingest/collections.py), and those give the assistant that answers them, whose
index holds nothing else (Assistant.for_collections). Every path of the web layer asks here first: the chat,
the API, the first screen and its filter lists, the source panel, page images and PDFs.

May import: assistant, ingest, settings, web.audit_trail. No Gradio."""
from __future__ import annotations

import threading
import time

from vraagbaak.assistant import Assistant
from vraagbaak.index.versions import current_version
from vraagbaak.ingest.collections import collection_of, read_access, readable
from vraagbaak.ingest.loaders import corpus_files
from vraagbaak.web.audit_trail import groups_of

NO_ACCESS = "U mag geen van de documenten in de Vraagbaak lezen. Vraag uw beheerder om toegang."
PRESENT_FOR_S = 30  # which collections the corpus holds is looked up again after this


class Access:
    def __init__(self, assistant: Assistant, trail=None):
        self.assistant, self.settings, self.trail = assistant, assistant.settings, trail
        s = self.settings
        self.access = read_access(s.access_file) if s.auth == "oidc" and s.access_file else None
        self._access_digest = _digest(s.access_file) if self.access is not None else ""
        self._access_checked = time.monotonic()
        if self.access is not None and trail is not None:  # which version of the file this start reads
            trail.event("toegangsbestand.gelezen", str(s.access_file), "ok", origin="app",
                        sha256=self._access_digest, collecties=sorted(self.access))
        self._present: tuple[float, set[str]] = (-PRESENT_FOR_S, set())
        self._fresh: dict[str, str | None] = {}  # scope -> the version of the whole index it was brought up to
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self.sign_in = None  # web.signin.OidcSignIn, handed in by routes.app_kwargs: who is asking

    @property
    def scoped(self) -> bool:
        return self.access is not None

    def collections_for(self, request) -> frozenset[str] | None:
        """The collections this request's user may read; None: no scoping (every document)."""
        if self.access is None:
            return None
        self._reread_if_changed()
        user = self.sign_in.user_of(request) if self.sign_in is not None else None
        groups = tuple(user.groups) if user is not None else groups_of(request)
        is_admin = bool(self.settings.oidc_admin_group) and self.settings.oidc_admin_group in groups
        return readable(self.access, groups, is_admin, self._collections_present())

    def assistant_for(self, request) -> Assistant | None:
        """The assistant that answers this request's user; None when they may read nothing."""
        allowed = self.collections_for(request)
        if allowed is None:
            return self.assistant
        if not allowed:
            return None
        scoped = self.assistant.for_collections(allowed)
        self._bring_up_to_date(",".join(sorted(allowed)), scoped)
        return scoped

    def _bring_up_to_date(self, key: str, scoped: Assistant) -> None:
        """A user's index follows the whole one: after a re-index in Beheer, at the next question."""
        version = current_version(self.settings.index_dir)
        if self._fresh.get(key) == version:
            return
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if self._fresh.get(key) != version:
                scoped.ensure_index()
                self._fresh[key] = version

    def _reread_if_changed(self) -> None:
        """A changed access file counts from the next question on, and the change is an audit event; a file that
        can no longer be read keeps the last good one (and says so in the log)."""
        if time.monotonic() - self._access_checked < PRESENT_FOR_S:
            return
        self._access_checked = time.monotonic()
        digest = _digest(self.settings.access_file)
        if digest == self._access_digest:
            return
        try:
            access = read_access(self.settings.access_file)
            result = "ok"
        except ValueError as err:
            access, result = self.access, f"niet te lezen, het vorige blijft gelden: {err}"
        if self.trail is not None:
            self.trail.event("toegangsbestand.gewijzigd", str(self.settings.access_file), result, origin="app",
                             sha256_was=self._access_digest, sha256=digest, collecties=sorted(access or {}))
        self.access, self._access_digest = access, digest

    def _collections_present(self) -> set[str]:
        at, present = self._present
        if time.monotonic() - at > PRESENT_FOR_S:
            corpus = self.settings.corpus_dir
            files = corpus_files(corpus) if corpus.is_dir() else []
            present = {collection_of(f, corpus) for f in files}
            self._present = (time.monotonic(), present)
        return present


def _digest(path) -> str:
    import hashlib
    from pathlib import Path

    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""
