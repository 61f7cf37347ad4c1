#!/usr/bin/env python3
"""Load a latent model file (.safetensors) into PyTorch, or run it with NumPy alone.

A latent model file is a safetensors file whose tensors use PyTorch state_dict names
(``encoder.0.weight``, ``fc_mu.bias``, ...; Linear weights stored [out, in]) and whose
``__metadata__`` holds the model config (JSON), the data scaler (JSON) and a training summary.
This script rebuilds the same network as ``torch.nn`` modules, so ``load_state_dict(strict=True)``
accepts the file's tensors as they are, and runs encode / decode / reconstruct exactly as latent
does: inputs are scaled with the stored scaler, reconstructions unscaled, and the decoder's output
activation (sigmoid, ...) is applied after the last layer.

Families: dense, sparse, contractive and vae in both modes; conv and conv1d with PyTorch.
Needs NumPy; PyTorch (1.12 or newer) is optional (``--numpy`` runs the dense families without it). The
``safetensors`` package is used when installed; otherwise the header is parsed here.

Command line::

    python3 load_latent.py model.safetensors --encode data.npy --out codes.npy
    python3 load_latent.py --numpy model.safetensors --reconstruct data.npy --out recon.npy
    python3 load_latent.py model.safetensors --decode codes.npy --out rows.npy

As a library::

    from load_latent import load_torch_model
    model = load_torch_model("model.safetensors")   # torch.nn.Module, eval mode
    codes = model.encode(torch.from_numpy(x))       # scaled as in latent
"""

from __future__ import annotations

import argparse
import json
import math
import struct
import sys
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

try:  # optional: PyTorch
    import torch
    from torch import nn
    import torch.nn.functional as F
except ImportError:  # pragma: no cover - depends on the machine
    torch = None  # type: ignore[assignment]

_DTYPES = {"F32": "<f4", "F64": "<f8", "F16": "<f2", "I64": "<i8", "I32": "<i4"}
DENSE_KINDS = ("dense", "sparse", "contractive", "vae")


# ---------------------------------------------------------------------------------------------
# The file
# ---------------------------------------------------------------------------------------------

def read_safetensors(path: str) -> Tuple[Dict[str, np.ndarray], Dict[str, str]]:
    """Tensors (as float32 NumPy arrays) and the ``__metadata__`` map of a safetensors file."""
    try:
        from safetensors import safe_open  # type: ignore

        with safe_open(path, framework="np") as f:
            tensors = {k: np.asarray(f.get_tensor(k), dtype=np.float32) for k in f.keys()}
            return tensors, dict(f.metadata() or {})
    except ImportError:
        pass
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError(f"{path}: too short to be a safetensors file")
    (header_len,) = struct.unpack("<Q", blob[:8])
    if 8 + header_len > len(blob):
        raise ValueError(f"{path}: header length {header_len} runs past the end of the file")
    header = json.loads(blob[8 : 8 + header_len].decode("utf-8"))
    metadata = header.pop("__metadata__", {}) or {}
    data = memoryview(blob)[8 + header_len :]
    tensors = {}
    for name, entry in header.items():
        dtype = entry["dtype"]
        if dtype not in _DTYPES:
            raise ValueError(f"{path}: tensor {name} has dtype {dtype}, which this script does not read")
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=_DTYPES[dtype]).reshape(entry["shape"])
        tensors[name] = array.astype(np.float32)
    return tensors, metadata


def read_model(path: str) -> Tuple[Dict[str, Any], Optional[Dict[str, Any]], Dict[str, np.ndarray]]:
    """(config, scaler or None, tensors) of a latent model file; checkpoint extras are dropped."""
    tensors, metadata = read_safetensors(path)
    if metadata.get("format") != "latent":
        raise ValueError(f"{path} is not a latent model file (no format=latent in its metadata)")
    config = json.loads(metadata["config"])
    scaler = json.loads(metadata["scaler"]) if "scaler" in metadata else None
    if scaler is not None and scaler.get("kind") == "none":
        scaler = None
    weights = {k: v for k, v in tensors.items() if not k.startswith(("optimizer.", "best."))}
    return config, scaler, weights


