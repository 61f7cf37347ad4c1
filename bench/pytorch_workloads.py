#!/usr/bin/env python3
"""PyTorch (CPU) side of the benchmark: the reference workloads W1, W3 and W2 written with torch.nn.

The same architectures, He-uniform init scale, BCE from logits, Adam 1e-3 and batch sizes as
latent's runners (bench/workloads.ts, bench/workloads-w2.ts), on the same MNIST digits, which the
TypeScript side writes to a raw little-endian float32 file (rows of 784 values in [0, 1]). Each
epoch shuffles its rows, as latent's trainer does, and is timed alone: loading the data, building
the model and the warm-up epoch are outside every timed span. W3 runs under torch.inference_mode.

    python3 bench/pytorch_workloads.py DATA.f32 THREADS [--w1-rows 8192] [--w2-rows 2048]
        [--w3-samples 10000] [--reps 3] [--w3-reps N] [--serve]

prints one JSON object on stdout: {"torch": version, "threads": N, "blas": ..., "w1": samples/s,
"w3": ..., "w2": ..., "rates": {"w1": [...], "w3": [...], "w2": [...]}, "params": {"w1": n, "w2": n},
"threadpools": [...]}, where each figure is the median of the measured repetitions (one warm-up
first, not counted), "params" counts each model's parameters and "threadpools" is threadpoolctl's
account of the BLAS and OpenMP libraries loaded (kernel architecture, threading layer), or [] where
threadpoolctl is missing.

With --serve it builds the three workloads once, prints {"ready": true, "torch", "blas",
"threadpools", "threads"} and then answers each stdin line "w1", "w2" or "w3" with one line holding
the samples/s of one more repetition (an epoch, or one W3 pass), until "quit" or end of input; the
caller interleaves these repetitions with its own systems'. A line "gemm SHAPES" (SHAPES: a JSON list
of {"m", "n", "k", "transA", "transB", "digits"}) is answered with {"gflops": [...]}: torch.mm's
GFLOPS on each product, transposed operands as strided views (as autograd passes them to BLAS), A
the MNIST digits where "digits" is true, else the same sin/cos values as the TypeScript side.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Callable, List

import numpy as np
import torch
from torch import nn

PIXELS = 784
W1_WIDTHS = [784, 512, 128, 32]
W1_BATCH = 128
W2_BATCH = 128
W3_BATCH = 1000
LR = 1e-3


def he_uniform(module: nn.Module) -> None:
    """He-uniform weights (limit √(6/fan_in)) and zero biases, as latent's ReLU layers start."""
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)


def dense_stack(widths: List[int]) -> List[nn.Module]:
    """Linear layers through `widths`, ReLU after every one but the last."""
    layers: List[nn.Module] = []
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        if i + 2 < len(widths):
            layers.append(nn.ReLU())
    return layers


def w1_model() -> nn.Module:
    """784-512-128-32-128-512-784, ReLU; the sigmoid is inside BCEWithLogitsLoss."""
    model = nn.Sequential(
        nn.Sequential(*dense_stack(W1_WIDTHS)),
        nn.Sequential(*dense_stack(W1_WIDTHS[::-1])),
    )
    he_uniform(model)
    return model


def w2_model() -> nn.Module:
    """Conv(1→32,s2)+ReLU, Conv(32→64,s2)+ReLU, Dense→32, Dense→64·7·7+ReLU, ConvT(64→32)+ReLU, ConvT(32→1)."""
    geo = dict(kernel_size=3, stride=2, padding=1)
    model = nn.Sequential(
        nn.Sequential(
            nn.Conv2d(1, 32, **geo), nn.ReLU(),
            nn.Conv2d(32, 64, **geo), nn.ReLU(),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 32),
        ),
        nn.Sequential(
            nn.Linear(32, 64 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
            nn.ConvTranspose2d(64, 32, output_padding=1, **geo), nn.ReLU(),
            nn.ConvTranspose2d(32, 1, output_padding=1, **geo),
        ),
    )
    he_uniform(model)
    return model


