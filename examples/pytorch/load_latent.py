#!/usr/bin/env python3
"""Load a latent model file (.safetensors) into PyTorch, run it with NumPy alone, score rows as
``latent score`` does, or write a latent model file from PyTorch weights.

A latent model file is a safetensors file whose tensors use PyTorch state_dict names
(``encoder.0.weight``, ``fc_mu.bias``, ...; Linear weights stored [out, in]) and whose
``__metadata__`` holds ``format`` = ``latent``, ``format_version``, the model config (JSON), the
data scaler (JSON), a training summary and, for a detector, its threshold and score statistics
(``detector``). This script rebuilds the same network as ``torch.nn`` modules, so
``load_state_dict(strict=True)`` accepts the file's tensors as they are, and runs encode / decode /
reconstruct exactly as latent does: inputs are scaled with the stored scaler, reconstructions
unscaled, and the decoder's output activation (sigmoid, ...) is applied after the last layer.

Families: dense, sparse, contractive and vae in both modes; conv and conv1d with PyTorch.
Needs NumPy; PyTorch (1.12 or newer) is optional (``--numpy`` runs the dense families without it). The
``safetensors`` package is used for reading when installed; otherwise, and always for writing, the
format is handled here. One file on purpose: copy it next to a job (``client.upload_file`` in Dask,
``--py-files`` in Spark) and it works.

Command line::

    python3 load_latent.py model.safetensors --encode data.npy --out codes.npy
    python3 load_latent.py --numpy model.safetensors --reconstruct data.npy --out recon.npy
    python3 load_latent.py model.safetensors --decode codes.npy --out rows.npy
    python3 load_latent.py model.safetensors --score data.csv --out scores.csv
    python3 load_latent.py model.safetensors --from-state-dict state.pt --config config.json

As a library::

    from load_latent import load_torch_model, LatentDetector, build_torch_model, save_latent
    model = load_torch_model("model.safetensors")   # torch.nn.Module, eval mode
    codes = model.encode(torch.from_numpy(x))       # scaled as in latent
    flags = LatentDetector("detector.safetensors").predict(x)   # as latent score
    net = build_torch_model({"kind": "dense", "inputDim": 8, "hidden": [6], "latentDim": 3})
    save_latent("mine.safetensors", net, scaler=standard_scaler)   # train net first
"""

from __future__ import annotations

import argparse
import json
import math
import os
import struct
import sys
import tempfile
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

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
        return parse_safetensors(f.read(), path)


def parse_safetensors(blob: bytes, path: str) -> Tuple[Dict[str, np.ndarray], Dict[str, str]]:
    """``read_safetensors`` on bytes already in memory; ``path`` names them in errors."""
    if len(blob) < 8:
        raise ValueError(f"{path}: too short to be a safetensors file")
    (header_len,) = struct.unpack("<Q", blob[:8])
    if 8 + header_len > len(blob):
        raise ValueError(
            f"{path} is not a safetensors file: its first 8 bytes give a header length of {header_len}, "
            f"past the end of its {len(blob)} bytes (is it a latent model file, or truncated?)"
        )
    try:
        header = json.loads(blob[8 : 8 + header_len].decode("utf-8"))
    except ValueError as error:  # bad UTF-8 or JSON
        raise ValueError(f"{path} is not a safetensors file: its header is not JSON ({error})") from None
    if not isinstance(header, dict):
        raise ValueError(f"{path} is not a safetensors file: its header is not a JSON object")
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


#: The newest model file format this script reads and the one ``save_latent`` writes.
MODEL_FORMAT_VERSION = 1


class ModelFile(NamedTuple):
    """What a latent model file holds. ``extra`` maps every other metadata key to its JSON value
    (``detector``: the anomaly threshold and score statistics; ``checkpoint``: trainer state)."""

    config: Dict[str, Any]
    scaler: Optional[Dict[str, Any]]
    tensors: Dict[str, np.ndarray]
    training: Optional[Dict[str, Any]]
    extra: Dict[str, Any]


