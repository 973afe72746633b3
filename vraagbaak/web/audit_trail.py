"""What the web app writes to the audit trail (vraagbaak/audit.py): each question with its outcome and the
documents and pages it quoted, page images, PDF opens, memo downloads and Beheer actions, each with the
client's address and a request id. Question text is kept as VRAAGBAAK_AUDIT_QUESTIONS says: not at all, with
names, places and numbers replaced by Deduce (loaded in the background on the first question: it takes ~1 GB
and seconds to load), or as asked; a BSN, e-mail address or phone number never.

May import: audit, settings, schema. No Gradio."""
from __future__ import annotations

import logging
import threading

from vraagbaak.audit import AuditLog, scrub
from vraagbaak.schema import Answer
from vraagbaak.settings import Settings

log = logging.getLogger(__name__)
NOT_KEPT = "(niet bewaard)"
NOT_YET = "(niet bewaard: de pseudonimisering wordt nog geladen)"


def client_of(request) -> str:
    """The client's address of a Gradio or Starlette request ("onbekend" without one)."""
    return getattr(getattr(request, "client", None), "host", None) or "onbekend"


def actor_of(request) -> str:
    """The signed-in user's name (web/signin.py puts the user in the request's scope); "" when nobody signed in."""
    inner = getattr(request, "request", request)
    user = (getattr(inner, "scope", None) or {}).get("vraagbaak_user")
    return getattr(user, "name", "") if user is not None else ""


def groups_of(request) -> tuple[str, ...]:
    """The signed-in user's groups (from the provider's groups claim); () when nobody signed in."""
    inner = getattr(request, "request", request)
    user = (getattr(inner, "scope", None) or {}).get("vraagbaak_user")
    return tuple(getattr(user, "groups", ()) or ())


class QuestionText:
    """The form in which a question is kept: off | pseudonymised | full."""

    def __init__(self, mode: str):
        if mode not in ("off", "pseudonymised", "full"):
            raise ValueError(f"VRAAGBAAK_AUDIT_QUESTIONS moet off, pseudonymised of full zijn, niet {mode!r}")
        self.mode = mode
        self._deduce = None
        self._loaded = threading.Event()
        self._started = False

    def __call__(self, question: str) -> str:
        if self.mode == "off":
            return NOT_KEPT
        text = scrub(question)
        if self.mode == "full":
            return text
        model = self._model()
        if model is None:
            return NOT_YET
        return model.deidentify(text).deidentified_text

    def _model(self):
        if self._deduce is None and not self._started:
            self._started = True
            threading.Thread(target=self._load, name="deduce-laden", daemon=True).start()
        return self._deduce

    def _load(self) -> None:
        try:
            from deduce import Deduce

            self._deduce = Deduce()
        except Exception:  # noqa: BLE001 - no pseudonymiser: questions stay unkept, the rest is logged
            log.warning("Deduce kon niet worden geladen; vragen worden niet in het auditlog bewaard")
        finally:
            self._loaded.set()

    def ready(self, timeout: float | None = None) -> bool:
        """Wait for Deduce (tests, and a start that wants it loaded before the first question)."""
        self._model()
        self._loaded.wait(timeout)
        return self._deduce is not None


class Trail:
    def __init__(self, settings: Settings):
        self.log = AuditLog(settings.audit_path, settings.audit_key_path)
        self.question_text = QuestionText(settings.audit_questions)

    def event(self, action: str, obj: str, result: str = "ok", actor: str = "", origin: str = "", **details):
        try:
            self.log.record(action, obj, result, actor=actor, origin=origin, **details)
        except OSError as err:  # a full disk: the app answers on, and says so in its own log
            log.error("auditlog niet geschreven (%s): %s", action, err.strerror or err)

    def question(self, answer: Answer, origin: str, filters: dict | None = None, actor: str = "",
                 via: str = "chat", collections=None) -> None:
        """collections: those the user may read (None: no access file, all of them)."""
        quoted = [{"doc": c.doc, "pagina": c.page} for c in answer.citations]
        self.event("vraag", self.question_text(answer.question), answer.outcome, actor=actor, origin=origin,
                   via=via, filters=filters or {}, quoted=quoted,
                   collecties=sorted(collections) if collections is not None else "alle")
