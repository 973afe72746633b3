"""The Beheer tab: a maintainer logs in, sees what is indexed (a table to search and sort) and what needs
attention, adds, removes and puts back documents, sets a document's owner, theme and year (written to its
sidecar, web/sidecar.py) and re-indexes. It owns the tab's layout, its events and what they show, and the
labels by which a document is chosen (document_choices), which the chat's filter shares.

May import: the rooms below web, and web's gradio_loader, login, uploads and sidecar. Not ui.py: the chat
hands in its outputs and how to bring them up to date (an import-linter contract in pyproject.toml)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

from vraagbaak.web.gradio_loader import import_gradio

gr = import_gradio()  # without Gradio's type-stub writer (gradio_loader.py)

from vraagbaak.assistant import Assistant  # noqa: E402
from vraagbaak.index.versions import IndexError_  # noqa: E402
from vraagbaak.ingest.filetypes import attached_to, labels  # noqa: E402
from vraagbaak.web.audit_trail import Trail, actor_of, client_of, groups_of  # noqa: E402
from vraagbaak.web.login import UPLOAD_COOKIE, LoginGuard, LoginResult, UploadKeys  # noqa: E402
from vraagbaak.web.sidecar import YEAR_FIELD, changed_fields, current_metadata, save_metadata, shown  # noqa: E402
from vraagbaak.web.uploads import (  # noqa: E402
    UploadRejected,
    empty_trash,
    remove_document,
    restore_document,
    store_upload,
)

ENDED = "Log (opnieuw) in: u bent niet ingelogd of de sessie is verlopen."
# The browser keeps the upload key of its Beheer session as a cookie (login.UploadKeys); "" removes it.
SET_UPLOAD_COOKIE = (f"(key) => {{ document.cookie = '{UPLOAD_COOKIE}=' + (key || '') + '; path=/; SameSite=Strict'"
                     " + (key ? '' : '; max-age=0'); }")


def index_health(assistant: Assistant) -> str:
    """What a maintainer must know at a glance: files that failed, duplicates, and files not yet indexed."""
    status = assistant.status()
    lines = [f"- **{name}**: {reason}" for name, reason in sorted(status.get("failed", {}).items())]
    lines += [f"- {name}: {note}" for name, note in sorted(status.get("warnings", {}).items())]
    lines += [f"- {name} is dezelfde als {original} (één keer geïndexeerd)"
              for name, original in sorted(status.get("duplicates", {}).items())]
    for doc, pages in sorted((status.get("ocr") or {}).get("low_confidence", {}).items()):
        listed = ", ".join(f"p. {p} ({c:.0f}%)" for p, c in pages.items())
        lines.append(f"- {doc}: OCR-tekst met lage zekerheid op {listed}; controleer die pagina's in de scan")
    if running := assistant.worker_progress():
        lines.append(f"- {running}")
    stale = status.get("stale", {})
    waiting = stale.get("new", []) + stale.get("changed", []) + stale.get("removed", [])
    if waiting:
        lines.append(f"- nog niet bijgewerkt in de index: {', '.join(sorted(waiting))}")
    if not lines:
        return "Alle bestanden in de documentenmap zijn geïndexeerd."
    return "Aandachtspunten:\n\n" + "\n".join(lines)


def metadata_fields(assistant: Assistant) -> tuple[str, str, str]:
    """The fields a maintainer sets: the collection's owner and theme (profile.py: "gemeente" or "organisatie",
    "domein") and the year."""
    return assistant.profile.owner_field, assistant.profile.theme_field, YEAR_FIELD


def table_headers(assistant: Assistant) -> list[str]:
    return ["document", "titel", *metadata_fields(assistant), "pagina's", "passages", "geïndexeerd"]


def documents_table(assistant: Assistant) -> list[list]:
    """One row per indexed document, with the metadata the index holds ("" where it knows none)."""
    fields = metadata_fields(assistant)
    return [[d["doc"], d["title"], *(shown((d["metadata"] or {}).get(f)) for f in fields), d["pages"], d["chunks"],
             local_time(d["indexed_at"])] for d in assistant.documents()]


def document_choices(rows: list[list]) -> list[tuple[str, str]]:
    """Documents to choose (a filter, a removal) by title, with the file, which two documents never share;
    rows: [doc, title, …]."""
    return [(f"{title} ({doc})", doc) for doc, title, *_ in rows]


def file_choices(rows: list[list]) -> list[tuple[str, str]]:
    """The documents that are files of their own, to remove or give metadata: an e-mail's attachments go
    with their e-mail."""
    return [(label, doc) for label, doc in document_choices(rows) if attached_to(doc) is None]


def local_time(stamp) -> str:
    """"2026-12-05T06:25:02+00:00" -> "5-12-2026 07:25" in the server's time zone; as it was if unreadable."""
    try:
        moment = dt.datetime.fromisoformat(str(stamp)).astimezone()
    except (TypeError, ValueError):
        return str(stamp or "")
    return f"{moment.day}-{moment.month}-{moment.year} {moment:%H:%M}"


