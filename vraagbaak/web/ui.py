"""The chat window (Gradio Blocks), a thin layer over the Assistant API. All labels are Dutch."""
from __future__ import annotations

import html
import logging
import os
import signal
import time
from contextlib import contextmanager

from vraagbaak.web.gradio_loader import import_gradio

gr = import_gradio()  # without Gradio's type-stub writer: 1–2 s less to start (gradio_loader.py)

from vraagbaak.assistant import Assistant  # noqa: E402
from vraagbaak.index.versions import IndexError_  # noqa: E402
from vraagbaak.ingest.filetypes import attached_to, has_pages, is_markdown_path, of_path  # noqa: E402
from vraagbaak.profile import CollectionProfile  # noqa: E402
from vraagbaak.schema import Answer, hit_to_json  # noqa: E402
from vraagbaak.web import sources as source_view  # noqa: E402
from vraagbaak.web.access import NO_ACCESS, Access  # noqa: E402
from vraagbaak.web.api_input import BadRequest, filters_from_json, previous_from_json, question_text, result_count  # noqa: E402
from vraagbaak.web.audit_trail import Trail, actor_of, client_of  # noqa: E402
from vraagbaak.web.beheer import admin_tab, document_choices  # noqa: E402
from vraagbaak.web.feedback import FeedbackLog  # noqa: E402
from vraagbaak.web.login import UploadKeys, cookie_value  # noqa: E402
from vraagbaak.web.markdown_text import inert  # noqa: E402
from vraagbaak.web.memo import memo_filename, memo_text  # noqa: E402
from vraagbaak.web.memo_store import MEMO_PATH, MemoStore, memo_owner  # noqa: E402
from vraagbaak.web.routes import app_kwargs  # noqa: E402
from vraagbaak.web.sessions import SESSION_COOKIE, LiveSessions  # noqa: E402
from vraagbaak.web.sources import section_text  # noqa: E402

log = logging.getLogger(__name__)
CACHE_CLEANUP = (3600, 3600)  # Gradio's upload and file cache: every hour, files older than an hour go

CSS = """
.bron {border-left: 4px solid #1f4e8c; padding: 0.4em 0.8em; margin-bottom: 0.8em; background: #f7f9fc; color: #111;}
.bron mark {background: #ffe58a; color: #111;}
.memo-downloads {display: flex; gap: 0.5em; flex-wrap: wrap;}
.memo-knop {display: inline-block; padding: 0.45em 0.9em; border: 1px solid #1f4e8c; border-radius: 6px;
  color: #1f4e8c; background: #fff; text-decoration: none; font-weight: 600;}
.memo-knop:hover, .memo-knop:focus {background: #eef3fa; text-decoration: underline;}
.memo-leeg {color: #444; margin: 0;}
.bron .meta {color: #333; font-size: 0.9em;}
.bron details {margin-top: 0.4em;}
.bron summary {cursor: pointer; color: #1f4e8c; text-decoration: underline;}
.bron .sectie {background: #fff; padding: 0.2em 0.8em; border: 1px solid #d0d7e2; max-height: 28em; overflow: auto;}
.bron .sectie mark {background: #ffe58a;}
/* Gradio's light grey '- of -' and empty dropdowns fall under 4.5:1 (axe-core, WCAG 2.1 AA) */
.or, input.border-none {color: #374151 !important;}
button[role=tab].selected {color: #1d4ed8 !important;}
.bron .sectie h1, .bron .sectie h2, .bron .sectie h3 {font-size: 1.05em; margin: 0.6em 0 0.3em;}
"""
# The clipboard API exists only in a secure context (https or localhost); over plain HTTP on a network address
# the memo text is selected and copied the old way. Either way the button says whether it worked.
COPY_JS = """(text) => {
  const button = document.querySelector('#kopieer-memo');
  const say = (label) => { if (button) { button.textContent = label;
                                         setTimeout(() => { button.textContent = 'Kopieer voor memo'; }, 2500); } };
  const fallback = () => {
    const area = document.createElement('textarea');
    area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area); area.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(area);
    say(ok ? 'Gekopieerd' : 'Kopiëren lukte niet: selecteer de tekst en kopieer zelf');
  };
  if (!text) { say('Nog geen antwoord om te kopiëren'); return text; }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(() => say('Gekopieerd'), fallback);
  } else { fallback(); }
  return text;
}"""