def _json_entry(path: str, metadata: Dict[str, str], key: str) -> Any:
    try:
        return json.loads(metadata[key])
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: metadata entry {key!r} is not valid JSON ({error})") from None


def read_model_file(path: str, blob: Optional[bytes] = None) -> ModelFile:
    """The whole of a latent model file; checkpoint tensors (optimizer state, best weights) are
    dropped. With ``blob``, the file's bytes already in memory (``path`` then only names them)."""
    tensors, metadata = read_safetensors(path) if blob is None else parse_safetensors(blob, path)
    if metadata.get("format") != "latent":
        raise ValueError(
            f"{path} is not a latent model file (its metadata has no format=latent); "
            "files made in PyTorch need save_latent() from this script"
        )
    version = metadata.get("format_version", "")
    if not version.isdigit() or int(version) < 1:
        raise ValueError(f"{path}: format_version is {version!r}, expected a whole number such as \"1\"")
    if int(version) > MODEL_FORMAT_VERSION:
        raise ValueError(f"{path} uses model format version {version}; this script reads up to {MODEL_FORMAT_VERSION}")
    if "config" not in metadata:
        raise ValueError(f"{path}: the metadata has no config entry (the JSON model config)")
    config = _json_entry(path, metadata, "config")
    scaler = _json_entry(path, metadata, "scaler") if "scaler" in metadata else None
    if scaler is not None and scaler.get("kind") == "none":
        scaler = None
    training = _json_entry(path, metadata, "training") if "training" in metadata else None
    extra = {}
    for key, text in metadata.items():
        if key in ("format", "format_version", "config", "scaler", "training"):
            continue
        try:
            extra[key] = json.loads(text)
        except json.JSONDecodeError:  # another tool's plain-string entry
            extra[key] = text
    weights = {k: v for k, v in tensors.items() if not k.startswith(("optimizer.", "best."))}
    return ModelFile(config, scaler, weights, training, extra)


def read_model(path: str) -> Tuple[Dict[str, Any], Optional[Dict[str, Any]], Dict[str, np.ndarray]]:
    """(config, scaler or None, tensors) of a latent model file; checkpoint extras are dropped."""
    file = read_model_file(path)
    return file.config, file.scaler, file.tensors


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
            self.scaler_kind = scaler["kind"] if scaler else "none"

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
            return self.encode_scaled(self.scale(x))

        def encode_scaled(self, xs: "torch.Tensor") -> "torch.Tensor":
            """Codes of rows already in the model's scaled units."""
            h = self.encoder(xs.reshape(xs.shape[0], *sample_shape(self.config)))
            return self.fc_mu(h) if self.config["kind"] == "vae" else h

        def distribution_scaled(self, xs: "torch.Tensor") -> Tuple["torch.Tensor", "torch.Tensor"]:
            """VAE only: (μ, log σ²) of q(z|x) for rows in scaled units."""
            h = self.encoder(xs.reshape(xs.shape[0], *sample_shape(self.config)))
            return self.fc_mu(h), self.fc_logvar(h)

        def decoder_logits(self, z: "torch.Tensor") -> "torch.Tensor":
            """Flat decoder outputs before the output activation, in scaled units."""
            return self.decoder(z.float()).reshape(z.shape[0], -1)

        def decode(self, z: "torch.Tensor") -> "torch.Tensor":
            """Flat rows from codes, output activation applied and unscaled as in latent."""
            return self.unscale(_torch_output_activation(self.decoder_logits(z), output_activation(self.config)))

        def reconstruct_scaled(self, xs: "torch.Tensor") -> "torch.Tensor":
            """Reconstructions of rows in scaled units, output activation applied, not unscaled:
            what latent's anomaly scores compare with the scaled rows."""
            logits = self.decoder_logits(self.encode_scaled(xs))
            return _torch_output_activation(logits, output_activation(self.config))

        def forward(self, x: "torch.Tensor") -> "torch.Tensor":
            return self.decode(self.encode(x))


