"""Worker side of the Dask example: score one pandas partition with a latent model file.

Runs inside Dask worker processes (score_csv.py ships this file and ../pytorch/load_latent.py to
every worker with ``client.upload_file``). The model file travels as bytes in the task graph, so
workers need no shared folder for it; each worker process builds the PyTorch model once per model
file (keyed by the bytes' SHA-256) and reuses it for every partition it scores.

Invariants: output rows are the partition's rows in order, with the id column (when asked for)
first, then ``score`` (float64) and, when the model stores a threshold for the metric, ``flag``
(0/1 as uint8). Scores equal ``latent score`` on the same rows to float32 rounding.
"""

from __future__ import annotations

import hashlib
from typing import Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

from load_latent import LatentDetector

_DETECTORS: Dict[Tuple[str, Optional[str]], LatentDetector] = {}


def detector_for(model: bytes, name: str, metric: Optional[str]) -> LatentDetector:
    """The detector in ``model`` (a model file's bytes), built once per worker process."""
    key = (hashlib.sha256(model).hexdigest(), metric)
    if key not in _DETECTORS:
        import torch

        # One thread per Dask worker thread: Dask already runs a task per core.
        torch.set_num_threads(1)
        _DETECTORS[key] = LatentDetector(name, metric, blob=model)
    return _DETECTORS[key]


def output_meta(id_column: Optional[str], flags: bool) -> pd.DataFrame:
    """The empty frame that tells Dask the output's columns and dtypes."""
    columns = {} if id_column is None else {id_column: pd.Series(dtype=object)}
    columns["score"] = pd.Series(dtype="float64")
    if flags:
        columns["flag"] = pd.Series(dtype="uint8")
    return pd.DataFrame(columns)


def score_partition(
    frame: pd.DataFrame,
    model: bytes,
    name: str,
    columns: List[str],
    id_column: Optional[str],
    metric: Optional[str],
    path_column: str,
) -> pd.DataFrame:
    """Scores (and flags) for the rows of ``frame``; ``columns`` are the model's features in order."""
    detector = detector_for(model, name, metric)
    features = frame[columns]
    missing = features.isna().to_numpy()
    if missing.any():
        row, col = np.argwhere(missing)[0]
        where = f"row {frame[id_column].iloc[row]!r}" if id_column is not None else "a row"
        raise ValueError(
            f"{frame[path_column].iloc[row]}: column {columns[col]!r} is empty in {where}; "
            "latent models need a number in every feature cell (fill or drop such rows first)"
        )
    # latent reads CSV numbers as float32: round the same way before scaling.
    scores = detector.score(features.to_numpy(dtype=np.float64).astype(np.float32))
    out = {} if id_column is None else {id_column: frame[id_column].astype(object).to_numpy()}
    out["score"] = scores
    if detector.threshold is not None:
        out["flag"] = detector.flags(scores)
    return pd.DataFrame(out, index=frame.index)