def admin_tab(assistant: Assistant, refresh_outputs: list, refresh: Callable[[], tuple], keys: UploadKeys,
              trail: Trail | None = None) -> None:
    """refresh_outputs: the chat's description and filter lists; refresh(): their values as they are now, asked
    after a re-index."""
    s = assistant.settings
    if s.auth == "oidc" and not s.oidc_admin_group:
        gr.Markdown("Het beheer is uitgeschakeld. Start de app met `VRAAGBAAK_OIDC_ADMIN_GROUP`: de groep bij de "
                    "identity provider waarvan de leden documenten mogen toevoegen, verwijderen en indexeren.")
        return
    if s.auth != "oidc" and not s.admin_password:
        gr.Markdown("Het beheer is uitgeschakeld. Start de app met de omgevingsvariabele "
                    "`VRAAGBAAK_ADMIN_PASSWORD` om documenten te kunnen toevoegen, verwijderen en opnieuw te "
                    "indexeren. Vragen stellen kan altijd zonder inloggen.")
        return
    _wire(_layout(assistant), _Handlers(assistant, keys, trail), refresh_outputs, refresh)


def _layout(assistant: Assistant) -> SimpleNamespace:
    c = SimpleNamespace()
    c.session = gr.State(None)  # time of the last admin action; None: not logged in
    c.upload_key = gr.Textbox(visible="hidden", elem_id="beheer-uploadsleutel")  # to the cookie, by SET_UPLOAD_COOKIE
    by_group = assistant.settings.auth == "oidc"  # members of the admin group, signed in: no shared password
    with gr.Column(visible=True) as c.login_box:
        c.password = gr.Textbox(label="Beheerwachtwoord", type="password", elem_id="beheer-wachtwoord",
                                visible=not by_group)
        c.login = gr.Button("Beheer openen" if by_group else "Inloggen", elem_id="beheer-inloggen")
        c.login_msg = gr.Markdown()
    with gr.Column(visible=False) as c.panel:
        c.logout = gr.Button("Uitloggen", elem_id="beheer-uitloggen", size="sm")
        # the search box narrows the rows to those holding the text; each column's menu sorts by it
        c.table = gr.Dataframe(headers=table_headers(assistant), label="Geïndexeerde documenten", interactive=False,
                               wrap=True, show_search="search", datatype=["str"] * 5 + ["number"] * 2 + ["str"],
                               column_widths=["19%", "21%", "12%", "11%", "7%", "8%", "9%", "13%"],
                               elem_id="beheer-documenten")
        c.health = gr.Markdown(elem_id="beheer-aandacht")
        c.files = gr.File(label=f"Documenten toevoegen ({labels()})", file_count="multiple",
                          elem_id="beheer-upload")
        c.upload_msg = gr.Markdown(elem_id="beheer-upload-melding")
        _metadata_form(c, assistant)
        c.reindex = gr.Button("Opnieuw indexeren", variant="primary", elem_id="beheer-indexeren")
        c.reindex_msg = gr.Markdown(elem_id="beheer-index-melding")
        c.remove_choice = gr.Dropdown([], label="Document verwijderen", elem_id="beheer-verwijder-keuze")
        c.remove = gr.Button("Verwijder document", variant="stop", elem_id="beheer-verwijderen")
        with gr.Row(visible=False) as c.confirm_row:  # a removal is asked once more, and can be undone
            c.confirm_text = gr.Markdown(elem_id="beheer-verwijder-vraag")
            c.confirm = gr.Button("Ja, verwijderen", variant="stop", elem_id="beheer-verwijderen-bevestig")
            c.cancel = gr.Button("Annuleren", elem_id="beheer-verwijderen-annuleren")
        c.undo = gr.Button("Ongedaan maken", visible=False, elem_id="beheer-terugzetten")
        c.removed = gr.State("")  # the document that the undo button puts back
    return c