def require_torch() -> None:
    """Raise ImportError, saying how to install it, unless PyTorch 1.12 or newer is importable."""
    if torch is None:
        raise ImportError(
            f"PyTorch is not installed for {sys.executable}: pip install torch (Debian/Ubuntu: apt-get install "
            "python3-torch, then run /usr/bin/python3), or use NumpyModel / --numpy for the dense families"
        )
    if tuple(int(p) for p in torch.__version__.split(".")[:2]) < (1, 12):
        # nn.GELU(approximate="tanh"), latent's GELU, arrived in PyTorch 1.12.
        raise ImportError(f"PyTorch {torch.__version__} is too old: load_latent.py needs 1.12 or newer")


def load_torch_model(path: str) -> "nn.Module":
    """The model in `path` as a LatentTorchModel in eval mode (weights loaded with strict=True)."""
    require_torch()
    return torch_model_of(read_model_file(path))


def torch_model_of(file: ModelFile) -> "nn.Module":
    """A LatentTorchModel in eval mode from a file already read with ``read_model_file``."""
    require_torch()
    model = LatentTorchModel(file.config, file.scaler)
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in file.tensors.items()}, strict=True)
    return model.eval()


# ---------------------------------------------------------------------------------------------
# Writing a latent model file from PyTorch (or NumPy) weights
# ---------------------------------------------------------------------------------------------

_DENSE_DEFAULTS = {"hidden": [], "activation": "relu", "outputActivation": "identity", "dropout": 0.0}
_CONV_DEFAULTS = {"channels": 1, "kernel": 3, "stride": 2, "activation": "relu", "outputActivation": "identity"}


