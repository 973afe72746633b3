"""Compare OCR engines on real PDF pages that have a text layer (the reference), for docs/ocr.md.

Each page is rendered at 200 and 300 dpi (pypdfium2), clean and as a "scan" (grey, 0.7° skew, noise, JPEG
quality 40), OCR'd by every engine and compared with the text layer: character and word error rate
(rapidfuzz edit distance on lower-case text with collapsed spaces), the share of OCR'd words that are Dutch
words (wordfreq), and seconds per page on this machine.

    pip install rapidfuzz rapidocr   # measurement only; tesseract-ocr + tesseract-ocr-nld from Debian
    python scripts/ocr_compare.py [--pages 34] [--out bench/results/ocr.json]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAMPLES = ROOT.parent / "shared" / "pdf-samples"
# born-digital PDFs with a trustworthy text layer: letters, forms, tables, a decision list, a report
SOURCES = [("tests/fixtures/bnc-fiche-5-mifid-herziening.pdf", 15),
           ("tests/fixtures/gemeente-denhelder-besluitenlijst-raad-2015-06-29.pdf", 4),
           ("tests/fixtures/tk-aanhangsel-kamervragen-tozo-2021.pdf", 3),
           ("kamerbrief-draagmoederschap-2011.pdf", 3), ("tk-kamerstuk-32545-143.pdf", 1),
           ("vws-toegankelijkheidsonderzoek-openvws-2024.pdf", 8)]


def pages(limit: int):
    import pypdfium2 as pdfium

    n = 0
    for name, count in SOURCES:
        path = ROOT / name if name.startswith("tests/") else SAMPLES / name
        if not path.exists():
            continue
        pdf = pdfium.PdfDocument(str(path))
        for i in range(min(count, len(pdf))):
            text = pdf[i].get_textpage().get_text_range()
            if len(text.split()) < 20:
                continue
            yield path.name, i + 1, pdf[i], text
            n += 1
            if n >= limit:
                return


def scanned(image, seed: int):
    """Grey, slightly skewed, noisy, JPEG-compressed: what a flatbed scan of a printout looks like."""
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    grey = image.convert("L").rotate(0.7, expand=True, fillcolor=255, resample=Image.BICUBIC)
    noise = Image.effect_noise(grey.size, 25).point(lambda v: v - 128)
    noisy = Image.eval(Image.blend(grey, noise.convert("L"), 0.08), lambda v: v)
    noisy = noisy.filter(ImageFilter.GaussianBlur(0.4 + rng.random() * 0.2))
    buffer = io.BytesIO()
    noisy.save(buffer, format="JPEG", quality=40)
    return Image.open(io.BytesIO(buffer.getvalue()))


def tesseract(image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    out = subprocess.run(["tesseract", "stdin", "stdout", "-l", "nld", "--psm", "3"], input=buffer.getvalue(),
                         capture_output=True, check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return out.stdout.decode("utf-8", "replace")


_rapid = None


def rapidocr(image) -> str:
    global _rapid
    import numpy as np

    if _rapid is None:
        from rapidocr import RapidOCR

        _rapid = RapidOCR()
    result = _rapid(np.array(image.convert("RGB")))
    return "\n".join(result.txts or [])


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()


def scores(reference: str, ocr: str) -> dict:
    from rapidfuzz.distance import Levenshtein

    from vraagbaak.text.cleaning import is_known_word

    ref, got = normalise(reference), normalise(ocr)
    words = re.findall(r"[a-zà-ÿ]{2,}", got)
    return {"cer": Levenshtein.distance(ref, got) / max(1, len(ref)),
            "wer": Levenshtein.distance(ref.split(), got.split()) / max(1, len(ref.split())),
            "dutch_words": sum(is_known_word(w) for w in words) / max(1, len(words))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=34)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "ocr.json"))
    args = ap.parse_args()
    engines = {"tesseract-nld": tesseract, "rapidocr": rapidocr}
    rows: dict[str, list] = {}
    for n, (name, number, page, reference) in enumerate(pages(args.pages)):
        for dpi in (200, 300):
            clean = page.render(scale=dpi / 72).to_pil()
            for variant, image in (("schoon", clean), ("scan", scanned(clean, n))):
                for engine, run in engines.items():
                    started = time.perf_counter()
                    text = run(image)
                    seconds = time.perf_counter() - started
                    rows.setdefault(f"{engine}|{dpi}|{variant}", []).append(scores(reference, text) | {"s": seconds})
        print(f"{n + 1} pagina's ({name} p. {number})", flush=True)
    table = {}
    for key, values in rows.items():
        engine, dpi, variant = key.split("|")
        table[key] = {"engine": engine, "dpi": int(dpi), "variant": variant, "pages": len(values),
                      **{m: round(sum(v[m] for v in values) / len(values), 4)
                         for m in ("cer", "wer", "dutch_words", "s")}}
    result = {"cpu": platform.processor() or _cpu(), "rows": list(table.values())}
    Path(args.out).write_text(json.dumps(result, indent=1))
    print("| engine | dpi | variant | pages | CER | WER | Dutch words | s/page |\n|---|---|---|---|---|---|---|---|")
    for r in table.values():
        print(f"| {r['engine']} | {r['dpi']} | {r['variant']} | {r['pages']} | {r['cer']:.3f} | {r['wer']:.3f} | "
              f"{r['dutch_words']:.3f} | {r['s']:.2f} |")


def _cpu() -> str:
    try:
        return next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name"))
    except (OSError, StopIteration):
        return "onbekend"


if __name__ == "__main__":
    main()