def _metadata_form(c: SimpleNamespace, assistant: Assistant) -> None:
    owner, theme, year = metadata_fields(assistant)
    # no word "filters" here: the browser tests find the chat's filter accordion by it
    gr.Markdown(f"**Metadata van een document** ({owner}, {theme}, jaar): de chat kan erop selecteren en noemt "
                "ze in overzichten.")
    c.meta_choice = gr.Dropdown([], label="Document", elem_id="beheer-metadata-keuze")
    with gr.Row():
        c.meta_owner = gr.Textbox(label=owner.capitalize(), max_length=100, elem_id="beheer-metadata-eigenaar")
        c.meta_theme = gr.Textbox(label=theme.capitalize(), max_length=100, elem_id="beheer-metadata-thema")
        c.meta_year = gr.Textbox(label=year.capitalize(), placeholder="bijvoorbeeld 2024", max_length=4,
                                 elem_id="beheer-metadata-jaar")
    c.meta_save = gr.Button("Metadata opslaan", elem_id="beheer-metadata-opslaan")
    c.meta_msg = gr.Markdown(elem_id="beheer-metadata-melding")


class _Handlers:
    """What the tab's events do. Every change first asks for a live session (guard.session_alive), and hands the
    browser a fresh upload key while the session lives."""

    def __init__(self, assistant: Assistant, keys: UploadKeys, trail: Trail | None = None):
        self.assistant, self.s, self.keys, self.trail = assistant, assistant.settings, keys, trail
        self.guard = LoginGuard(assistant.settings.admin_password)

    def audit(self, action: str, obj: str, result: str, request, **details) -> None:
        """One Beheer action in the audit trail; the actor is the signed-in user, or with the shared password,
        which names no person, the role."""
        if self.trail is not None:
            self.trail.event("beheer." + action, obj, result, actor=actor_of(request) or "beheerder",
                             origin=client_of(request), **details)

    def check(self, pw, request) -> LoginResult | SimpleNamespace:
        """The shared password, or with sign-in (VRAAGBAAK_AUTH=oidc) membership of the admin group."""
        if self.s.auth != "oidc":
            return self.guard.check(client_of(request), pw)
        groups = groups_of(request)
        ok = self.s.oidc_admin_group in groups
        return SimpleNamespace(ok=ok, message="" if ok else (
            f"Beheer is alleen voor de groep {self.s.oidc_admin_group}; u bent daar geen lid van."))

    def alive(self, started, request):
        """The session's login time while it lives; with sign-in also only while the caller is in the admin
        group (checked on every action, not only when Beheer was opened)."""
        if self.s.auth == "oidc" and not self.check(None, request).ok:
            return None
        return self.guard.session_alive(started)

    def do_login(self, pw, request: gr.Request):
        result = self.check(pw, request)
        ok = result.ok
        self.audit("inloggen", "beheer", "ok" if ok else "geweigerd", request)
        rows = documents_table(self.assistant) if ok else []
        choices = gr.update(choices=file_choices(rows))
        # the panel opens in a later step (show_panel), once the browser holds its upload key, so that a file
        # dropped at once already carries it
        return (self.guard.session_start() if ok else None, gr.update(visible=not ok), gr.update(visible=False),
                result.message, rows, choices, choices, index_health(self.assistant) if ok else "", "",
                self.keys.issue() if ok else "")

    @staticmethod
    def show_panel(started):
        return gr.update(visible=started is not None)

    def do_logout(self, key, request: gr.Request = None):
        self.keys.revoke(key)
        self.audit("uitloggen", "beheer", "ok", request)
        return None, gr.update(visible=True), gr.update(visible=False), "U bent uitgelogd.", ""

    def key_for(self, started, key) -> str:  # a fresh upload key in place of the browser's while the session lives
        if started is None:
            self.keys.revoke(key)
            return ""
        return self.keys.issue(replacing=key)

    def do_upload(self, paths, started, key, request: gr.Request = None):
        started = self.alive(started, request)
        if started is None:
            self.audit("uploaden", "beheer", "geweigerd: geen sessie", request)
            return ENDED, gr.update(), None, ""
        stored = [self._store(path) for path in paths or []]
        for name, ok, line in stored:
            self.audit("uploaden", name, "ok" if ok else "geweigerd", request, melding=line)
        lines = [line for _, _, line in stored]
        hint = ("\n\nKlik op ‘Opnieuw indexeren’ om de nieuwe documenten doorzoekbaar te maken."
                if any(ok for _, ok, _ in stored) else "\n\nEr is niets opgeslagen.")
        return ("\n\n".join(lines) + hint,
                index_health(self.assistant), started, self.key_for(started, key))

    def _store(self, path) -> tuple[str, bool, str]:
        """(the file's name, stored or not, the Dutch line that says so)."""
        s = self.s
        name = getattr(path, "orig_name", None) or Path(path).name
        try:
            stored = store_upload(Path(path), name, s.corpus_dir, int(s.max_file_mb * 1e6),
                                  int(s.max_uploads_mb * 1e6))
        except UploadRejected as err:
            return name, False, f"✘ {name} geweigerd: {err}"
        return name, True, f"✔ {name} opgeslagen als `{stored.relative_to(s.corpus_dir.resolve())}`"

    def do_reindex(self, started, key, progress=gr.Progress(), request: gr.Request = None):
        started = self.alive(started, request)
        if started is None:
            self.audit("indexeren", "index", "geweigerd: geen sessie", request)
            return ENDED, gr.update(), gr.update(), gr.update(), gr.update(), None, ""
        try:
            report = self.assistant.build_index(progress=lambda f, m: progress(f, desc=m))
        except IndexError_ as err:  # another indexer holds the lock, a damaged index: said, not "Error"
            return self._not_reindexed(f"Niet opnieuw geïndexeerd: {err}", started, key)
        except OSError as err:
            return self._not_reindexed(f"Niet opnieuw geïndexeerd: {err.strerror or err}. De vorige index blijft "
                                       "in gebruik.", started, key)
        empty_trash(self.s.corpus_dir)  # the removals are final now
        self.audit("indexeren", "index", "ok", request, added=report.added, changed=report.changed,
                   removed=report.removed, failed=sorted(report.failed))
        failed = "".join(f"\n- {n}: {r}" for n, r in report.failed.items())
        rows = documents_table(self.assistant)
        attachments = sum(attached_to(row[0]) is not None for row in rows)
        counted = f" (waarvan {attachments} bijlagen bij e-mails)" if attachments else ""
        msg = (f"Index bijgewerkt: {report.documents} documenten{counted}, {report.chunks} passages "
               f"(nieuw {len(report.added)}, gewijzigd {len(report.changed)}, verwijderd {len(report.removed)}).")
        choices = gr.update(choices=file_choices(rows))
        return (msg + (f"\n\nNiet geïndexeerd:{failed}" if failed else ""), rows, choices, choices,
                index_health(self.assistant), started, self.key_for(started, key))

    def _not_reindexed(self, msg: str, started, key):
        return msg, gr.update(), gr.update(), gr.update(), gr.update(), started, self.key_for(started, key)

    @staticmethod
    def ask_to_remove(doc):
        if not doc:
            return gr.update(visible=False), "", "Kies een document."
        return (gr.update(visible=True), f"**{doc}** naar de prullenbak verplaatsen? Tot het volgende herindexeren "
                                         "kunt u het terugzetten.", "")

    def do_remove(self, doc, started, key, request: gr.Request = None):
        started = self.alive(started, request)
        hidden = gr.update(visible=False)
        if started is None or not doc:
            return ((ENDED if started is None else "Kies een document."), gr.update(), started,
                    self.key_for(started, key), hidden, hidden, "")
        try:
            remove_document(self.s.corpus_dir, doc)
        except UploadRejected as err:
            self.audit("verwijderen", doc, f"geweigerd: {err}", request)
            return f"Niet verwijderd: {err}.", gr.update(), started, self.key_for(started, key), hidden, hidden, ""
        self.audit("verwijderen", doc, "ok", request)
        return (f"{doc} staat in de prullenbak. Klik op ‘Opnieuw indexeren’ om de index bij te werken, of op "
                "‘Ongedaan maken’ om het terug te zetten.", index_health(self.assistant), started,
                self.key_for(started, key), hidden, gr.update(visible=True), doc)

    def do_undo(self, doc, started, key, request: gr.Request = None):
        started = self.alive(started, request)
        if started is None or not doc:
            return (ENDED if started is None else "Er is niets terug te zetten."), gr.update(), started, \
                self.key_for(started, key), gr.update(visible=False), ""
        try:
            restore_document(self.s.corpus_dir, doc)
        except UploadRejected as err:
            self.audit("terugzetten", doc, f"geweigerd: {err}", request)
            return f"Niet teruggezet: {err}.", gr.update(), started, self.key_for(started, key), gr.update(), doc
        self.audit("terugzetten", doc, "ok", request)
        return (f"{doc} is teruggezet.", index_health(self.assistant), started, self.key_for(started, key),
                gr.update(visible=False), "")

    def show_metadata(self, doc, started, request: gr.Request = None):
        """The form filled with the chosen document's metadata as the next re-index will see it."""
        if self.alive(started, request) is None or not doc:  # a choice alone does not extend the session
            return "", "", "", (ENDED if doc else "")
        try:
            current = self._current_metadata(doc)
        except UploadRejected as err:
            return "", "", "", f"De metadata is niet te lezen: {err}."
        return (*(shown(current.get(f)) for f in metadata_fields(self.assistant)), "")

    def do_save_metadata(self, doc, owner, theme, year, started, key, request: gr.Request = None):
        started = self.alive(started, request)
        if started is None or not doc:
            return (ENDED if started is None else "Kies een document."), gr.update(), started, \
                self.key_for(started, key)
        typed = dict(zip(metadata_fields(self.assistant), (owner or "", theme or "", year or "")))
        try:
            changes = changed_fields(typed, self._current_metadata(doc))
            side = save_metadata(self.s.corpus_dir, doc, changes) if changes else None
        except UploadRejected as err:
            self.audit("metadata", doc, f"geweigerd: {err}", request)
            return f"Niet opgeslagen: {err}.", gr.update(), started, self.key_for(started, key)
        self.audit("metadata", doc, "ok" if side else "ongewijzigd", request, velden=sorted(changes))
        if side is None:
            return "Er is niets gewijzigd.", gr.update(), started, self.key_for(started, key)
        return (f"De metadata van {doc} is opgeslagen in `{side.name}`. Klik op ‘Opnieuw indexeren’ om ze te "
                "gebruiken: in de keuzelijsten en overzichten van de chat en in de tabel.",
                index_health(self.assistant), started, self.key_for(started, key))

    def _current_metadata(self, doc: str) -> dict:
        try:
            indexed = next((d["metadata"] or {} for d in self.assistant.documents() if d["doc"] == doc), {})
        except IndexError_:  # no index (yet): the sidecar alone
            indexed = {}
        return current_metadata(self.s.corpus_dir, doc, indexed)