def complete_config(config: Dict[str, Any]) -> Dict[str, Any]:
    """``config`` with latent's defaults filled in for every field the network's layout depends on,
    so the file states the network it holds. Validation of values stays with latent."""
    if not isinstance(config, dict) or "kind" not in config:
        raise ValueError('the config must be a dict with a "kind": dense, sparse, contractive, vae, conv or conv1d')
    kind = config["kind"]
    if kind in ("dense", "sparse", "contractive"):
        latent_activation = "identity" if kind == "dense" else "sigmoid"
        done = {**_DENSE_DEFAULTS, "latentActivation": latent_activation, **config}
    elif kind == "vae":
        done = {"hidden": [], "activation": "relu", "likelihood": "bernoulli", **config}
    elif kind in ("conv", "conv1d"):
        done = {**_CONV_DEFAULTS, **config}
        done.setdefault("padding", done["kernel"] // 2)
    else:
        raise ValueError(f"unknown model kind {kind!r}: use dense, sparse, contractive, vae, conv or conv1d")
    required = {"conv": ("height", "width", "convChannels", "latentDim"), "conv1d": ("length", "convChannels", "latentDim")}
    for key in required.get(kind, ("inputDim", "latentDim")):
        if key not in done:
            raise ValueError(f'the {kind} config needs "{key}"')
    return done


def expected_shapes(config: Dict[str, Any]) -> Dict[str, Tuple[int, ...]]:
    """Tensor names and shapes a latent model of ``config`` (completed) holds, in PyTorch's layout."""
    shapes: Dict[str, Tuple[int, ...]] = {}
    window = (config.get("kernel", 0),) * (2 if config["kind"] == "conv" else 1)
    for child, plan in model_plan(config).items():
        layers = [(f"{child}.{i}", spec) for i, spec in enumerate(plan)] if isinstance(plan, list) else [(child, plan)]
        for key, spec in layers:
            if spec[0] == "linear":
                shapes[f"{key}.weight"], shapes[f"{key}.bias"] = (spec[2], spec[1]), (spec[2],)
            elif spec[0] == "conv":
                shapes[f"{key}.weight"], shapes[f"{key}.bias"] = (spec[2], spec[1], *window), (spec[2],)
            elif spec[0] == "deconv":  # ConvTranspose weights are [in, out, ...] in PyTorch and latent
                shapes[f"{key}.weight"], shapes[f"{key}.bias"] = (spec[1], spec[2], *window), (spec[2],)
    if config["kind"] == "vae" and config.get("warmupSteps", 0) > 0:
        shapes["kl_warmup_step"] = ()
    return shapes


def scaler_json(scaler: Any, width: int) -> Optional[Dict[str, Any]]:
    """latent's scaler JSON ``{kind, offset, scale}`` (the model sees ``(x - offset) * scale``) from
    such a dict, a fitted scikit-learn StandardScaler or MinMaxScaler (feature_range (0, 1)), or
    None for no scaling."""
    if scaler is None:
        return None
    if isinstance(scaler, dict):
        kind, offset, scale = scaler.get("kind"), scaler.get("offset"), scaler.get("scale")
    elif hasattr(scaler, "mean_") or hasattr(scaler, "with_mean"):  # StandardScaler
        kind = "standard"
        n = int(getattr(scaler, "n_features_in_", width))
        offset = scaler.mean_ if getattr(scaler, "mean_", None) is not None else np.zeros(n)
        # scale_ is the std (1 for a constant column); latent multiplies by its inverse.
        scale = 1.0 / scaler.scale_ if getattr(scaler, "scale_", None) is not None else np.ones(n)
    elif hasattr(scaler, "data_min_"):  # MinMaxScaler
        if tuple(getattr(scaler, "feature_range", (0, 1))) != (0, 1):
            raise ValueError("a MinMaxScaler maps onto [0, 1] in latent; refit it with feature_range=(0, 1)")
        kind, offset, scale = "minmax", scaler.data_min_, 1.0 / np.where(scaler.data_range_ == 0, 1.0, scaler.data_range_)
    else:
        raise ValueError(f"scaler: expected a dict {{kind, offset, scale}}, a StandardScaler or a MinMaxScaler, got {type(scaler).__name__}")
    if kind not in ("none", "standard", "standard-pooled", "minmax"):
        raise ValueError(f"scaler: kind {kind!r} is not one of none, standard, standard-pooled, minmax")
    offset = np.asarray(offset, dtype=np.float64).reshape(-1)
    scale = np.asarray(scale, dtype=np.float64).reshape(-1)
    if offset.shape != (width,) or scale.shape != (width,):
        raise ValueError(f"scaler: offset has {offset.size} values and scale {scale.size}; the model has {width} features")
    if not (np.all(np.isfinite(offset)) and np.all(np.isfinite(scale)) and np.all(scale != 0)):
        raise ValueError("scaler: offset and scale must be finite, and scale non-zero")
    return {"kind": kind, "offset": offset.tolist(), "scale": scale.tolist()}


def _as_float32(name: str, value: Any) -> np.ndarray:
    if torch is not None and isinstance(value, torch.Tensor):
        value = value.detach().cpu().to(torch.float32).numpy()
    # np.array, not np.ascontiguousarray: that turns a 0-d tensor (kl_warmup_step) into shape [1].
    array = np.array(value, dtype=np.float32, order="C")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"tensor {name} holds NaN or infinite values; latent refuses such weights")
    return array


