"""Could a small cross-encoder, trained here on CPU, choose the answering sentence better than the judge?
Issue 27 asks to measure one against the features; this is that measurement (nothing in the app uses it).

    python scripts/fit_judge.py --cache /tmp/vraagbaak-judge      # first: the judge's rows, with their texts
    python scripts/cross_encoder_probe.py [--cache /tmp/vraagbaak-judge] [--epochs 4] [--top-layers 2]

The packaged e5-small reads "query: <question>" and "passage: <sentence>" as one input; its lower layers stay
frozen (their outputs are computed once), its top layers and a linear head on the mean of the tokens are
trained on the judge's labels (a sentence that holds the gold phrases answers), with six sampled non-answering
sentences per answering one. Leave-one-collection-out as in fit_judge.py: per held-out collection, how often
the best sentence is gold by the judge's order (score + 0.25 x probability), by the cross-encoder alone and by
the two mixed, and how well its best probability tells answerable from unanswerable questions (AUC).
"""
from __future__ import annotations

import argparse
import copy
import json
import pickle
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vraagbaak.answer.judge import FEATURES, Judge  # noqa: E402
from vraagbaak.embed.embedder import resolve_model_path  # noqa: E402
from vraagbaak.settings import Settings  # noqa: E402

COLLECTIONS = ("standaardcorpus", "pdf-fixtures", "pdf-samples")


def frozen_states(tok, encoder, pairs, frozen: int):
    import torch

    states, masks = [], []
    with torch.no_grad():
        for i in range(0, len(pairs), 64):
            part = pairs[i:i + 64]
            x = tok(["query: " + p[2] for p in part], ["passage: " + p[3] for p in part], truncation=True,
                    max_length=96, padding="max_length", return_tensors="pt")
            states.append(encoder(**x, output_hidden_states=True).hidden_states[frozen].to(torch.bfloat16))
            masks.append(x["attention_mask"])
    return torch.cat(states), torch.cat(masks)


def forward(layers, head, h, mask):
    extended = (1.0 - mask[:, None, None, :].float()) * -1e9
    for layer in layers:
        out = layer(h, attention_mask=extended)
        h = out[0] if isinstance(out, tuple) else out
    return head((h * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)).squeeze(-1)


def train(encoder, frozen, states, masks, y, epochs: int):
    import torch

    layers = copy.deepcopy(encoder.encoder.layer[frozen:]).train()
    head = torch.nn.Linear(encoder.config.hidden_size, 1)
    pos, neg = torch.nonzero(y > 0).squeeze(1), torch.nonzero(y == 0).squeeze(1)
    keep = torch.cat([pos, neg[torch.randperm(len(neg))[:6 * len(pos)]]])
    states, masks, y = states[keep], masks[keep], y[keep]
    opt = torch.optim.AdamW([{"params": list(layers.parameters()), "lr": 5e-5},
                             {"params": list(head.parameters()), "lr": 1e-3}], weight_decay=0.01)
    weight = (len(y) - y.sum()) / y.sum()
    for _ in range(epochs):
        order = torch.randperm(len(y))
        for i in range(0, len(y), 32):
            idx = order[i:i + 32]
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                forward(layers, head, states[idx].float(), masks[idx]), y[idx], pos_weight=weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return layers.eval(), head.eval()


def auc(pos, neg) -> float | None:
    pos, neg = np.array(pos), np.array(neg)
    return float((pos[:, None] > neg[None, :]).mean()) if len(pos) and len(neg) else None


def main() -> None:
    import torch
    from transformers import AutoModel, AutoTokenizer

    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=Path("/tmp/vraagbaak-judge"))
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--top-layers", type=int, default=2)
    args = ap.parse_args()
    torch.manual_seed(0)
    folder = resolve_model_path(Settings())
    tok, encoder = AutoTokenizer.from_pretrained(folder), AutoModel.from_pretrained(folder).eval()
    frozen = encoder.config.num_hidden_layers - args.top_layers
    judge = Judge.load()
    data = pickle.loads((args.cache / "features.pickle").read_bytes())
    pairs = {c: [(ri, si, r["q"]["question"], t, float(r["y"][si] > 0)) for ri, r in enumerate(data[c])
                 for si, t in enumerate(r["texts"])] for c in COLLECTIONS}
    cached = {c: frozen_states(tok, encoder, pairs[c], frozen) for c in COLLECTIONS}
    for held in COLLECTIONS:
        train_on = [c for c in COLLECTIONS if c != held]
        layers, head = train(encoder, frozen, torch.cat([cached[c][0] for c in train_on]),
                             torch.cat([cached[c][1] for c in train_on]),
                             torch.tensor([p[4] for c in train_on for p in pairs[c]]), args.epochs)
        with torch.no_grad():
            logits = torch.cat([forward(layers, head, cached[held][0][i:i + 128].float(), cached[held][1][i:i + 128])
                                for i in range(0, len(pairs[held]), 128)]).numpy()
        per_row: dict[int, list[float]] = {}
        for p, v in zip(pairs[held], logits):
            per_row.setdefault(p[0], []).append(float(v))
        hits = {"judge": 0, "cross_encoder": 0, "mixed": 0}
        answerable, unanswerable, n = [], [], 0
        for ri, r in enumerate(data[held]):
            ce = 1 / (1 + np.exp(-np.array(per_row[ri])))
            order = r["score"] + 0.25 * judge.sentences(r["X"][:, :len(FEATURES)])
            if not r["y"].any():
                if not (r["q"].get("all_of") or r["q"].get("any_of") or r["q"].get("answer")):
                    unanswerable.append(ce.max())
                continue
            n += 1
            answerable.append(ce.max())
            hits["judge"] += r["y"][np.argmax(order)] > 0
            hits["cross_encoder"] += r["y"][np.argmax(ce)] > 0
            hits["mixed"] += r["y"][np.argmax(order + 0.25 * ce)] > 0
        print(json.dumps({"held_out": held, "questions": n, **{k: round(v / n, 3) for k, v in hits.items()},
                          "auc_answerable_vs_not": auc(answerable, unanswerable)}), flush=True)


if __name__ == "__main__":
    main()
