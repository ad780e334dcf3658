#!/usr/bin/env python3
"""Reference sentence vectors for all-MiniLM-L6-v2, made with Hugging Face
`transformers` on PyTorch from the same shipped weights reelkit reads.

The vectors are what sentence-transformers computes for this model: mean
pooling of the last hidden states under the attention mask (so the
tokenizer's padding cannot leak in), then L2 normalisation. The Rust test
`core/tests/embed.rs` compares reelkit's vectors with them (cosine >= 0.999).

    python -m venv /tmp/ref && /tmp/ref/bin/pip install torch transformers
    /tmp/ref/bin/python models/scripts/minilm_reference.py \
        --model ~/.cache/reelkit/models/minilm --out core/tests/fixtures/minilm_reference.json
"""
import argparse
import json

import torch
import transformers
from transformers import AutoTokenizer, BertModel

SENTENCES = [
    "A man is playing a card game with his friends.",
    "The queen of hearts and the jack of spades are on the table.",
    "The printing press changed how books were made.",
    "How much does the premium plan cost per month?",
    "Our pricing starts at nine dollars for a single seat.",
    "I never thought I would say this, but the experiment failed.",
    "You won't believe what happened next.",
    "Rivers carry sediment from the mountains to the sea.",
    "The glacier has retreated three kilometres since 1950.",
    "Thank you all for coming tonight.",
    "But here is the twist: nobody had checked the data.",
    "Why do cats always land on their feet?",
    "The answer is a reflex that rotates the body in mid-air.",
    "Ask not what your country can do for you.",
    "Quantum computers use qubits instead of bits.",
    "She sells sea shells by the sea shore.",
    "Go forward ten meters and turn left.",
    "The stock market fell sharply after the announcement.",
    "Remember to drink water and get enough sleep.",
    "In conclusion, the results support our hypothesis.",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, help="the minilm model folder (from `reelkit models fetch minilm`)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--time", type=int, default=0, help="also time N sentences one at a time (no padding), print sentences/s")
    args = ap.parse_args()
    tokenizer = AutoTokenizer.from_pretrained(args.model, local_files_only=True)
    model = BertModel.from_pretrained(args.model, local_files_only=True).eval()
    batch = tokenizer(SENTENCES, padding=True, truncation=True, max_length=256, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    vectors = torch.nn.functional.normalize(pooled, p=2, dim=1)
    ids = [[int(t) for t, m in zip(row, mrow) if m] for row, mrow in zip(batch["input_ids"], batch["attention_mask"])]
    out = {
        "made_by": f"transformers {transformers.__version__}, torch {torch.__version__}: BertModel, masked mean pooling, L2 normalise",
        "sentences": SENTENCES,
        "token_ids": ids,
        "vectors": [[round(float(x), 7) for x in v] for v in vectors],
    }
    if args.time:
        import time

        torch.set_num_threads(1)
        texts = [SENTENCES[i % len(SENTENCES)] for i in range(args.time)]
        for threads in (1, 2):
            torch.set_num_threads(threads)
            start = time.perf_counter()
            with torch.no_grad():
                for t in texts:
                    model(**tokenizer(t, return_tensors="pt"))
            print(f"torch {threads} thread(s): {args.time / (time.perf_counter() - start):.1f} sentences/s")
    with open(args.out, "w") as f:
        json.dump(out, f)
        f.write("\n")


if __name__ == "__main__":
    main()