def save_latent(
    path: str,
    model_or_state_dict: Any,
    config: Optional[Dict[str, Any]] = None,
    scaler: Any = None,
    training: Optional[Dict[str, Any]] = None,
    extra: Optional[Dict[str, Any]] = None,
    force: bool = False,
) -> str:
    """Write a latent model file from PyTorch weights; returns ``path``.

    ``model_or_state_dict``: a LatentTorchModel (its config and scaler are used unless given), any
    ``nn.Module`` whose ``state_dict()`` has latent's names, or a dict of name → tensor / array.
    ``config``: latent's model config, e.g. ``{"kind": "dense", "inputDim": 8, "hidden": [6],
    "latentDim": 3, "activation": "tanh"}``; missing layout fields get latent's defaults.
    ``scaler``: see ``scaler_json``. ``training``: what ``latent info`` shows (see
    ``training_summary``; ``columns`` there names the CSV columns the model reads, with ``source``
    a .csv path). ``extra``: more JSON metadata entries, e.g. ``{"detector": ...}``.

    Every tensor name and shape is checked against the config first, and the error names what is
    missing, unexpected or misshapen. The file is written to a temporary name, synced and renamed:
    never half-written, and an existing file is kept unless ``force``.

    >>> model = build_torch_model({"kind": "dense", "inputDim": 8, "hidden": [6], "latentDim": 3})
    >>> save_latent("model.safetensors", model)   # then: latent encode model.safetensors data.csv -o codes.csv
    """
    if config is None:
        config = getattr(model_or_state_dict, "config", None)
        if config is None:
            raise ValueError("save_latent needs a config for a plain state_dict or module (kind, inputDim, latentDim, ...)")
    config = complete_config(config)
    if scaler is None and getattr(model_or_state_dict, "has_scaler", False):
        m = model_or_state_dict
        scaler = {"kind": m.scaler_kind, "offset": m.scaler_offset.tolist(), "scale": m.scaler_scale.tolist()}
    state = model_or_state_dict.state_dict() if hasattr(model_or_state_dict, "state_dict") else dict(model_or_state_dict)
    expected = expected_shapes(config)
    if "kl_warmup_step" in expected and "kl_warmup_step" not in state:
        # A VAE trained elsewhere has finished its KL warm-up.
        state["kl_warmup_step"] = np.float32(config["warmupSteps"])
    _check_names(state, expected, config["kind"])
    tensors = {name: _as_float32(name, state[name]) for name in expected}
    for name, array in tensors.items():
        if array.shape != expected[name]:
            raise ValueError(
                f"tensor {name} has shape {list(array.shape)}, the {config['kind']} config needs {list(expected[name])}"
                + (" (Linear weights are [out, in])" if name.endswith("weight") and len(expected[name]) == 2 else "")
            )
    metadata = {"format": "latent", "format_version": str(MODEL_FORMAT_VERSION), "config": _json(config)}
    width = int(np.prod(sample_shape(config)))
    scaler_entry = scaler_json(scaler, width)
    if scaler_entry is not None:
        metadata["scaler"] = _json(scaler_entry)
    if training is not None:
        metadata["training"] = _json(training_summary(training))
    for key, value in (extra or {}).items():
        if key in metadata or key in ("format", "format_version", "config", "scaler", "training"):
            raise ValueError(f"extra key {key!r} clashes with a reserved metadata key")
        metadata[key] = _json(value)
    write_safetensors(path, tensors, metadata, force=force)
    return path


def training_summary(training: Dict[str, Any]) -> Dict[str, Any]:
    """latent's training summary from ``training``: ``epochs`` and ``samples`` (training rows) are
    required; ``loss`` (default "mse"), ``finalLoss``, ``finalValLoss`` (default None),
    ``seconds`` (default 0) and ``backend`` (default "PyTorch") are filled in when absent; any
    other keys (``source``, ``columns``, ``options``, ...) are kept."""
    absent = [key for key in ("epochs", "samples") if not isinstance(training.get(key), int)]
    if absent:
        raise ValueError(f"training needs {' and '.join(absent)} as whole numbers (latent info shows them)")
    backend = f"PyTorch {torch.__version__}" if torch is not None else "PyTorch"
    defaults = {"loss": "mse", "finalLoss": None, "finalValLoss": None, "seconds": 0.0, "backend": backend}
    return {**defaults, **training}