def sources_html(assistant: Assistant, answer: Answer | None) -> str:
    def section_of(c) -> str:
        pages, before = assistant.pages_through(c.doc, c.page, c.page_end)
        return section_text(pages, c.section, is_markdown_path(c.doc), shown_from=before)

    return source_view.sources_html(answer, section_of)


def collection_description(assistant: Assistant) -> str:
    """The first screen says what can be asked about: how many documents, of which kinds, on which subjects."""
    try:
        documents = assistant.documents()
        profile = assistant.profile
        facets = assistant.facets((profile.owner_field, profile.theme_field, "thema"))
    except IndexError_ as err:
        return f"De documenten zijn nog niet doorzoekbaar: {err}"
    if not documents:
        return "Er zijn nog geen documenten doorzoekbaar. Een beheerder kan ze toevoegen in het tabblad Beheer."
    pdfs = sum(has_pages(d["doc"]) for d in documents)
    count = "1 document" if len(documents) == 1 else f"{len(documents)} documenten"
    line = f"De Vraagbaak doorzoekt **{count}** ({kinds_of(d['doc'] for d in documents)})"
    gemeenten = [inert(g) for g in facets.get(profile.owner_field, [])  # metadata: text only
                 if not profile.means_nobody(g)]
    if gemeenten:
        few = ", ".join(gemeenten[:4]) + (" en andere" if len(gemeenten) > 4 else "")
        line += (f" van {len(gemeenten)} gemeenten en organisaties ({few})" if len(gemeenten) > 1
                 else f" van {few}")
    domeinen = [inert(d) for d in facets.get(profile.theme_field, [])]
    if domeinen:
        line += f", in {'de domeinen' if len(domeinen) > 1 else 'het domein'} {', '.join(domeinen)}"
    # a page number only exists in a PDF: a Markdown collection must not promise one
    where = "titel, pagina en sectie" if pdfs == len(documents) else "titel en sectie (bij een PDF ook de pagina)" \
        if pdfs else "titel en sectie"
    return (line + f". Elk antwoord bestaat uit letterlijke citaten met {where}. "
            "De Vraagbaak geeft geen advies en schrijft geen eigen tekst: alleen wat in de documenten staat."
            + _unread_line(len(assistant.unread_files())))


def _unread_line(count: int) -> str:
    """A reader must know that not every file was searched; which files and why, a maintainer sees in Beheer or
    with `vraagbaak status` (file names are not for every user)."""
    if not count:
        return ""
    files = "1 bestand" if count == 1 else f"{count} bestanden"
    return (f" Let op: {files} in de documentenmap {'kon' if count == 1 else 'konden'} niet gelezen worden en "
            f"{'wordt' if count == 1 else 'worden'} dus niet doorzocht; een beheerder kan zien welke en waarom.")


def kinds_of(docs) -> str:
    """"PDF-bestanden: 2, Markdown: 18, Word: 1, bijlagen bij e-mails: 3": the documents by file type."""
    counts: dict[str, int] = {}
    for doc in docs:
        registered = of_path(doc)
        kind = "bijlagen bij e-mails" if attached_to(doc) else (registered.label if registered else "overig")
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{'PDF-bestanden' if kind == 'PDF' else kind}: {n}" for kind, n in counts.items())


def current_filters(assistant: Assistant, docs, owners, themes) -> tuple[dict, list[str]]:
    """(the chat's filters, the chosen values that the collection no longer holds). A page opened before a
    document was removed still offers it; Gradio refused such a value with an English error, now it is left
    out and the answer says so."""
    chosen = [[str(v) for v in (c if isinstance(c, list) else [c] if c else [])] for c in (docs, owners, themes)]
    if not any(chosen):  # most questions: no filter, and no need to list the collection
        return {}, []
    facets = _facets_or_empty(assistant)
    known = ({doc for _, doc in _document_choices(assistant)}, set(facets.get(assistant.profile.owner_field, [])),
             set(facets.get(assistant.profile.theme_field, [])))
    kept = [[v for v in values if v in present] for values, present in zip(chosen, known)]
    gone = [v for values, present in zip(chosen, known) for v in values if v not in present]
    return parse_filters(*kept, assistant.profile), gone


