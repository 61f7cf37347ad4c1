#!/usr/bin/env python3
"""Train an autoencoder in plain PyTorch and save it as a latent model file.

    python3 from_torch.py data.npy -o model.safetensors [--hidden 16] [--latent 4] [--epochs 50]
    latent info model.safetensors
    latent encode model.safetensors data.npy -o codes.npy      # the same codes as PyTorch's

The network is an ordinary ``nn.Module`` written here, not one from latent: what makes the file
load in latent is that its ``state_dict`` names match latent's dense layout (``encoder`` and
``decoder`` as ``nn.Sequential``, Linear, activation, Linear, ...) and that the config passed to
``save_latent`` describes it. The data is standardised first, and the scaler is stored, so latent
scales new rows the same way. ``--codes`` also writes PyTorch's own codes of the data, to compare.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_latent import save_latent  # noqa: E402


class Autoencoder(nn.Module):
    """features → hidden → latent → hidden → features, tanh between layers."""

    def __init__(self, features: int, hidden: int, latent: int):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(features, hidden), nn.Tanh(), nn.Linear(hidden, latent))
        self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.Tanh(), nn.Linear(hidden, features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


def main() -> int:
    parser = argparse.ArgumentParser(description="Train an autoencoder in PyTorch; save it for latent.")
    parser.add_argument("data", help="rows as a .npy file [rows, features]")
    parser.add_argument("-o", "--output", required=True, help="latent model file to write (.safetensors)")
    parser.add_argument("--hidden", type=int, default=16)
    parser.add_argument("--latent", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--codes", help="also write PyTorch's codes of DATA here (.npy)")
    parser.add_argument("-f", "--force", action="store_true", help="replace an existing output")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    x = np.load(args.data).astype(np.float32)
    mean, std = x.mean(axis=0, dtype=np.float64), x.std(axis=0, dtype=np.float64)
    std[std == 0] = 1.0
    # latent's scaler: the model sees (x - offset) * scale.
    scaler = {"kind": "standard", "offset": mean.tolist(), "scale": (1.0 / std).tolist()}
    scaled = torch.from_numpy(((x - mean) / std).astype(np.float32))

    started = time.perf_counter()
    model = Autoencoder(x.shape[1], args.hidden, args.latent)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(args.epochs):
        for batch in scaled[torch.randperm(len(scaled))].split(32):
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(batch), batch)
            loss.backward()
            optimizer.step()

    config = {"kind": "dense", "inputDim": x.shape[1], "hidden": [args.hidden], "latentDim": args.latent, "activation": "tanh"}
    training = {
        "epochs": args.epochs,
        "samples": len(x),
        "loss": "mse",
        "finalLoss": float(loss),
        "seconds": time.perf_counter() - started,
        "source": args.data,
    }
    save_latent(args.output, model.state_dict(), config, scaler=scaler, training=training, force=args.force)
    if args.codes:
        with torch.no_grad():
            np.save(args.codes, model.encoder(scaled).numpy())
    print(f"wrote {args.output}: {config['inputDim']}-{args.hidden}-{args.latent} dense autoencoder, final loss {float(loss):.4g}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