def _check_names(state: Dict[str, Any], expected: Dict[str, Tuple[int, ...]], kind: str) -> None:
    missing = [n for n in expected if n not in state]
    unexpected = [n for n in state if n not in expected]
    if not missing and not unexpected:
        return
    parts = []
    if missing:
        parts.append(f"missing {', '.join(missing)}")
    if unexpected:
        parts.append(f"unexpected {', '.join(unexpected)}")
    raise ValueError(
        f"the weights do not match the {kind} config: {'; '.join(parts)}. Layer indices count activations and "
        "dropout as nn.Sequential does (Linear, ReLU, Linear → .0 and .2); build_torch_model(config) gives the "
        "exact layout"
    )


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def write_safetensors(path: str, tensors: Dict[str, np.ndarray], metadata: Dict[str, str], force: bool = False) -> None:
    """Write float32 tensors and string metadata as a safetensors file, atomically.

    Layout: an 8-byte little-endian header length, the JSON header (tensor name → dtype, shape,
    data_offsets; ``__metadata__``) padded with spaces to a multiple of 8, then the tensors'
    little-endian bytes back to back in the header's order.
    """
    if os.path.exists(path) and not force:
        raise FileExistsError(f"{path} exists; pass force=True to replace it")
    header: Dict[str, Any] = {"__metadata__": metadata}
    chunks, offset = [], 0
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".latent-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(struct.pack("<Q", len(text)))
            out.write(text)
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def build_torch_model(config: Dict[str, Any], scaler: Any = None) -> "nn.Module":
    """A fresh LatentTorchModel for ``config`` (latent's defaults filled in), to train in PyTorch and
    save with ``save_latent``; its ``state_dict()`` has exactly the names latent expects. ``scaler``
    (see ``scaler_json``) makes ``encode`` and ``forward`` scale rows as latent will; train the
    network itself on scaled rows (``model.scale(x)``)."""
    require_torch()
    config = complete_config(config)
    return LatentTorchModel(config, scaler_json(scaler, int(np.prod(sample_shape(config)))))


# ---------------------------------------------------------------------------------------------
# Anomaly scores, as `latent score` computes them
# ---------------------------------------------------------------------------------------------

SCORE_METRICS = ("mse", "mae", "combined", "elbo")


def training_columns(file: ModelFile) -> Optional[List[str]]:
    """The feature names of a model trained on a CSV/TSV file, in order, else None (as latent reads them)."""
    training = file.training or {}
    source, columns = training.get("source"), training.get("columns")
    text_suffixes = (".csv", ".tsv", ".csv.gz", ".tsv.gz")
    if not isinstance(source, str) or not source.lower().endswith(text_suffixes):
        return None
    if not isinstance(columns, list) or not columns or not all(isinstance(c, str) for c in columns):
        return None
    return list(columns)