def parse_filters(docs, gemeenten, domeinen, profile: CollectionProfile = CollectionProfile()) -> dict:
    """The chat's filter lists as filters: documents, owners (profile.owner_field) and themes."""
    filters = {"doc": docs or [], profile.owner_field: gemeenten or [], profile.theme_field: domeinen or []}
    return {k: v for k, v in filters.items() if v}


def build_ui(assistant: Assistant, upload_keys: UploadKeys | None = None, memos: MemoStore | None = None,
             trail: Trail | None = None, access: Access | None = None) -> gr.Blocks:
    s, profile = assistant.settings, assistant.profile
    memos = memos if memos is not None else MemoStore()
    scoped = access is not None and access.scoped
    # with collections per group, the page itself names no document: each user's lists come at page load
    facets = {} if scoped else _facets_or_empty(assistant)
    doc_choices = [] if scoped else _document_choices(assistant)

    def reader(request) -> Assistant | None:
        """The assistant whose index holds what this request's user may read (all of it without scoping)."""
        return access.assistant_for(request) if scoped else assistant

    def signed_in(request) -> str:
        """The signed-in user's name ("" without sign-in): also for an event that went through the queue."""
        if access is not None and access.sign_in is not None:
            user = access.sign_in.user_of(request)
            return user.name if user is not None else ""
        return actor_of(request)

    def lists_for(request: gr.Request) -> tuple:  # the annotation makes Gradio hand in the request
        own = reader(request)
        if own is None:
            return NO_ACCESS, gr.update(choices=[]), gr.update(choices=[]), gr.update(choices=[])
        return collection_lists(own)

    def respond(question, history, answers, docs, gemeenten, domeinen, request: gr.Request):
        question = (question or "").strip()
        if not question:
            yield history, answers, gr.update(), "", gr.update(), ""
            return
        notice = ""
        if len(question) > s.max_question_chars:
            question = question[: s.max_question_chars]
            notice = f"\n\n_(Uw vraag is ingekort tot {s.max_question_chars} tekens.)_"
        own = reader(request)
        if own is None:
            yield history + [{"role": "user", "content": question}, {"role": "assistant", "content": NO_ACCESS}], \
                answers, gr.update(), "", memo_links(None), ""
            return
        filters, gone = current_filters(own, docs, gemeenten, domeinen)
        if gone:
            notice += f"\n\n_(Niet meer in de collectie, dus niet als filter gebruikt: {', '.join(gone)}.)_"
        previous = [_text(m["content"]) for m in history if m.get("role") == "user"][-3:]
        busy = ("Bezig met zoeken in de documenten…" if own.ready or assistant.ready else
                "Het zoekmodel wordt nog geladen; daarna wordt uw vraag beantwoord. "
                "Bezig met zoeken in de documenten…")
        history = history + [{"role": "user", "content": question}, {"role": "assistant", "content": busy}]
        yield history, answers, gr.update(), "", memo_links(None), ""
        try:
            answer = own.ask(question, filters=filters, previous=previous)
            shown_sources = sources_html(own, answer)
        except Exception as err:  # the chat never stays on "Bezig …": it says what went wrong
            log.exception("vraag mislukt")
            history[-1] = {"role": "assistant", "content": f"Er ging iets mis bij het zoeken: {err}. "
                                                           "Probeer het opnieuw of meld dit aan de beheerder."}
            yield history, answers, gr.update(), "", memo_links(None), ""
            return
        history[-1] = {"role": "assistant", "content": inert(answer.answer) + notice}  # no link from a document
        answers = answers + [answer.to_json() | {"index": len(history) - 1}]
        if trail is not None:
            trail.question(answer, client_of(request), filters, actor=actor_of(request),
                           collections=access.collections_for(request) if scoped else None)
        # "niets gevonden": no memo; a memo opens for this browser session and this signed-in user only
        key = memos.put(answer, memo_owner(_session_cookie(request), signed_in(request))) if answer.found else None
        yield history, answers, shown_sources, memo_text(answer), memo_links(key, answer), ""

    # a question is kept in the feedback log as in the audit trail: pseudonymised by default, never a BSN
    feedback_log = FeedbackLog(s.feedback_path, **({"question_text": trail.question_text} if trail else {}))

    def feedback(data: gr.LikeData, answers, votes, request: gr.Request):
        record = next((a for a in answers if a["index"] == data.index), None)
        if record is None:
            return votes
        votes = dict(votes or {})
        client = getattr(getattr(request, "client", None), "host", None) or ""
        if feedback_log.vote(votes, record, bool(data.liked), client):
            gr.Info("Bedankt voor uw feedback.")
        return votes

    with gr.Blocks(title="Vraagbaak", analytics_enabled=False, delete_cache=CACHE_CLEANUP) as demo:
        gr.Markdown("# Vraagbaak")
        description = gr.Markdown("" if scoped else collection_description(assistant), elem_id="beschrijving")
        with gr.Tab("Vragen"):
            answers = gr.State([])
            votes = gr.State({})  # this session's vote per answer: a second click changes it, never adds one
            with gr.Row():
                with gr.Column(scale=3):
                    # no "share" button: it would offer to post the conversation online
                    # no visible label: it lay over the messages once they scroll; screen readers still
                    # hear "Gesprek" (web/routes.py). The height follows the window, so the question stays in view.
                    chat = gr.Chatbot(label="Gesprek", show_label=False, height="68vh", min_height=420,
                                      elem_id="gesprek", buttons=["copy", "copy_all"],
                                      placeholder="Stel hieronder een vraag, of kies een voorbeeldvraag.")
                    question = gr.Textbox(label="Uw vraag", placeholder="Bijvoorbeeld: welke gemeenten …",
                                          elem_id="vraag", lines=1, max_lines=6)
                    with gr.Row():
                        ask_button = gr.Button("Vraag stellen", variant="primary", elem_id="vraag-stellen")
                        clear = gr.Button("Nieuw gesprek")
                    shown = s.example_questions or list(assistant.profile.examples)
                    examples = gr.Examples(shown, inputs=question, label="Voorbeeldvragen") if shown else None
                with gr.Column(scale=2):
                    with gr.Accordion("Filters", open=False):
                        # a value the collection no longer holds is left out with a Dutch notice
                        # (current_filters), not refused by Gradio in English
                        docs = gr.Dropdown(doc_choices, multiselect=True, label="Alleen deze documenten",
                                           elem_id="filter-documenten", allow_custom_value=True)
                        gemeenten = gr.Dropdown(facets.get(profile.owner_field, []), multiselect=True,
                                                label=profile.owner_field.capitalize(),
                                                elem_id="filter-gemeente", allow_custom_value=True)
                        domeinen = gr.Dropdown(facets.get(profile.theme_field, []), multiselect=True,
                                               label=profile.theme_field.capitalize(), allow_custom_value=True)
                    gr.Markdown("### Bronnen")
                    sources = gr.HTML(sources_html(assistant, None), elem_id="bronnen")
                    memo = gr.Textbox(label="Antwoord voor memo (platte tekst)", lines=6, elem_id="memo",
                                      buttons=["copy"], interactive=False)
                    with gr.Row():
                        copy = gr.Button("Kopieer voor memo", elem_id="kopieer-memo")
                    downloads = gr.HTML(memo_links(None), elem_id="memo-downloads")
            inputs = [question, chat, answers, docs, gemeenten, domeinen]
            outputs = [chat, answers, sources, memo, downloads, question]
            ask_button.click(respond, inputs, outputs, api_visibility="private")
            question.submit(respond, inputs, outputs, api_visibility="private")
            if examples is not None:  # a click on an example asks it (not only fill the field)
                examples.load_input_event.then(respond, inputs, outputs, api_visibility="private")
            clear.click(lambda: ([], [], sources_html(assistant, None), "", memo_links(None)), None,
                        [chat, answers, sources, memo, downloads], api_visibility="private")
            copy.click(None, memo, None, js=COPY_JS)
            chat.like(feedback, [answers, votes], votes, api_visibility="private")
        with gr.Tab("Beheer"):
            # after a re-index: the caller's own lists (any session can call this step of the event directly)
            admin_tab(assistant, [description, docs, gemeenten, domeinen], lists_for,
                      upload_keys or UploadKeys(), trail)

        # another process (python -m vraagbaak index) may have changed the collection since start
        demo.load(lists_for, None, [description, docs, gemeenten, domeinen],
                  api_visibility="private")

        def api_ask(question: str, filters_json: str = "{}", previous_json: str = "[]",
                    request: gr.Request = None) -> dict:
            """De ask-JSON van de CLI; previous_json: eerdere vragen van het gesprek (JSON-lijst, oudste eerst)."""
            own = reader(request)
            if own is None:
                raise gr.Error(NO_ACCESS)
            with dutch_errors():
                question, filters = question_text(question, s.max_question_chars), filters_from_json(filters_json)
                previous = previous_from_json(previous_json)
                answer = own.ask(question, filters=filters, previous=previous)
            if trail is not None:
                trail.question(answer, client_of(request), filters, actor=actor_of(request), via="api",
                               collections=access.collections_for(request) if scoped else None)
            return answer.to_json()

        def api_search(question: str, k: int = 5, filters_json: str = "{}", request: gr.Request = None) -> dict:
            """De search-JSON van de CLI."""
            own = reader(request)
            if own is None:
                raise gr.Error(NO_ACCESS)
            with dutch_errors():
                question, k = question_text(question, s.max_question_chars), result_count(k)
                filters = filters_from_json(filters_json)
            hits = own.search(question, k=k, filters=filters)
            if trail is not None:
                trail.event("zoeken", trail.question_text(question), "ok", origin=client_of(request), via="api",
                            shown=[{"doc": h.chunk.doc, "pagina": h.chunk.page_start} for h in hits])
            return {"query": question, "results": [hit_to_json(h) for h in hits]}

        gr.api(api_ask, api_name="ask")
        gr.api(api_search, api_name="search")
    return demo


