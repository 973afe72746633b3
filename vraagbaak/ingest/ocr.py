"""Dutch OCR for PDF pages without a text layer: Tesseract 5 with its Dutch model (Debian packages
tesseract-ocr and tesseract-ocr-nld), chosen by measurement (docs/ocr.md). Pages are rendered by pypdfium2;
the text comes back as lines and paragraphs with Tesseract's word confidence, and is cached by file hash and
page, so a re-index never OCRs the same page twice.

Without the tesseract program or its Dutch model the app works as before: such files are reported as
"geen tekstlaag, OCR nodig" with the package that would add OCR.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)
LANGUAGE = "nld"
DPI = 200  # docs/ocr.md: on 34 pages 200 dpi had a lower error rate than 300 dpi and took ~0.5 s less
ENGINE = "tesseract-nld-psm3"  # part of the cache key: another engine or setting is OCR'd anew
INSTALL_HINT = "installeer de Debian-pakketten tesseract-ocr en tesseract-ocr-nld voor OCR"


@dataclass(frozen=True)
class OcrOptions:
    """What the loader needs to OCR a page (picklable: it travels to the loader's worker process)."""
    cache_dir: Path
    page_timeout_s: float = 60.0
    dpi: int = DPI


@dataclass
class OcrPage:
    text: str
    confidence: float  # mean word confidence, 0-100
    cached: bool = False


class OcrFailed(Exception):
    pass


def ocr_available() -> str | None:
    """None when OCR works here; else what is missing, in Dutch."""
    program = shutil.which("tesseract")
    if program is None:
        return f"het programma tesseract ontbreekt; {INSTALL_HINT}"
    try:
        languages = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"tesseract start niet ({err}); {INSTALL_HINT}"
    if LANGUAGE not in languages.split():
        return "het Nederlandse taalmodel van tesseract ontbreekt; installeer tesseract-ocr-nld"
    return None


def ocr_pdf_page(pdf_path: Path, page_number: int, content_hash: str, options: OcrOptions) -> OcrPage:
    """The text of one page (1-based) via OCR, from the cache when this file's page was OCR'd before."""
    cache = options.cache_dir / f"{content_hash[:32]}-{page_number}-{options.dpi}-{ENGINE}.json"
    try:
        saved = json.loads(cache.read_text(encoding="utf-8"))
        return OcrPage(saved["text"], saved["confidence"], cached=True)
    except (OSError, ValueError, KeyError):
        pass
    page = _ocr_image(_render(pdf_path, page_number, options.dpi), options.page_timeout_s)
    options.cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = cache.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"text": page.text, "confidence": page.confidence}, ensure_ascii=False),
                         encoding="utf-8")
    temporary.replace(cache)
    return page


def _render(pdf_path: Path, page_number: int, dpi: int):
    import pypdfium2 as pdfium

    from vraagbaak.pdfium import MAX_PIXELS, PDFIUM_LOCK, capped_scale

    with PDFIUM_LOCK:  # PDFium is not thread-safe
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            page = pdf[page_number - 1]
            width, height = page.get_size()
            scale = capped_scale(width, height, dpi / 72, 4 * MAX_PIXELS)  # an A4 page at 300 dpi is 8.7 MP
            return page.render(scale=scale, grayscale=True).to_pil()
        finally:
            pdf.close()


def _ocr_image(image, timeout_s: float) -> OcrPage:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    try:
        out = subprocess.run(["tesseract", "stdin", "stdout", "-l", LANGUAGE, "--psm", "3", "tsv"],
                             input=buffer.getvalue(), capture_output=True, timeout=timeout_s,
                             env={**os.environ, "OMP_THREAD_LIMIT": "1"})  # one page per core is faster
    except subprocess.TimeoutExpired:
        raise OcrFailed(f"OCR van de pagina duurde langer dan {timeout_s:g} s") from None
    except OSError as err:
        raise OcrFailed(f"tesseract start niet ({err})") from None
    if out.returncode != 0:
        raise OcrFailed(f"tesseract gaf een fout: {out.stderr.decode('utf-8', 'replace').strip()[:200]}")
    return text_from_tsv(out.stdout.decode("utf-8", "replace"))


def text_from_tsv(tsv: str) -> OcrPage:
    """Tesseract's TSV (one row per word with block, paragraph and line numbers) as text: a line per printed
    line, a blank line between paragraphs, and the mean confidence of the words."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        if row.get("level") != "5" or not word:
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        lines.setdefault(key, []).append(word)
        try:
            confidences.append(float(row["conf"]))
        except (TypeError, ValueError):
            pass
    out, previous = [], None
    for key in sorted(lines):
        if previous is not None and key[:2] != previous[:2]:
            out.append("")
        out.append(" ".join(lines[key]))
        previous = key
    confidence = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrPage("\n".join(out), round(confidence, 1))


def ocr_failure_note(failed: dict) -> str:
    """"OCR mislukt voor pagina 3 (…); de rest is geïndexeerd", in Dutch, for one page or several."""
    pages = "pagina" if len(failed) == 1 else "pagina's"
    listed = ", ".join(f"{page} ({why})" for page, why in failed.items())
    return f"OCR mislukt voor {pages} {listed}; de rest is geïndexeerd; de volgende indexering probeert het opnieuw"