class LatentDetector:
    """Per-row anomaly scores and 0/1 flags of a latent model file, computed as ``latent score``
    computes them, with PyTorch:

    - ``mse`` / ``mae``: mean squared / absolute reconstruction error over the features, in the
      model's scaled units;
    - ``combined`` (a detector's default): the per-feature error divided by its training mean,
      averaged, over its training median, plus the code's squared Mahalanobis distance from the
      training codes over its training median, with the statistics stored in the file under
      ``detector.statistics``;
    - ``elbo`` (VAE only): the negative ELBO in nats, decoding μ.

    A row is flagged when its score is strictly above the stored threshold. The threshold belongs
    to the stored metric: with another metric, or a file without a stored detector (no
    ``--threshold-rule`` at training), ``threshold`` is None and ``predict`` refuses.

    Scores are float64 from the float32 network, as in latent; they agree with ``latent score``
    to float32 rounding.
    """

    def __init__(self, path: str, metric: Optional[str] = None, blob: Optional[bytes] = None):
        """The detector in the model file ``path`` (or in ``blob``, its bytes, e.g. shipped to a
        cluster worker; ``path`` then names it in errors), scoring with ``metric`` (default: the
        stored one, else mse)."""
        require_torch()
        file = read_model_file(path, blob)
        self.path = path
        self.config = file.config
        self.columns = training_columns(file)
        stored = file.extra.get("detector")
        if stored is not None and not isinstance(stored, dict):
            raise ValueError(f"{path}: metadata entry 'detector' is not a JSON object")
        stored_metric = stored.get("metric") if stored else None
        self.metric = metric or stored_metric or "mse"
        if self.metric not in SCORE_METRICS:
            raise ValueError(f"unknown score metric {self.metric!r}: use one of {', '.join(SCORE_METRICS)}")
        if self.metric == "elbo" and self.config["kind"] != "vae":
            raise ValueError(f"the elbo score needs a variational autoencoder; {path} holds a {self.config['kind']} model")
        same = stored is not None and stored_metric == self.metric
        self.threshold: Optional[float] = float(stored["threshold"]) if same else None
        self.rule: Optional[str] = stored.get("rule") if same else None
        self.statistics: Optional[Dict[str, Any]] = None
        if self.metric == "combined":
            self.statistics = (stored or {}).get("statistics")
            if not isinstance(self.statistics, dict):
                raise ValueError(
                    f"{path} stores no statistics for the combined score (they are fitted with the threshold); "
                    "train with latent train --threshold-rule ..., or score with metric mse or mae"
                )
            self._precision = np.asarray(self.statistics["codePrecision"], dtype=np.float64).reshape(
                len(self.statistics["codeMean"]), len(self.statistics["codeMean"])
            )
        self.model = torch_model_of(file)

    @property
    def input_dim(self) -> int:
        return int(np.prod(sample_shape(self.config)))

    def score(self, x: np.ndarray) -> np.ndarray:
        """One float64 score per row of ``x`` [rows, features] (raw units; the model scales them)."""
        x = np.asarray(x, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] != self.input_dim:
            raise ValueError(f"rows have shape {x.shape}; {self.path} expects [rows, {self.input_dim}]")
        if x.shape[0] == 0:
            return np.zeros(0, dtype=np.float64)
        with torch.no_grad():
            xs = self.model.scale(torch.from_numpy(x))
            if self.metric == "elbo":
                return self._negative_elbo(xs)
            diff = (self.model.reconstruct_scaled(xs) - xs).numpy().astype(np.float64)
            if self.metric == "mse":
                return np.mean(diff * diff, axis=1)
            if self.metric == "mae":
                return np.mean(np.abs(diff), axis=1)
            codes = self.model.encode_scaled(xs).numpy().astype(np.float64)
        stats = self.statistics or {}
        error = np.mean(diff * diff / np.asarray(stats["featureScale"], dtype=np.float64), axis=1)
        centred = codes - np.asarray(stats["codeMean"], dtype=np.float64)
        distance = np.maximum(0.0, np.einsum("ra,ab,rb->r", centred, self._precision, centred))
        return error / stats["errorMedian"] + distance / stats["distanceMedian"]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """0/1 flags (uint8): 1 where the score is above the stored threshold."""
        return self.flags(self.score(x))

    def flags(self, scores: np.ndarray) -> np.ndarray:
        """0/1 flags (uint8) for scores already computed."""
        if self.threshold is None:
            raise ValueError(
                f"{self.path} stores no threshold for the {self.metric} score: train with latent train "
                "--threshold-rule ..., or compute a threshold from these scores yourself"
            )
        return (scores > self.threshold).astype(np.uint8)

    def _negative_elbo(self, xs: "torch.Tensor") -> np.ndarray:
        mu, logvar = self.model.distribution_scaled(xs)
        logits = self.model.decoder_logits(mu).double()
        target = xs.double()
        if self.config.get("likelihood", "bernoulli") == "bernoulli":
            nats = (logits.clamp(min=0) - logits * target + torch.log1p(torch.exp(-logits.abs()))).sum(1)
        else:
            nats = 0.5 * ((logits - target) ** 2).sum(1) + 0.5 * target.shape[1] * math.log(2 * math.pi)
        mu, logvar = mu.double(), logvar.double()
        kl = -0.5 * (1 + logvar - mu * mu - logvar.exp()).sum(1)
        return (nats + kl).numpy()


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def _load_rows(path: str, columns: Optional[List[str]] = None) -> np.ndarray:
    """Rows of a .npy file, or of a numeric .csv file (a header line is skipped). ``columns``
    picks CSV columns by header name (a model's training columns), in that order."""
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
        usecols = None
        if columns is not None and header:
            names = [cell.strip().strip('"') for cell in first]
            missing = [c for c in columns if c not in names]
            if missing:
                raise ValueError(f"{path} has no column {', '.join(missing)} (the model was trained on {', '.join(columns)})")
            usecols = [names.index(c) for c in columns]
        x = np.loadtxt(path, delimiter=",", skiprows=header, ndmin=2, usecols=usecols)
    x = np.asarray(x, dtype=np.float32)
    return x.reshape(x.shape[0], -1)


