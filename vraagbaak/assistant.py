"""The Assistant: one API for the CLI, the chat window and scripts."""
from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from vraagbaak.answer.absent_names import absent_names, absent_subject, absent_words, as_written, misspelled
from vraagbaak.answer.builder import (
    AnswerBuilder,
    alternatives,
    is_overview,
    nothing_found,
    overview_subject,
    quote_found_in,
)
from vraagbaak.answer.judge import Collection
from vraagbaak.answer.render import answer_text
from vraagbaak.answer.stated import naming
from vraagbaak.embed.embedder import Embedder
from vraagbaak.index import backends
from vraagbaak.index.backends import DEFAULT as DEFAULT_STORE
from vraagbaak.index.lock import WriterLock
from vraagbaak.index.versions import (
    IndexError_,
    IndexLocked,
    IndexMissing,
    IndexVersion,
    current_version,
    follow_shared,
    read_manifest,
)
from vraagbaak.ingest.indexer import Indexer, IndexReport, chunker_settings, stale_files
from vraagbaak.ingest.loaders import corpus_files
from vraagbaak.profile import CollectionProfile, ProfileError
from vraagbaak.schema import Answer, AnswerRequest, Citation, Hit
from vraagbaak.search.followup import (
    asks_something_of_its_own,
    could_lean_on_previous,
    moved_to,
    own_part,
    searched_as,
)
from vraagbaak.search.fusion import search as run_search
from vraagbaak.settings import Settings
from vraagbaak.text.cleaning import asked_text, collapse_whitespace
from vraagbaak.text.language import is_english
from vraagbaak.text.owners import without_owners
from vraagbaak.text.words import fold
from vraagbaak.text.words import words as words_of
from vraagbaak.timing import Timings, stage

log = logging.getLogger(__name__)


NO_COLLECTION = "-"  # a scope with no collection: no file is in a collection named so


def index_dir_for(settings: Settings, corpus_dir: Path | None, index_dir: Path | None) -> Path:
    """--corpus without --index gets its own index folder, so the default index is never overwritten."""
    if index_dir:
        return Path(index_dir)
    if corpus_dir and Path(corpus_dir).resolve() != settings.corpus_dir.resolve():
        resolved = Path(corpus_dir).resolve()
        digest = hashlib.sha1(str(resolved).encode()).hexdigest()[:8]
        store = "" if settings.store == DEFAULT_STORE else f"-{settings.store}"  # the stores never share a folder
        return settings.index_dir / "by-corpus" / f"{resolved.name}-{digest}{store}"
    return settings.index_dir