def _facets_or_empty(assistant: Assistant) -> dict:
    try:
        return assistant.facets()
    except IndexError_:
        return {}


def _document_choices(assistant: Assistant) -> list[tuple[str, str]]:
    try:
        return document_choices([[d["doc"], d["title"]] for d in assistant.documents()])
    except IndexError_:
        return []


def collection_lists(assistant: Assistant) -> tuple:
    """The description and the filter lists as they are now: after every Beheer change and page load.
    A chosen value that no longer exists is dropped by Gradio's choices update."""
    facets = _facets_or_empty(assistant)
    return (collection_description(assistant), gr.update(choices=_document_choices(assistant)),
            gr.update(choices=facets.get(assistant.profile.owner_field, [])),
            gr.update(choices=facets.get(assistant.profile.theme_field, [])))


def _text(content) -> str:
    """A chat message's text: Gradio gives it back as a string or as a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content or "")


@contextmanager
def dutch_errors():
    """A bad request becomes a gr.Error with its Dutch message (shown to the caller, no server traceback)."""
    try:
        yield
    except (BadRequest, IndexError_) as err:  # IndexError_: no index yet, locked, damaged
        raise gr.Error(str(err), print_exception=False) from None


def _session_cookie(request) -> str:
    """The browser's session cookie (web/sessions.py); "" for a client without one."""
    try:
        header = dict(request.headers).get("cookie", "")
    except (AttributeError, TypeError):  # no request (a direct call in a test)
        return ""
    return cookie_value(header, SESSION_COOKIE) or ""