def _write(path: Optional[str], result: np.ndarray, header: Optional[str] = None) -> None:
    if path and path.endswith(".npy"):
        np.save(path, result)
    else:
        kwargs = {"header": header, "comments": ""} if header else {}
        np.savetxt(path or sys.stdout, result, delimiter=",", fmt="%.9g", **kwargs)
    if path:
        print(f"wrote {result.shape[0]} rows of {result.shape[1]} values to {path}")


def _save_from_state_dict(args: argparse.Namespace) -> int:
    """``--from-state-dict``: a torch.save'd state_dict (or module) + JSON config → a model file."""
    require_torch()
    if not args.config:
        raise ValueError("--from-state-dict needs --config CONFIG.json (latent's model config)")
    with open(args.config) as f:
        config = json.load(f)
    scaler = None
    if args.scaler:
        with open(args.scaler) as f:
            scaler = json.load(f)
    try:  # weights_only (PyTorch 1.13+) refuses pickled code in the file
        state = torch.load(args.from_state_dict, map_location="cpu", weights_only=True)
    except TypeError:
        state = torch.load(args.from_state_dict, map_location="cpu")
    save_latent(args.model, state, config, scaler=scaler, force=args.force)
    print(f"wrote {args.model} ({config['kind']} model, {len(expected_shapes(complete_config(config)))} tensors)")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Run a latent model file with PyTorch or NumPy, or write one from PyTorch weights.")
    parser.add_argument("model", help="latent model file (.safetensors); with --from-state-dict, the file to write")
    parser.add_argument("--numpy", action="store_true", help="use NumPy only (dense, sparse, contractive, vae)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--encode", metavar="DATA", help="rows (.npy or .csv) to encode")
    group.add_argument("--decode", metavar="CODES", help="codes (.npy or .csv) to decode")
    group.add_argument("--reconstruct", metavar="DATA", help="rows (.npy or .csv) to reconstruct")
    group.add_argument("--score", metavar="DATA", help="anomaly score (and flag, when MODEL stores a threshold) of each row")
    group.add_argument("--from-state-dict", metavar="STATE", help="write MODEL from a torch.save'd state_dict and --config")
    parser.add_argument("--metric", choices=SCORE_METRICS, help="with --score: the score (default: the stored one, else mse)")
    parser.add_argument("--config", help="with --from-state-dict: latent's model config as a JSON file")
    parser.add_argument("--scaler", help='with --from-state-dict: {"kind", "offset", "scale"} as a JSON file')
    parser.add_argument("--force", action="store_true", help="with --from-state-dict: replace an existing MODEL")
    parser.add_argument("--out", help="write the result here (.npy or .csv)")
    args = parser.parse_args(argv)

    if args.from_state_dict:
        return _save_from_state_dict(args)
    if args.score:
        detector = LatentDetector(args.model, args.metric)
        scores = detector.score(_load_rows(args.score, detector.columns))
        if detector.threshold is None:
            print(f"note: {args.model} stores no threshold for the {detector.metric} score; writing scores only", file=sys.stderr)
            _write(args.out, scores.reshape(-1, 1), "score")
        else:
            _write(args.out, np.stack([scores, detector.flags(scores)], axis=1), "score,flag")
        return 0

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
    _write(args.out, run[action](_load_rows(getattr(args, action))))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    # RuntimeError: load_state_dict(strict=True) names the missing or unexpected tensors.
    except (ImportError, OSError, ValueError, KeyError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