class Assistant:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None):
        self.settings = settings or Settings.from_env()
        backends.check_name(self.settings.store)  # before anything is loaded: a wrong name is a Dutch error
        self.embedder = embedder or Embedder(self.settings)
        self._index: IndexVersion | None = None  # the live version
        self._lock = threading.Lock()
        self._doc_texts: OrderedDict[tuple[str, str], str] = OrderedDict()  # (index version, doc) -> text
        self._sentence_vectors: OrderedDict[str, object] = OrderedDict()
        self.ready = False  # model and index loaded (warm_up); the chat says so while it is not
        self._warming: threading.Thread | None = None
        self.profile = _profile(self.settings.corpus_dir)
        self._scoped: dict[str, Assistant] = {}  # for_collections
        self._owners_of: dict[str, frozenset[str]] = {}  # index version -> whose documents it holds
        self._shared: backends.SharedVersions | None | bool = False  # the store's versions; False: not asked yet

    @property
    def _nouns(self) -> tuple[str, ...]:  # what this collection's list questions count documents by
        return self.profile.document_nouns

    def _is_overview(self, question: str) -> bool:
        return is_overview(question, self._nouns)

    def for_collections(self, collections: frozenset[str]) -> "Assistant":
        """An assistant whose index holds only these collections of the same corpus (one per set, cached), with
        the same model: a user who may read them searches, counts and is told about nothing else. NONE, the
        empty set, holds no document."""
        key = ",".join(sorted(collections)) or NO_COLLECTION
        with self._lock:
            scoped = self._scoped.get(key)
            if scoped is None:
                name = hashlib.sha1(key.encode()).hexdigest()[:12]
                folder = self.settings.index_dir.parent / f"{self.settings.index_dir.name}-collecties" / name
                # in a shared Milvus collection or PostgreSQL table each scope's passages are its own (owner), as
                # on disk (folder)
                owner = hashlib.sha1(f"{self.settings.milvus_owner}|{self.settings.corpus_dir}|{key}".encode())
                pg_owner = hashlib.sha1(f"{self.settings.postgres_owner}|{self.settings.corpus_dir}|{key}".encode())
                scoped = Assistant(self.settings.with_(index_dir=folder, scope_collections=key,
                                                       milvus_owner=owner.hexdigest()[:20],
                                                       postgres_owner=pg_owner.hexdigest()[:20]), self.embedder)
                self._scoped[key] = scoped
        return scoped

    @classmethod
    def for_corpus(cls, corpus_dir: Path | None = None, index_dir: Path | None = None, **overrides) -> "Assistant":
        base = Settings.from_env(**overrides)
        settings = base.with_(corpus_dir=Path(corpus_dir) if corpus_dir else None,
                              index_dir=index_dir_for(base, corpus_dir, index_dir))
        return cls(settings)

    # --- indexing ---------------------------------------------------------
    def build_index(self, rebuild: bool = False, progress=None) -> IndexReport:
        return Indexer(self.settings, self.embedder, progress).run(rebuild=rebuild)  # the next question sees it

    def build_index_with_workers(self, rebuild: bool = False, progress=None) -> IndexReport:
        """Plan the corpus as tasks in PostgreSQL, work on them alongside any other workers, wait until every
        task is done, then write the version from the vectors they stored (ingest/worker.py)."""
        from vraagbaak.ingest import worker

        queue = worker.queue_for(self.settings)
        try:
            run = worker.plan(self.settings, queue)
            say = (lambda line: progress(0.0, line)) if progress else (lambda line: None)
            worker.work_until_done(self.settings, self.embedder, queue, run, say)
            shared = worker.SharedVectors(self.embedder, queue, self.settings.model)
            return Indexer(self.settings, shared, progress).run(rebuild=rebuild)
        finally:
            queue.close()

    def work_on_tasks(self, say=None) -> int:
        """Be a worker: take tasks of this corpus's current run until none is open; returns how many were done."""
        from vraagbaak.ingest import worker

        queue = worker.queue_for(self.settings)
        try:
            return worker.work(self.settings, self.embedder, queue, worker.plan(self.settings, queue),
                               say or (lambda line: None))
        finally:
            queue.close()

    def needs_index(self) -> bool:
        with self._lock:
            self._follow(current_version(self.settings.index_dir))  # a replica takes the store's version first
        manifest = read_manifest(self.settings.index_dir)
        if manifest is not None and self._replica():
            return False
        return (manifest is None or self._set_up_differently(manifest)
                or any(stale_files(self.settings, manifest).values()))

    def _replica(self) -> bool:
        """An app replica: its store keeps whole versions (PostgreSQL) and it has no documents of its own (a
        corpus folder with at most collectie.yaml). It serves what the store holds; the indexer and the workers
        keep that up to date."""
        corpus = self.settings.corpus_dir
        with self._lock:
            shared = self._shared_versions()
        return shared is not None and (not corpus.is_dir() or not corpus_files(corpus))

    def _shared_versions(self) -> backends.SharedVersions | None:
        """Called under self._lock (or before any thread asks). None for a store whose versions live only in the
        index folder (FAISS, Milvus): nothing is asked of it at a question."""
        if self._shared is False:
            try:
                live = read_manifest(self.settings.index_dir)
            except IndexError_:
                live = None
            self._shared = backends.store(self.settings.store).shared(self.settings.plain(), live)
        return self._shared

    def _follow(self, local: str | None) -> str | None:
        """The version to read: the store's current one where the store keeps whole versions, fetched into the
        index folder when it is not there yet (versions.follow_shared); else the folder's own (local). One
        primary-key lookup a question (docs/scaling.md). Called under self._lock."""
        shared = self._shared_versions()
        if shared is None:
            return local
        try:
            name = shared.current()
        except backends.BackendUnavailable as err:
            if local is None:
                raise IndexError_(str(err)) from None
            log.warning("de opslag is niet bereikbaar; de vraag gebruikt de indexversie in de indexmap")
            return local
        if name is None or name == local:
            return local
        try:
            with WriterLock(self.settings.index_dir):
                return follow_shared(self.settings.index_dir, shared, name) or local
        except IndexLocked:  # an indexer writes this folder, and switches it to its new version itself
            return local

    def _set_up_differently(self, manifest: dict) -> bool:
        """Written with other settings or by an older set-up: a new version is due even if no file changed."""
        return (manifest.get("store", DEFAULT_STORE) != self.settings.store
                or manifest.get("chunker") != chunker_settings(self.settings)  # new chunking rules: re-chunk
                or "sentence_vectors" not in manifest  # written before they were stored: add them once
                or backends.store(self.settings.store).outdated(manifest, self.settings.plain()))  # e.g. sq8 now

    def ensure_index(self, progress=None) -> IndexReport | None:
        """Build or update the index when it is missing or behind the corpus."""
        if self.needs_index():
            return self.build_index(progress=progress)
        return None

    @property
    def index(self) -> IndexVersion:
        """The live index version, for what it holds in memory (documents, metadata). A question reads through
        snapshot(); a newer version written by an indexer is picked up by the next one."""
        with self._lock:
            return self._live()

    def _live(self) -> IndexVersion:
        """Called under self._lock."""
        version = self._follow(current_version(self.settings.index_dir))
        if version is None:
            raise IndexMissing(f"Er is nog geen index in {self.settings.index_dir}. "
                               "Maak die met: python -m vraagbaak index")
        if self._index is None or self._index.version != version:
            loaded = IndexVersion(self.settings.index_dir, version)
            try:
                loaded.check_model(self.settings.model)
            except IndexError_:
                loaded.close()
                raise
            old, self._index = self._index, loaded
            if old is not None:
                old.retire()  # closed when the last question that reads it is done
        return self._index

    @contextmanager
    def snapshot(self) -> Iterator[IndexVersion]:
        """One index version for the whole of one request: search, quote check and page text read the same
        version, even when an indexer switches to a new one halfway."""
        with self._lock:
            version = self._live().acquire()
        try:
            yield version
        finally:
            version.release()

    def start_warm_up(self) -> None:
        """warm_up in a thread, once. The app starts it before it imports Gradio: loading the tokenizer
        (SentencePiece) and the ONNX model release the GIL, so they run next to that import on the other core
        (docs/performance.md)."""
        with self._lock:
            if self._warming is None:
                self._warming = threading.Thread(target=self.warm_up, name="opwarmen", daemon=True)
                self._warming.start()

    def warm_up(self) -> None:
        """Load the model and open the index before the first question needs them (the app does this at
        start, in a thread). A missing or damaged index is left for the first question to report."""
        try:  # the whole question path: model, index, sentence vectors, word lists
            self.ask("Wat is het doel van het project?")
        except IndexError_:
            self.embedder.warm_up()
        except Exception:  # noqa: BLE001 - the first real question will say what is wrong
            log.exception("opwarmen mislukt")
        finally:
            self.ready = True
        try:  # read once per version; a question with a word in no document needs it (_absences)
            with self.snapshot() as index:
                index.catalogue.sampled_words
        except Exception:  # noqa: BLE001 - a question that needs it reads it itself, and reports what is wrong
            pass

    # --- questions --------------------------------------------------------
    def search(self, question: str, k: int | None = None, filters: dict | None = None,
               mode: str | None = None, timings: Timings | None = None) -> list[Hit]:
        with self.snapshot() as index:
            return self._search(index, question, k, filters, mode, timings)

    def _search(self, index: IndexVersion, question: str, k: int | None = None, filters: dict | None = None,
                mode: str | None = None, timings: Timings | None = None) -> list[Hit]:
        s = self.settings
        question = asked_text(question, s.max_question_chars)
        with stage(timings, "embed_query"):
            vector = self.embedder.embed_query(question)
        return run_search(index, question, vector, k or s.top_k, mode or s.search_mode, filters, s.candidates,
                          s.rrf_k, s.bm25_weight, s.fusion, timings)

    def ask(self, question: str, filters: dict | None = None, mode: str | None = None,
            k: int | None = None, timings: Timings | None = None, previous: list[str] | tuple = ()) -> Answer:
        """previous: the earlier questions of the conversation, oldest first. A follow-up that leans on them
        ("En in Rotterdam?") is searched together with the subject of the question it continues."""
        s = self.settings
        request = AnswerRequest(asked_text(question, s.max_question_chars),
                                [asked_text(p, s.max_question_chars) for p in previous], dict(filters or {}),
                                mode, k, timings)
        with self.snapshot() as index:
            return self._ask(index, request)

    def _ask(self, index: IndexVersion, request: AnswerRequest) -> Answer:
        """The answer path, on one index version: rewrite a follow-up and retrieve (_answer_in_conversation,
        where the builder judges and selects the quotes), judge what no document holds (_absences), then
        render the Dutch text once (answer/render.py)."""
        question = request.question
        answer, query, subject = self._answer_in_conversation(index, request)
        names, words = self._absences(index, question, query)
        lists = self._lists(request, query)
        every_list_absent = lists and self._every_list_absent(index, question, query, names, words)
        if answer.found and (names or words) and every_list_absent:
            # "Welke projecten heeft Eindhoven gedaan?": a list of every other gemeente's projects answers nothing
            answer = nothing_found(question, [])
        elif answer.found and words and not lists:
            answer = nothing_found(question, [])  # what was found shares only words that most documents have
        answer.question, answer.searched_as, answer.filters = question, query, dict(request.filters)
        answer.index_version, answer.searched_in = index.version, subject
        answer.absent_names, answer.absent_words = names, words
        if names and answer.found_as == "answered":  # the question's own name is in no document: the bold
            answer.found_as = "nearest"  # sentences cannot answer it
        answer.answer = answer_text(answer, self.profile, {d: index.documents[d].title for d in subject})
        return answer

    def _answer_in_conversation(self, index: IndexVersion, request: AnswerRequest) -> tuple[Answer, str, list[str]]:
        """(answer, what was searched, the earlier subject's documents where the answer was limited to them)."""
        question, previous = request.question, request.previous
        query = searched_as(question, previous, places=self._owners(index))
        subject = self._follow_up_subject(index, request, query)
        if subject:
            return self._answer_in_subject(index, request, query, subject), query, subject
        # "Hoeveel wordt er voorgeschoten?" after a question about the Huishoudboekje: nothing on its own words
        # (the judge's certainty aside: that is about whichever document it likes best), so it is read as a
        # follow-up after all. "Hoeveel trok Utrecht uit voor Slim vegen?" names its own subject, and "Welke drie
        # projecten kwamen er het beste uit?" says enough on its own: glued to an earlier question they found the
        # earlier question's answer.
        leans = bool(previous) and query == question and could_lean_on_previous(question)
        answer = self._answer(index, request, query, judge_finds=not leans)
        if not answer.found and leans:
            glued = searched_as(question, previous, force=True, places=self._owners(index))
            retry = self._answer(index, request, glued)
            if retry.found:
                return retry, glued, []
            answer = self._answer(index, request, query)  # on its own after all, as a question without a past
        moved = moved_to(question, previous)
        if moved and answer.found and answer.found_as != "overview":  # "En in Utrecht?": about Utrecht, or none
            answer = naming(answer, moved, lambda doc: self._document_text(index, doc))
        return answer, query, []

    def _absences(self, index: IndexVersion, question: str, searched: str) -> tuple[list[str], list[str]]:
        """The names of the question that no document holds (absent_names), and its absent subject: an
        ordinary word that no document holds while its other words are in most (absent_names.absent_subject;
        "armoede" in "Welke gemeente zet data in bij de aanpak van armoede?"), judged on what was searched,
        so that a follow-up's words count with the earlier subject. Of an overview only its subject counts:
        "projecten" in "Welke projecten komen uit Zwolle?" is what it lists. Nothing for an English question."""
        if is_english(question):
            return [], []
        terms, known = index.backend.indexed_terms, index.catalogue.metadata_words
        names = absent_names(question, terms, known)
        asked = overview_subject(searched, self._nouns) if self._is_overview(searched) else searched
        words = absent_words(asked, terms, known)
        if words:  # typos of words the best passages hold are no absent subject ("zwerfafal")
            near = {w for hit in self._search(index, searched, k=5) for w in words_of(hit.chunk.text)}
            words = [w for w in words if not misspelled(w, near)]
        if words:  # the documents are read for it only when a word of the question is in none of them
            words = absent_subject(asked, words, index.catalogue.sampled_words, absent_names=names)
        return names, as_written(asked, words)

    def _follow_up_subject(self, index: IndexVersion, request: AnswerRequest, query: str) -> list[str]:
        """"Wat heeft dat project opgeleverd?": the conversation says which document, the question what to find
        in it (searched together, the earlier question's words chose the sentences). The document: that of the
        best passage for the question with its earlier subject. [] for any other question, and for an overview:
        "Welke andere gemeenten doen dat?" looks beyond the subject."""
        question = request.question
        if query == question or not asks_something_of_its_own(question) or request.filters.get("doc") \
                or self._is_overview(question):
            return []
        hits = self._search(index, query, k=1, filters=request.filters, mode=request.mode)
        return [hits[0].chunk.doc] if hits else []

    def _answer_in_subject(self, index: IndexVersion, request: AnswerRequest, query: str,
                           subject: list[str]) -> Answer:
        limited = replace(request, filters={**request.filters, "doc": subject})
        answer = self._answer(index, limited, query, focus=own_part(request.question))
        if not answer.found:  # the documents nearest to the question are those it was limited to
            answer.refused_in_subject, answer.nearest_documents = True, []
        return answer

    def _answer(self, index: IndexVersion, request: AnswerRequest, query: str, focus: str | None = None,
                judge_finds: bool = True) -> Answer:
        """Retrieve, then judge and select (the builder): an overview per fitting document, else quotes.
        judge_finds: AnswerBuilder.build's."""
        s, question, timings = self.settings, request.question, request.timings
        k = request.k or max(s.top_k, 5)
        lists = self._lists(request, query)
        if lists:  # "Welke gemeenten …?": every fitting document, one quote each
            citations: dict[str, Citation] = {}  # per document, over the alternatives ("… X of Y?")
            general: dict[str, Hit] = {}
            searched: dict[str, Hit] = {}
            for asked in self._overview_questions(index, question, query):
                found, mentioned, hits = self._overview_entries(index, asked, request)
                for c in found:
                    citations.setdefault(c.doc, c)
                for h in mentioned:
                    general.setdefault(h.chunk.doc, h)
                for h in hits:
                    searched.setdefault(h.chunk.id, h)
            answer = AnswerBuilder.overview_answer(query, list(citations.values()), list(general.values()),
                                                   self._documents_searched(index, request.filters))
            if answer is not None:
                return answer
            hits = sorted(searched.values(), key=lambda h: -h.score)[:k]
        else:
            hits = self._search(index, query, k=k, filters=request.filters, mode=request.mode, timings=timings)
        with stage(timings, "answer"):
            return self.answer_builder(index).build(query, hits, focus, judge_finds=judge_finds and not lists)

    def searched_for(self, question: str, previous: list[str] | tuple[str, ...] = ()) -> str:
        """What `ask` searches for this question in this conversation (search/followup.py), on the live index."""
        return searched_as(question, previous, places=self._owners(self.index))

    def _lists(self, request: AnswerRequest, query: str) -> bool:
        """An overview question: as asked, or as a follow-up that moves it to another name ("Welke cases komen
        uit Zaanstad?", "En in Utrecht?")."""
        moved = moved_to(request.question, request.previous)
        return self._is_overview(query if moved else request.question)

    def _every_list_absent(self, index: IndexVersion, question: str, query: str, names: list[str],
                           words: list[str]) -> bool:
        """Does each list an overview asks for (answering.alternatives) name something that no document
        holds? A question that asks for one list was judged already: `names`, `words`."""
        lists = alternatives(question, self._nouns)
        if lists == [question] and query == question:
            return bool(names or words)
        return all(any(self._absences(index, asked, asked)) for asked in lists)

    def _overview_questions(self, index: IndexVersion, question: str, query: str) -> list[str]:
        """"… bij veiligheid of handhaving?" is two overviews (answering.alternatives); one that names something
        no document holds ("… uit Zwolle of Tilburg?") is left out, unless all do (ask() then says so)."""
        if query != question:  # a follow-up: the glued question is one overview
            return [query]
        asked = alternatives(question, self._nouns)
        present = [a for a in asked if not any(self._absences(index, a, a))] if len(asked) > 1 else asked
        return present or asked

    def _overview_entries(self, index: IndexVersion, question: str, request: AnswerRequest):
        """(citations, overview documents, hits) of one overview question; "Welke cases komen uit Zaanstad?"
        names a gemeente of the metadata, and the metadata decides."""
        s, builder = self.settings, self.answer_builder(index)
        others_than = builder.others_than(question)
        named = self._named_facets(index, question, leave_out=others_than)
        searched = without_owners(question, others_than, builder.owners)  # "dan Enschede" finds Enschede's
        hits = self._search(index, searched, k=s.overview_candidates, filters={**request.filters, **named},
                            mode=request.mode, timings=request.timings)
        threshold, relative, share = ((0.0, 0.0, 0.0) if named else
                                      (s.overview_threshold, s.overview_relative, s.overview_subject_share))
        with stage(request.timings, "answer"):
            citations, general = builder.overview_entries(question, hits, threshold, relative, share)
        return citations, general, hits

    def _named_facets(self, index: IndexVersion, question: str, leave_out: set[str] = frozenset()
                      ) -> dict[str, list[str]]:
        """Metadata values that the question names ("Zaanstad", "sociaal domein"), as filters; not the owners
        (folded) it asks the others of ("Welke andere gemeenten dan Enschede …?")."""
        from vraagbaak.text.words import stem, words

        asked = {stem(w) for w in words(question)}
        named: dict[str, list[str]] = {}
        p = self.profile
        for field, values in _facets(index, (p.owner_field, p.theme_field), p).items():
            for value in values:
                parts = {stem(w) for w in words(value)}
                if not p.means_nobody(value) and parts and parts <= asked and fold(value) not in leave_out:
                    named.setdefault(field, []).append(value)
        return named

    @staticmethod
    def _documents_searched(index: IndexVersion, filters: dict | None) -> int:
        allowed = index.catalogue.allowed(filters)
        return len(index.documents) if allowed is None else len(allowed.docs)

    def answer_builder(self, index: IndexVersion | None = None) -> AnswerBuilder:
        """Quotes are checked against `index`, the version the question searched (default: the live one)."""
        index = index or self.index
        return AnswerBuilder.from_settings(self.settings, lambda doc, quote: self._verify(index, doc, quote),
                                           lambda question, texts: self._sentence_similarity(index, question, texts),
                                           index.catalogue.held_by_most, _collection(index), self.profile,
                                           lambda doc: self._document_text(index, doc), self._owners(index))

    def _sentence_similarity(self, index: IndexVersion, question: str, sentences: list[str]) -> list[float]:
        """Cosine of the question with each sentence. The version stores the vectors of its sentences
        (sentence_vectors.py); a version written before it did has them computed here, for the few candidate
        passages only, and kept in a small cache, since the same passages come back for related questions."""
        import numpy as np

        known = index.sentences.lookup(sentences) if index.sentences is not None else {}
        with self._lock:  # take what is cached now: another question may evict it before we use it
            known.update((t, self._sentence_vectors[t]) for t in sentences
                         if t not in known and t in self._sentence_vectors)
            for t in known:
                if t in self._sentence_vectors:
                    self._sentence_vectors.move_to_end(t)
        missing = list(dict.fromkeys(t for t in sentences if t not in known))
        fresh = dict(zip(missing, self.embedder.embed_sentences(missing, indexing=False))) if missing else {}
        with self._lock:
            self._sentence_vectors.update(fresh)
            while len(self._sentence_vectors) > 4096:
                self._sentence_vectors.popitem(last=False)
        vectors = np.vstack([known[t] if t in known else fresh[t] for t in sentences])
        return (vectors @ self.embedder.embed_query(question)).tolist()

    def document_text(self, doc: str) -> str:
        """The full extracted text of a document, as stored in the live index version."""
        with self.snapshot() as index:
            return self._document_text(index, doc)

    def _document_text(self, index: IndexVersion, doc: str) -> str:
        key = (index.version, doc)  # a text read from one version never serves another
        with self._lock:
            text = self._doc_texts.get(key)
        if text is None:
            text = "\n".join(page_text for _, _, page_text in index.pages(doc))
            with self._lock:
                self._doc_texts[key] = text
                while len(self._doc_texts) > 64:
                    self._doc_texts.popitem(last=False)
        return text

    def pages_text(self, doc: str, first: int | None, last: int | None = None) -> str:
        """The text of pages first..last of a document (the whole text for a document without pages)."""
        pages, before = self.pages_through(doc, first, last)
        return "\n".join(pages[before:])

    def pages_through(self, doc: str, first: int | None, last: int | None = None) -> tuple[list[str], int]:
        """The texts of a document's pages up to `last`, and how many of them come before `first`: the source
        view shows pages first..last and reads the ones before for the headings they go on with. A document
        without pages is one page."""
        with self.snapshot() as index:
            if first is None:
                return [self._document_text(index, doc)], 0
            last = last or first
            numbered = [(number, text) for number, _, text in index.pages(doc) if number is not None and number <= last]
            return [text for _, text in numbered], sum(number < first for number, _ in numbered)

    def verify_quote(self, doc: str, quote: str) -> bool:
        """Is the quote, whitespace aside, literally in the document? Every citation is checked; a quote
        that leaves out sentences ("lead-in … item") is checked part by part."""
        with self.snapshot() as index:
            return self._verify(index, doc, quote)

    def _verify(self, index: IndexVersion, doc: str, quote: str) -> bool:
        return quote_found_in(collapse_whitespace(self._document_text(index, doc)), quote)

    # --- what is indexed -------------------------------------------------
    def documents(self) -> list[dict]:
        return [dict(r.__dict__) for r in self.index.documents.values()]

    def _owners(self, index: IndexVersion) -> frozenset[str]:
        """Whose documents the collection holds (profile.owner: gemeente, else organisatie), folded; once per
        index version."""
        with self._lock:
            cached = self._owners_of.get(index.version)
        if cached is None:
            p = self.profile
            cached = frozenset(fold(owner) for record in index.documents.values()
                               for owner in [p.owner(record.metadata)] if owner and not p.means_nobody(owner))
            with self._lock:
                self._owners_of = {index.version: cached}
        return cached

    def facets(self, fields: tuple[str, ...] | None = None) -> dict[str, list[str]]:
        """The filter values of these metadata fields (default: the owner and theme fields of the profile, and
        thema and jaar)."""
        p = self.profile
        return _facets(self.index, fields or (p.owner_field, p.theme_field, "thema", "jaar"), p)

    def worker_progress(self) -> str | None:
        """For Beheer: how far the indexing workers are with the run planned last (docs/scaling.md), while it is
        not finished or where files were given up on; None without PostgreSQL or without such a run. Beheer runs
        in another process than the indexer, so this is read from the task table."""
        s = self.settings
        if s.store != "postgres" or not s.postgres_url:
            return None
        from vraagbaak.ingest.tasks import latest_progress

        try:
            progress = latest_progress(s.postgres_url, s.postgres_table)
        except Exception as err:  # Beheer stays usable when the server is away
            return f"de voortgang van de indexeerworkers is nu niet te lezen ({type(err).__name__})"
        if progress is None or (progress.finished and not progress.given_up):
            return None
        return ("laatste indexering met workers: " if progress.finished else "indexering met workers bezig: ") \
            + progress.line()

    def status(self) -> dict:
        """What is indexed and whether it is current. The index is opened and checked as a question would
        open it, so a damaged FAISS, SQLite or BM25 file is reported here and not at the next question."""
        base = {"index_dir": str(self.settings.index_dir), "corpus_dir": str(self.settings.corpus_dir)}
        try:
            with self._lock:  # a replica reports the store's current version
                self._follow(current_version(self.settings.index_dir))
            manifest = read_manifest(self.settings.index_dir)
            if manifest is not None:
                self.index  # noqa: B018 - opening runs the integrity check
        except IndexError_ as err:
            return base | {"exists": True, "up_to_date": False, "healthy": False, "problem": str(err)}
        stale = stale_files(self.settings, manifest)
        out = base | {"exists": manifest is not None, "healthy": True,
                      "up_to_date": manifest is not None and not self._set_up_differently(manifest)
                                    and not any(stale.values()), "stale": stale}
        if manifest:
            out.update({"version": manifest.get("version"), "model": manifest.get("model"),
                        "dimension": manifest.get("dimension"), "precision": manifest.get("precision"),
                        "store": manifest.get("store", "faiss"), "faiss": manifest.get("faiss"),
                        "milvus": manifest.get("milvus"), "postgres": manifest.get("postgres"),
                        "storage": _storage(manifest),
                        "built": manifest.get("created"), "counts": manifest.get("counts"),
                        "failed": manifest.get("failed", {}), "warnings": manifest.get("warnings", {}),
                        "duplicates": manifest.get("duplicates", {}),
                        "model_matches": manifest.get("model") == self.settings.model,
                        "ocr": self.ocr_summary()})
        return out

    def unread_files(self) -> list[str]:
        """The files of the documents folder that the last indexing could not read (each with its reason in
        status()["failed"]) and that are not searched: not those whose previous version the index kept."""
        manifest = read_manifest(self.settings.index_dir)
        return sorted(name for name in (manifest or {}).get("failed", {}) if name not in self.index.documents)

    def ocr_summary(self) -> dict:
        """Which documents are OCR text, and the pages Tesseract was unsure about (mean word confidence
        below ocr_low_confidence): a maintainer checks those against the scan."""
        documents, pages, doubtful = 0, 0, {}
        for record in self.index.documents.values():
            confidence = record.metadata.get("ocr_confidence") or {}
            if confidence:
                documents, pages = documents + 1, pages + len(confidence)
                low = {int(p): c for p, c in confidence.items()
                       if 0 < c < self.settings.ocr_low_confidence}  # 0: a blank page, no words to doubt
                if low:
                    doubtful[record.doc] = dict(sorted(low.items()))
        return {"documents": documents, "pages": pages, "low_confidence": doubtful}