def train_epoch(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, batch: int) -> float:
    """Samples/s of one training epoch over the full batches of `x` (shuffled)."""
    loss_fn = nn.BCEWithLogitsLoss()
    model.train()
    n = (x.shape[0] // batch) * batch
    start = time.perf_counter()
    order = torch.randperm(x.shape[0])[:n]
    for b in range(0, n, batch):
        xb = x[order[b : b + batch]]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), xb)
        loss.backward()
        optimizer.step()
    loss.item()  # every step done before the clock stops
    return n / (time.perf_counter() - start)


def train_rates(model: nn.Module, x: torch.Tensor, batch: int, epochs: int) -> List[float]:
    """Samples/s of each of `epochs` training epochs over the full batches of `x` (shuffled)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    return [train_epoch(model, optimizer, x, batch) for _ in range(epochs)]


def encode_rates(encoder: nn.Module, x: torch.Tensor, samples: int, reps: int) -> List[float]:
    """Samples/s of encoding the first `samples` rows in batches of 1,000, `reps` times."""
    encoder.eval()
    rates = []
    with torch.inference_mode():
        for _ in range(reps):
            start = time.perf_counter()
            for b in range(0, samples, W3_BATCH):
                encoder(x[b : b + W3_BATCH])
            rates.append(samples / (time.perf_counter() - start))
    return rates


def blas_library() -> str:
    """The BLAS that dense layers run on (Debian's torch links whichever libblas.so.3 is selected)."""
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                name = path.rsplit("/", 1)[-1]
                if "blas" in name and ".so" in name:
                    return path
    except OSError:
        pass
    return "unknown"


def threadpools() -> List[dict]:
    """threadpoolctl's view of the native thread pools (which OpenBLAS kernel and build ran)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    keys = ("user_api", "internal_api", "version", "threading_layer", "architecture", "num_threads", "filepath")
    return [{k: info.get(k) for k in keys if k in info} for info in threadpool_info()]


class Workloads:
    """The three workloads built once; each call runs one more repetition and returns samples/s."""

    def __init__(self, data: torch.Tensor, w1_rows: int, w2_rows: int, w3_samples: int) -> None:
        self.w1_model = w1_model()
        self.w1_x = data[:w1_rows]
        self.w1_opt = torch.optim.Adam(self.w1_model.parameters(), lr=LR)
        self.w2_model = w2_model()
        self.w2_x = data[:w2_rows].reshape(-1, 1, 28, 28)
        self.w2_opt = torch.optim.Adam(self.w2_model.parameters(), lr=LR)
        self.encoder = w1_model()[0]
        self.data = data
        self.w3_samples = w3_samples

    def run(self, name: str) -> float:
        if name == "w1":
            return train_epoch(self.w1_model, self.w1_opt, self.w1_x, W1_BATCH)
        if name == "w2":
            return train_epoch(self.w2_model, self.w2_opt, self.w2_x, W2_BATCH)
        if name == "w3":
            return encode_rates(self.encoder, self.data, self.w3_samples, 1)[0]
        raise ValueError(f"unknown workload {name!r} (expected w1, w2 or w3)")


def gemm_gflops(shape: dict, digits: torch.Tensor, reps: int = 5, calls: int = 20) -> float:
    """GFLOPS of C = op(A)·op(B) on one shape: the median of `reps` timings of `calls` products, after one warm-up timing."""
    m, n, k = shape["m"], shape["n"], shape["k"]
    a_shape = (k, m) if shape["transA"] else (m, k)
    b_shape = (n, k) if shape["transB"] else (k, n)
    if shape.get("digits"):
        a = digits.flatten()[: m * k].reshape(a_shape).clone()
    else:
        a = torch.sin(torch.arange(m * k, dtype=torch.float64)).float().reshape(a_shape)
    b = torch.cos(torch.arange(k * n, dtype=torch.float64)).float().reshape(b_shape)
    op_a = a.t() if shape["transA"] else a
    op_b = b.t() if shape["transB"] else b
    c = torch.empty(m, n)
    times = []
    for _ in range(reps + 1):
        start = time.perf_counter()
        for _ in range(calls):
            torch.mm(op_a, op_b, out=c)
        times.append((time.perf_counter() - start) / calls)
    return 2 * m * n * k / statistics.median(times[1:]) / 1e9


def serve(workloads: Workloads, threads: int) -> int:
    """Answer one repetition per stdin line (see the module docstring)."""
    header = {"ready": True, "torch": torch.__version__, "threads": threads, "blas": blas_library(), "threadpools": threadpools()}
    print(json.dumps(header), flush=True)
    for line in sys.stdin:
        name = line.strip()
        if name == "quit":
            break
        if name.startswith("gemm "):
            shapes = json.loads(name[len("gemm ") :])
            print(json.dumps({"gflops": [gemm_gflops(shape, workloads.data) for shape in shapes]}), flush=True)
        elif name:
            print(json.dumps({"rate": workloads.run(name)}), flush=True)
    return 0


def measure(label: str, run: Callable[[], List[float]]) -> List[float]:
    print(f"pytorch: {label}", file=sys.stderr, flush=True)
    return run()


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description="PyTorch CPU rates of the latent reference workloads.")
    parser.add_argument("data", help="raw little-endian float32 file of MNIST rows (784 values each)")
    parser.add_argument("threads", type=int, help="torch.set_num_threads")
    parser.add_argument("--w1-rows", type=int, default=8192)
    parser.add_argument("--w2-rows", type=int, default=2048)
    parser.add_argument("--w3-samples", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=3, help="measured repetitions after one warm-up")
    parser.add_argument("--w3-reps", type=int, default=None, help="measured W3 passes (default: --reps)")
    parser.add_argument("--serve", action="store_true", help="answer one repetition per stdin line (see above)")
    args = parser.parse_args(argv)

    raw = np.fromfile(args.data, dtype="<f4")
    if raw.size == 0 or raw.size % PIXELS != 0:
        raise ValueError(f"{args.data}: {raw.size} float32 values are not rows of {PIXELS}")
    data = torch.from_numpy(raw.reshape(-1, PIXELS).copy())
    for name, rows in (("--w1-rows", args.w1_rows), ("--w2-rows", args.w2_rows), ("--w3-samples", args.w3_samples)):
        if rows > data.shape[0]:
            raise ValueError(f"{name} {rows} is more than the {data.shape[0]} rows in {args.data}")

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    if args.serve:
        return serve(Workloads(data, args.w1_rows, args.w2_rows, args.w3_samples), args.threads)
    reps = args.reps + 1  # the first is the warm-up

    w1 = measure(f"W1 training on {args.w1_rows} rows", lambda: train_rates(w1_model(), data[: args.w1_rows], W1_BATCH, reps))
    w3 = measure(f"W3 encoding of {args.w3_samples} rows", lambda: encode_rates(w1_model()[0], data, args.w3_samples, (args.w3_reps or args.reps) + 1))
    images = data[: args.w2_rows].reshape(-1, 1, 28, 28)
    w2 = measure(f"W2 training on {args.w2_rows} rows", lambda: train_rates(w2_model(), images, W2_BATCH, reps))

    rates = {"w1": w1[1:], "w3": w3[1:], "w2": w2[1:]}
    result = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas_library(),
        **{k: statistics.median(v) for k, v in rates.items()},
        "rates": rates,
        # Lets the caller check that the architectures match its own.
        "params": {name: sum(p.numel() for p in make().parameters()) for name, make in (("w1", w1_model), ("w2", w2_model))},
        "threadpools": threadpools(),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