def _wire(c: SimpleNamespace, h: _Handlers, refresh_outputs: list, refresh: Callable[[], tuple]) -> None:
    def to_cookie(event):  # after the handler: the browser keeps the key it was given
        return event.then(None, c.upload_key, None, js=SET_UPLOAD_COOKIE, api_visibility="private")

    login_outputs = [c.session, c.login_box, c.panel, c.login_msg, c.table, c.remove_choice, c.meta_choice,
                     c.health, c.password, c.upload_key]
    for logged_in in (c.login.click(h.do_login, c.password, login_outputs, api_visibility="private"),
                      c.password.submit(h.do_login, c.password, login_outputs, api_visibility="private")):
        to_cookie(logged_in).then(h.show_panel, c.session, c.panel, api_visibility="private")
    to_cookie(c.logout.click(h.do_logout, c.upload_key, [c.session, c.login_box, c.panel, c.login_msg, c.upload_key],
                             api_visibility="private"))
    to_cookie(c.files.upload(h.do_upload, [c.files, c.session, c.upload_key],
                             [c.upload_msg, c.health, c.session, c.upload_key], api_visibility="private"))
    reindexed = c.reindex.click(h.do_reindex, [c.session, c.upload_key],
                                [c.reindex_msg, c.table, c.remove_choice, c.meta_choice, c.health, c.session,
                                 c.upload_key],
                                show_progress_on=[c.reindex_msg],  # one bar, not one per output
                                api_visibility="private")
    reindexed.then(refresh, None, refresh_outputs, api_visibility="private")
    reindexed.then(lambda: (gr.update(visible=False), ""), None, [c.undo, c.removed], api_visibility="private")
    to_cookie(reindexed)
    c.remove.click(h.ask_to_remove, c.remove_choice, [c.confirm_row, c.confirm_text, c.reindex_msg],
                   api_visibility="private")
    c.cancel.click(lambda: gr.update(visible=False), None, c.confirm_row, api_visibility="private")
    to_cookie(c.confirm.click(h.do_remove, [c.remove_choice, c.session, c.upload_key],
                              [c.reindex_msg, c.health, c.session, c.upload_key, c.confirm_row, c.undo, c.removed],
                              api_visibility="private"))
    to_cookie(c.undo.click(h.do_undo, [c.removed, c.session, c.upload_key],
                           [c.reindex_msg, c.health, c.session, c.upload_key, c.undo, c.removed],
                           api_visibility="private"))
    c.meta_choice.change(h.show_metadata, [c.meta_choice, c.session],
                         [c.meta_owner, c.meta_theme, c.meta_year, c.meta_msg], api_visibility="private")
    to_cookie(c.meta_save.click(h.do_save_metadata, [c.meta_choice, c.meta_owner, c.meta_theme, c.meta_year, c.session,
                                                  c.upload_key], [c.meta_msg, c.health, c.session, c.upload_key],
                                api_visibility="private"))