def memo_links(key: str | None, answer: Answer | None = None) -> str:
    """The two memo downloads of the answer kept under key (MemoStore); made when they are clicked. Before
    the first answer, and after "niets gevonden", a line that says why there are none."""
    if key is None or answer is None:
        return "<p class='memo-leeg'>Na een antwoord kunt u hier de memo downloaden.</p>"
    href = f"{MEMO_PATH}?m={key}"
    word, markdown = (html.escape(memo_filename(answer, ext), quote=True) for ext in ("docx", "md"))
    return (f"<div class='memo-downloads'><a id='download-word' class='memo-knop' href='{href}&amp;f=docx' "
            f"download='{word}'>Download als Word (.docx)</a> "
            f"<a id='download-memo' class='memo-knop' href='{href}&amp;f=md' download='{markdown}'>"
            "Download als Markdown</a></div>")


def theme() -> gr.themes.Base:
    """Gradio's default look with darker buttons: white on blue-700 / red-700 is 6.5:1 or more, where
    the default white on orange is under 3:1 (WCAG AA asks 4.5:1 for normal text)."""
    return gr.themes.Default(primary_hue="blue").set(
        button_primary_background_fill="*primary_700", button_primary_background_fill_hover="*primary_800",
        button_primary_text_color="white", button_cancel_background_fill="#b91c1c",
        button_cancel_background_fill_hover="#991b1b", button_cancel_text_color="white")