def _collection(index: IndexVersion) -> Collection:
    """What the answer judge reads of the collection: how common a word is, and whether any document has it."""
    known = index.catalogue.metadata_words
    return Collection(index.catalogue.document_share,
                      lambda word: bool(index.backend.indexed_terms(word)) or fold(word) in known)


def _facets(index: IndexVersion, fields: tuple[str, ...], profile: CollectionProfile) -> dict[str, list[str]]:
    """The filter values of each field (an unknown value, "onbekend", is none)."""
    values: dict[str, set[str]] = {f: set() for f in fields}
    for record in index.documents.values():
        for f in fields:
            v = record.metadata.get(f)
            for item in v if isinstance(v, list) else [v]:
                if not profile.is_unknown(item):
                    values[f].add(str(item))
    return {f: sorted(v) for f, v in values.items() if v}


def _profile(corpus_dir) -> CollectionProfile:
    """The collection's profile; a collectie.yaml that cannot be read is said in the log, and the defaults
    hold (a bad file never stops the app)."""
    try:
        return CollectionProfile.read(corpus_dir)
    except (ProfileError, OSError) as err:
        log.warning("collectie.yaml niet gebruikt, de standaardwaarden gelden: %s", err)
        return CollectionProfile()


def _storage(manifest: dict) -> str:
    """Where the version's vectors and BM25 live, in one Dutch line."""
    name = manifest.get("store", DEFAULT_STORE)
    return backends.store(name).describe(manifest) if name in backends.names() else name