# ---------------------------------------------------------------------------------------------
# The layer plan: one list of layer specs per Sequential, shared by the PyTorch and NumPy paths,
# in the same order (and so with the same indices) as latent's layer lists.
# ---------------------------------------------------------------------------------------------

def _act(name: str) -> List[Tuple[Any, ...]]:
    return [] if name == "identity" else [("act", name)]


def dense_plan(widths: List[int], act: str, last: str, dropout: float) -> List[Tuple[Any, ...]]:
    """Linear, activation (none for identity), Dropout after hidden layers: latent's dense stack."""
    layers: List[Tuple[Any, ...]] = []
    for i in range(len(widths) - 1):
        is_last = i + 2 == len(widths)
        layers.append(("linear", widths[i], widths[i + 1]))
        layers += _act(last if is_last else act)
        if not is_last and dropout > 0:
            layers.append(("dropout", dropout))
    return layers


def conv_geometry(config: Dict[str, Any]) -> Tuple[List[List[int]], List[List[int]], int]:
    """Spatial sizes before each conv (and after the last), decoder output paddings, flat size."""
    k, s, p = config["kernel"], config["stride"], config["padding"]
    start = [config["height"], config["width"]] if config["kind"] == "conv" else [config["length"]]
    sizes, paddings = [start], []
    for _ in config["convChannels"]:
        before = sizes[-1]
        after = [(n + 2 * p - (k - 1) - 1) // s + 1 for n in before]
        paddings.append([b - ((a - 1) * s - 2 * p + k) for b, a in zip(before, after)])
        sizes.append(after)
    flat = config["convChannels"][-1] * math.prod(sizes[-1])
    return sizes, paddings, flat


def model_plan(config: Dict[str, Any]) -> Dict[str, Any]:
    """Each named child: a list of layer specs (a Sequential) or one spec (a single layer)."""
    kind = config["kind"]
    if kind in ("dense", "sparse"):
        widths = [config["inputDim"], *config["hidden"], config["latentDim"]]
        return {
            "encoder": dense_plan(widths, config["activation"], config["latentActivation"], config["dropout"]),
            "decoder": dense_plan(widths[::-1], config["activation"], "identity", config["dropout"]),
        }
    if kind == "contractive":
        return {
            "encoder": [("linear", config["inputDim"], config["latentDim"]), ("act", "sigmoid")],
            "decoder": [("linear", config["latentDim"], config["inputDim"])],
        }
    if kind == "vae":
        widths = [config["inputDim"], *config["hidden"]]
        act = config["activation"]
        return {
            "encoder": dense_plan(widths, act, act, 0),
            # The heads are plain Linear children (keys fc_mu.weight), not Sequentials.
            "fc_mu": ("linear", widths[-1], config["latentDim"]),
            "fc_logvar": ("linear", widths[-1], config["latentDim"]),
            "decoder": dense_plan([config["latentDim"], *widths[::-1]], act, "identity", 0),
        }
    if kind in ("conv", "conv1d"):
        sizes, paddings, flat = conv_geometry(config)
        chans = config["convChannels"]
        in_chans = [config["channels"], *chans]
        act = config["activation"]
        geo = dict(kernel_size=config["kernel"], stride=config["stride"], padding=config["padding"])
        encoder: List[Tuple[Any, ...]] = []
        for i, c in enumerate(chans):
            encoder += [("conv", in_chans[i], c, geo)] + _act(act)
        encoder += [("flatten",), ("linear", flat, config["latentDim"])]
        decoder: List[Tuple[Any, ...]] = [("linear", config["latentDim"], flat)] + _act(act)
        decoder.append(("unflatten", [chans[-1], *sizes[-1]]))
        for i in range(len(chans) - 1, -1, -1):
            decoder.append(("deconv", chans[i], in_chans[i], dict(geo, output_padding=paddings[i])))
            if i > 0:
                decoder += _act(act)
        return {"encoder": encoder, "decoder": decoder}
    raise ValueError(f"unknown model kind {kind!r}")


def output_activation(config: Dict[str, Any]) -> str:
    if config["kind"] == "vae":
        return "sigmoid" if config.get("likelihood", "bernoulli") == "bernoulli" else "identity"
    return config["outputActivation"]


def sample_shape(config: Dict[str, Any]) -> List[int]:
    """Shape of one input sample as the encoder's first layer sees it."""
    if config["kind"] == "conv":
        return [config["channels"], config["height"], config["width"]]
    if config["kind"] == "conv1d":
        return [config["channels"], config["length"]]
    return [config["inputDim"]]


# ---------------------------------------------------------------------------------------------
# NumPy: the dense families, float32 throughout
# ---------------------------------------------------------------------------------------------

_GELU_C = math.sqrt(2 / math.pi)


def np_activation(x: np.ndarray, name: str, alpha: Optional[float] = None) -> np.ndarray:
    """latent's activations; `alpha` defaults as in latent's Activation module (0.01, 1)."""
    if name == "identity":
        return x
    if name == "relu":
        return np.maximum(x, 0)
    if name == "leakyRelu":
        a = np.float32(0.01 if alpha is None else alpha)
        return np.where(x > 0, x, a * x)
    if name == "elu":
        a = np.float32(1.0 if alpha is None else alpha)
        return np.where(x > 0, x, a * np.expm1(np.minimum(x, 0)))
    if name == "gelu":
        return np.float32(0.5) * x * (1 + np.tanh(np.float32(_GELU_C) * (x + np.float32(0.044715) * x * x * x)))
    if name == "sigmoid":
        return np.exp(-np.logaddexp(np.float32(0), -x))
    if name == "tanh":
        return np.tanh(x)
    if name == "softplus":
        return np.logaddexp(np.float32(0), x)
    raise ValueError(f"unknown activation {name!r}")


class NumpyModel:
    """A dense-family latent model evaluated with NumPy (eval mode: dropout off, VAE codes = μ)."""

    def __init__(self, path: str):
        self.config, self.scaler, self.tensors = read_model(path)
        if self.config["kind"] not in DENSE_KINDS:
            raise ValueError(f"NumPy mode runs the {', '.join(DENSE_KINDS)} families; this model is {self.config['kind']!r} (use PyTorch)")
        self.plan = model_plan(self.config)

    def _run(self, module: str, x: np.ndarray) -> np.ndarray:
        plan = self.plan[module]
        layers = [(f"{module}.{i}", spec) for i, spec in enumerate(plan)] if isinstance(plan, list) else [(module, plan)]
        for key, spec in layers:
            if spec[0] == "linear":
                w = self.tensors[f"{key}.weight"]
                b = self.tensors.get(f"{key}.bias")
                x = x @ w.T + (b if b is not None else np.float32(0))
            elif spec[0] == "act":
                x = np_activation(x, spec[1])
        return x.astype(np.float32)

    def scale(self, x: np.ndarray) -> np.ndarray:
        if self.scaler is None:
            return x
        offset = np.asarray(self.scaler["offset"], dtype=np.float64)
        scale = np.asarray(self.scaler["scale"], dtype=np.float64)
        return ((x.astype(np.float64) - offset) * scale).astype(np.float32)

    def unscale(self, y: np.ndarray) -> np.ndarray:
        if self.scaler is None:
            return y
        offset = np.asarray(self.scaler["offset"], dtype=np.float64)
        scale = np.asarray(self.scaler["scale"], dtype=np.float64)
        return (y.astype(np.float64) / scale + offset).astype(np.float32)

    def encode(self, x: np.ndarray) -> np.ndarray:
        h = self._run("encoder", self.scale(np.asarray(x, dtype=np.float32)))
        return self._run("fc_mu", h) if self.config["kind"] == "vae" else h

    def decode(self, z: np.ndarray) -> np.ndarray:
        logits = self._run("decoder", np.asarray(z, dtype=np.float32))
        return self.unscale(np_activation(logits, output_activation(self.config)))

    def reconstruct(self, x: np.ndarray) -> np.ndarray:
        return self.decode(self.encode(x))


# ---------------------------------------------------------------------------------------------
# PyTorch
# ---------------------------------------------------------------------------------------------

def _torch_activation(name: str) -> "nn.Module":
    return {
        "relu": lambda: nn.ReLU(),
        "leakyRelu": lambda: nn.LeakyReLU(0.01),
        "elu": lambda: nn.ELU(1.0),
        "gelu": lambda: nn.GELU(approximate="tanh"),
        "sigmoid": lambda: nn.Sigmoid(),
        "tanh": lambda: nn.Tanh(),
        "softplus": lambda: nn.Softplus(),
    }[name]()


def _torch_layer(spec: Tuple[Any, ...], two_d: bool) -> "nn.Module":
    kind = spec[0]
    if kind == "linear":
        return nn.Linear(spec[1], spec[2])
    if kind == "act":
        return _torch_activation(spec[1])
    if kind == "dropout":
        return nn.Dropout(spec[1])
    if kind == "flatten":
        return nn.Flatten()
    if kind == "unflatten":
        return nn.Unflatten(1, tuple(spec[1]))
    if kind == "conv":
        conv = nn.Conv2d if two_d else nn.Conv1d
        return conv(spec[1], spec[2], **spec[3])
    if kind == "deconv":
        deconv = nn.ConvTranspose2d if two_d else nn.ConvTranspose1d
        geo = dict(spec[3])
        geo["output_padding"] = tuple(geo["output_padding"]) if two_d else geo["output_padding"][0]
        return deconv(spec[1], spec[2], **geo)
    raise ValueError(f"unknown layer {kind!r}")


def _torch_output_activation(x: "torch.Tensor", name: str) -> "torch.Tensor":
    if name == "identity":
        return x
    if name == "leakyRelu":
        return F.leaky_relu(x, 0.01)
    if name == "elu":
        return F.elu(x, 1.0)
    if name == "gelu":
        return F.gelu(x, approximate="tanh")
    return {"relu": F.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "softplus": F.softplus}[name](x)


if torch is not None:

    class LatentTorchModel(nn.Module):
        """The latent network as torch.nn modules; child names match the model file's keys."""

        def __init__(self, config: Dict[str, Any], scaler: Optional[Dict[str, Any]] = None):
            super().__init__()
            self.config = config
            two_d = config["kind"] == "conv"
            for name, plan in model_plan(config).items():
                module = nn.Sequential(*[_torch_layer(s, two_d) for s in plan]) if isinstance(plan, list) else _torch_layer(plan, two_d)
                self.add_module(name, module)
            if config["kind"] == "vae" and config.get("warmupSteps", 0) > 0:
                self.register_buffer("kl_warmup_step", torch.zeros(()))
            offset = scaler["offset"] if scaler else [0.0]
            scale = scaler["scale"] if scaler else [1.0]
            # Non-persistent: the scaler lives in the metadata, not among the tensors.
            self.register_buffer("scaler_offset", torch.tensor(offset, dtype=torch.float64), persistent=False)
            self.register_buffer("scaler_scale", torch.tensor(scale, dtype=torch.float64), persistent=False)
            self.has_scaler = scaler is not None

        def scale(self, x: "torch.Tensor") -> "torch.Tensor":
            # Rows often arrive as float64 (NumPy's default); the weights are float32.
            if not self.has_scaler:
                return x.float()
            return ((x.double() - self.scaler_offset) * self.scaler_scale).float()

        def unscale(self, y: "torch.Tensor") -> "torch.Tensor":
            if not self.has_scaler:
                return y
            return (y.double() / self.scaler_scale + self.scaler_offset).float()

        def encode(self, x: "torch.Tensor") -> "torch.Tensor":
            """Codes of flat rows [N, features] (μ for a VAE), scaled first as in latent."""
            h = self.encoder(self.scale(x).reshape(x.shape[0], *sample_shape(self.config)))
            return self.fc_mu(h) if self.config["kind"] == "vae" else h

        def decode(self, z: "torch.Tensor") -> "torch.Tensor":
            """Flat rows from codes, output activation applied and unscaled as in latent."""
            logits = self.decoder(z.float()).reshape(z.shape[0], -1)
            return self.unscale(_torch_output_activation(logits, output_activation(self.config)))

        def forward(self, x: "torch.Tensor") -> "torch.Tensor":
            return self.decode(self.encode(x))


def load_torch_model(path: str) -> "nn.Module":
    """The model in `path` as a LatentTorchModel in eval mode (weights loaded with strict=True)."""
    if torch is None:
        raise ImportError(
            f"PyTorch is not installed for {sys.executable}: pip install torch (Debian/Ubuntu: apt-get install "
            "python3-torch, then run /usr/bin/python3), or use NumpyModel / --numpy for the dense families"
        )
    if tuple(int(p) for p in torch.__version__.split(".")[:2]) < (1, 12):
        # nn.GELU(approximate="tanh"), latent's GELU, arrived in PyTorch 1.12.
        raise ImportError(f"PyTorch {torch.__version__} is too old: load_latent.py needs 1.12 or newer")
    config, scaler, tensors = read_model(path)
    model = LatentTorchModel(config, scaler)
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, strict=True)
    return model.eval()


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def _load_rows(path: str) -> np.ndarray:
    """Rows of a .npy file, or of a numeric .csv file (a header line is skipped)."""
    if path.endswith(".npy"):
        x = np.load(path)
    else:
        with open(path) as f:
            first = f.readline().strip().split(",")
        try:
            [float(cell) for cell in first]
            header = 0
        except ValueError:
            header = 1
        x = np.loadtxt(path, delimiter=",", skiprows=header, ndmin=2)
    x = np.asarray(x, dtype=np.float32)
    return x.reshape(x.shape[0], -1)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Run a latent model file with PyTorch or NumPy.")
    parser.add_argument("model", help="latent model file (.safetensors)")
    parser.add_argument("--numpy", action="store_true", help="use NumPy only (dense, sparse, contractive, vae)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--encode", metavar="DATA", help="rows (.npy or .csv) to encode")
    group.add_argument("--decode", metavar="CODES", help="codes (.npy or .csv) to decode")
    group.add_argument("--reconstruct", metavar="DATA", help="rows (.npy or .csv) to reconstruct")
    parser.add_argument("--out", help="write the result here (.npy or .csv)")
    args = parser.parse_args(argv)

    if args.numpy:
        model: Any = NumpyModel(args.model)
        run = {"encode": model.encode, "decode": model.decode, "reconstruct": model.reconstruct}
        config = model.config
    else:
        torch_model = load_torch_model(args.model)
        config = torch_model.config

        def wrap(f: Any) -> Any:
            def call(x: np.ndarray) -> np.ndarray:
                with torch.no_grad():
                    return f(torch.from_numpy(x)).numpy()
            return call

        run = {"encode": wrap(torch_model.encode), "decode": wrap(torch_model.decode), "reconstruct": wrap(torch_model)}

    action = next((a for a in ("encode", "decode", "reconstruct") if getattr(args, a)), None)
    if action is None:
        print(f"{config['kind']} model: {json.dumps(config)}")
        if not args.numpy:
            print(torch_model)
        return 0
    result = run[action](_load_rows(getattr(args, action)))
    if args.out:
        if args.out.endswith(".csv"):
            np.savetxt(args.out, result, delimiter=",", fmt="%.9g")
        else:
            np.save(args.out, result)
        print(f"wrote {result.shape[0]} rows of {result.shape[1]} values to {args.out}")
    else:
        np.savetxt(sys.stdout, result, delimiter=",", fmt="%.9g")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    # RuntimeError: load_state_dict(strict=True) names the missing or unexpected tensors.
    except (ImportError, OSError, ValueError, KeyError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