def proxy_trust(trusted_proxies: str) -> None:
    """uvicorn believes X-Forwarded-For from these addresses only (FORWARDED_ALLOW_IPS; its default trusts
    127.0.0.1, where any local process, or a client behind no proxy at all, can forge the header)."""
    if trusted_proxies.strip() or "FORWARDED_ALLOW_IPS" not in os.environ:  # uvicorn's own setting, if set, stays
        os.environ["FORWARDED_ALLOW_IPS"] = trusted_proxies.strip()


def launch(assistant: Assistant, **kwargs) -> None:
    proxy_trust(assistant.settings.trusted_proxies)
    keys, memos, trail = UploadKeys(), MemoStore(), Trail(assistant.settings)
    access = Access(assistant, trail)
    demo = build_ui(assistant, keys, memos, trail, access)
    # api_open=False: no event runs past the queue (Gradio's /run/<name> and /api/<name> ran the private Beheer
    # events for any session hash); the HTTP API (/call/ask, /call/search) goes through the queue
    demo.queue(default_concurrency_limit=2, api_open=False)
    # max_file_size: Gradio refuses larger uploads at the HTTP layer, before anything is stored; and the
    # web layer (routes.Guard) takes an upload only from a browser that logged in to Beheer (UploadKeys).
    demo.launch(server_name=assistant.settings.host, server_port=assistant.settings.port, css=CSS,
                app_kwargs=app_kwargs(assistant, keys, memos, LiveSessions(demo), trail, access),
                theme=theme(), footer_links=[], prevent_thread_lock=True,
                max_file_size=int(assistant.settings.max_file_mb * 1e6),
                state_session_capacity=assistant.settings.max_sessions,
                quiet=True, **kwargs)  # app.py says where it runs, in Dutch; no advice to share it publicly
    # app.py has started this before importing Gradio; any other caller loads the model and index now, while
    # the browser renders the page. A question that comes earlier is told so.
    assistant.start_warm_up()
    _serve_until_stopped(demo)


def _serve_until_stopped(demo) -> None:
    """Serve until Ctrl-C or SIGTERM (app.py makes that a KeyboardInterrupt). Gradio's own block_thread closes the
    server but leaves the heartbeats of open browser tabs running, and uvicorn waits for those: 21 s with one tab
    open, past the 10 s a "docker stop" gives before it kills. demo.close() stops the heartbeats first."""
    try:
        while demo.is_running:
            time.sleep(0.1)
    except (KeyboardInterrupt, OSError):
        # a second Ctrl-C or SIGTERM while closing (which may wait 5 s) would end in a traceback
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        log.info("De Vraagbaak stopt.")
        demo.close(verbose=False)
