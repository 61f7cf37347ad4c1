#!/usr/bin/env python3
"""Peer detectors on ADBench: the numbers latent's autoencoder detector is compared against.

Role
----
ADBench's unsupervised protocol, run with the usual peer detectors at their library defaults:
fit on every row of X without labels, score every row, and report ROC-AUC and PR-AUC (average
precision, both from sklearn.metrics) of the scores against y. Every set is a NumPy .npz archive
with X (samples x features, any numeric dtype, cast to float64 here) and y (0/1).

Detectors
---------
pyod_ae  PyOD 2.x AutoEncoder (pyod/models/auto_encoder.py with base_dl.py and
         utils/torch_utility.py; 2.0.5 and later behave the same here) rebuilt in plain torch,
         because PyOD itself is not installed. Reproduced:
         - preprocessing: z-scores with the column mean and population std of X (np.std, ddof=0),
           (x - mean) / (std + 1e-8), computed in float64 and fed to the network as float32;
         - network: encoder d->64->32, decoder 32->64->d. Each hidden layer is PyOD's LinearBlock:
           Linear -> BatchNorm1d (eps 1e-5, momentum 0.1) -> ReLU -> Dropout(0.2), its weight
           re-initialised with kaiming_uniform_(a=0, fan_in, 'leaky_relu') and its bias left at
           torch's default; the output layer is a plain Linear with torch's default init. (PyOD's
           docstring lists [d, 64, 32, 32, 64, d], but its code builds the decoder from
           reversed(hidden[:-1]), so the 32-wide layer appears once: d-64-32-64-d, as here.)
         - training: MSELoss (mean), Adam(lr 1e-3, weight_decay 1e-5, eps 1e-8), 10 epochs of
           batch 32 from a DataLoader with shuffle=True and drop_last=True, model.train();
         - seeding: random.seed, np.random.seed and torch.manual_seed(seed) right before the
           model is built, as PyOD does in its constructor (PyOD's default seed is 42; here the
           seed is each of --seeds);
         - score: model.eval() (running BatchNorm statistics, no dropout), then the Euclidean
           distance between each scaled row and its reconstruction (PyOD's
           pairwise_distances_no_broadcast).
         The batches are drawn by the same RandomSampler/BatchSampler pair that PyOD's DataLoader
         uses, in the same order of random draws, but gathered as whole index lists instead of
         row by row (the same batches, only faster).
iforest  sklearn.ensemble.IsolationForest with its defaults (100 trees, max_samples='auto',
         max_features=1.0, no bootstrap), random_state = seed; score = -score_samples(X).
pca_pyod PyOD's PCA detector with its defaults (pyod/models/pca.py): StandardScaler, then
         sklearn PCA with n_components=None (all min(n, d) components, whiten=False,
         svd_solver='auto'), weighted=True, every component selected. PyOD's score is
             sum_j cdist(x, components_[j]) / explained_variance_ratio_[j],
         the Euclidean distance from the scaled row to each unit principal axis taken as a point,
         divided by that axis's share of the variance; it is reproduced as written. It is
         deterministic, so it runs once per set, whatever the seeds.
pca_mahalanobis  The textbook weighted-PCA score the description of PyOD's detector suggests,
         sum_j (x . v_j)^2 / lambda_j over the same standardized PCA, i.e. the Mahalanobis
         distance in the span of the data. Axes whose eigenvalue is below 1e-12 of the largest
         (directions the data does not span, as on sets with more features than rows) are left
         out. Reported next to pca_pyod because the two differ. Where the n centred rows span n-1
         dimensions (MVTec-AD bottle, metal_nut and toothbrush: fewer rows than non-constant
         features), every row has the same Mahalanobis distance, (n-1)^2/n, so this score ranks by
         rounding noise there (ROC-AUC near 0.5). Conversely, on every embedding set the data span
         fewer than min(n, d) dimensions, so pca_pyod's sum is dominated by the axes whose variance
         ratio is about 1e-33 (the directions the data do not span).

The stochastic detectors (pyod_ae, iforest) run once per seed and report the mean ROC-AUC, PR-AUC
and seconds over seeds (per-seed values are kept in the JSON). Seconds are wall time of one fit
plus scoring, data loading excluded. Torch runs on one thread (torch.set_num_threads(1)) and the
BLAS libraries are limited to one thread as well, unless --threads says otherwise.

Run
---
    /usr/bin/python3 bench/peers/adbench_peers.py [--data DIR ...] [--seeds 0,1,2]
        [--out bench/results/peers-adbench.json] [--threads 1] [--quick]

--data defaults to ../shared/data/adbench and ../shared/data/adbench-embeddings (relative to the
project root); every .npz file in each directory is a set. --quick runs only 42_WBC and
4_breastw with the first seed, and writes JSON only when --out is given. The script prints a
markdown table (per set, and means per directory and overall) on stdout and progress on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys

THREADS_DEFAULT = 1


def _threads_from_argv(argv: list[str]) -> int:
    """--threads before numpy and torch load, so that their BLAS pools take it."""
    for i, arg in enumerate(argv):
        if arg == '--threads' and i + 1 < len(argv):
            return int(argv[i + 1])
        if arg.startswith('--threads='):
            return int(arg.split('=', 1)[1])
    return THREADS_DEFAULT


_THREADS = _threads_from_argv(sys.argv[1:])
for _var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ.setdefault(_var, str(_THREADS))

import datetime  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable, Dict, List, Tuple  # noqa: E402

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
import torch  # noqa: E402
from scipy.spatial.distance import cdist  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.ensemble import IsolationForest  # noqa: E402
from sklearn.metrics import average_precision_score, roc_auc_score  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from torch import nn  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = [ROOT / '..' / 'shared' / 'data' / 'adbench', ROOT / '..' / 'shared' / 'data' / 'adbench-embeddings']
DEFAULT_OUT = ROOT / 'bench' / 'results' / 'peers-adbench.json'
QUICK_SETS = ('42_WBC', '4_breastw')
METHODS = ('pyod_ae', 'iforest', 'pca_pyod', 'pca_mahalanobis')
SEEDED = ('pyod_ae', 'iforest')

# PyOD 2.x AutoEncoder defaults.
AE_HIDDEN = (64, 32)
AE_DROPOUT = 0.2
AE_EPOCHS = 10
AE_BATCH = 32
AE_LR = 1e-3
AE_WEIGHT_DECAY = 1e-5
AE_STD_EPS = 1e-8


# ----------------------------------------------------------------------------- data


def load_set(path: Path) -> Tuple[np.ndarray, np.ndarray]:
    """X as float64 (samples x features) and y as 0/1 int64 from an ADBench .npz archive."""
    with np.load(path) as archive:
        X = np.asarray(archive['X'], dtype=np.float64)
        y = np.asarray(archive['y']).astype(np.int64).ravel()
    if X.ndim != 2 or X.shape[0] != y.shape[0]:
        raise ValueError(f'{path}: X {X.shape} and y {y.shape} do not match')
    if not np.all(np.isin(y, (0, 1))):
        raise ValueError(f'{path}: y is not 0/1')
    return X, y


def find_sets(dirs: List[Path], quick: bool) -> List[Tuple[str, Path]]:
    """(directory name, file) for every .npz file in dirs, in name order within each directory."""
    found: List[Tuple[str, Path]] = []
    for d in dirs:
        if not d.is_dir():
            raise SystemExit(f'no such data directory: {d}')
        for f in sorted(d.glob('*.npz')):
            if not quick or f.stem in QUICK_SETS:
                found.append((d.name, f))
    if not found:
        raise SystemExit('no .npz data sets found' + (f' named {", ".join(QUICK_SETS)}' if quick else ''))
    return found


# ----------------------------------------------------------------------------- PyOD AutoEncoder


class LinearBlock(nn.Module):
    """PyOD's LinearBlock: Linear -> BatchNorm1d -> ReLU -> Dropout, kaiming-uniform weight."""

    def __init__(self, n_in: int, n_out: int, dropout: float):
        super().__init__()
        self.linear = nn.Linear(n_in, n_out)
        self.activation = nn.ReLU()
        self.bn = nn.BatchNorm1d(n_out, eps=1e-5, momentum=0.1)
        self.dropout = nn.Dropout(p=dropout)
        nn.init.kaiming_uniform_(self.linear.weight, a=0, mode='fan_in', nonlinearity='leaky_relu')

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.activation(self.bn(self.linear(x))))


class PyodAutoEncoder(nn.Module):
    """PyOD's AutoEncoderModel: encoder d->h1->...->hk, decoder hk->...->h1 blocks, then Linear to d."""

    def __init__(self, features: int, hidden=AE_HIDDEN, dropout: float = AE_DROPOUT):
        super().__init__()
        encoder: List[nn.Module] = []
        last = features
        for width in hidden:
            encoder.append(LinearBlock(last, width, dropout))
            last = width
        decoder: List[nn.Module] = []
        for width in reversed(hidden[:-1]):
            decoder.append(LinearBlock(last, width, dropout))
            last = width
        decoder.append(nn.Linear(last, features))
        self.encoder = nn.Sequential(*encoder)
        self.decoder = nn.Sequential(*decoder)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


class _Rows(torch.utils.data.Dataset):
    """Rows of a float32 tensor; indexed with a whole batch of indices at once."""

    def __init__(self, X: torch.Tensor):
        self.X = X

    def __len__(self) -> int:
        return self.X.shape[0]

    def __getitem__(self, idx):
        return self.X[idx]


def _seed_everything(seed: int) -> None:
    """What PyOD's BaseDeepLearningDetector._set_seed does."""
    os.environ['PYTHONHASHSEED'] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def pyod_autoencoder_scores(X: np.ndarray, seed: int) -> np.ndarray:
    """Fit PyOD's default AutoEncoder on X and return its scores for X (higher = more anomalous)."""
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    Xs = torch.from_numpy(((X - mean) / (std + AE_STD_EPS)).astype(np.float32))

    _seed_everything(seed)
    model = PyodAutoEncoder(X.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=AE_LR, weight_decay=AE_WEIGHT_DECAY, eps=1e-8)
    criterion = nn.MSELoss(reduction='mean')
    rows = _Rows(Xs)
    # Same sampler pair as DataLoader(shuffle=True, drop_last=True), gathering whole batches.
    batches = torch.utils.data.BatchSampler(torch.utils.data.RandomSampler(rows), AE_BATCH, drop_last=True)
    loader = torch.utils.data.DataLoader(rows, batch_size=None, sampler=batches)

    model.train()
    for _ in range(AE_EPOCHS):
        for x in loader:
            optimizer.zero_grad()
            loss = criterion(model(x), x)
            loss.backward()
            optimizer.step()

    model.eval()
    with torch.no_grad():
        recon = torch.cat([model(chunk) for chunk in torch.split(Xs, 4096)])
    diff = Xs.numpy().astype(np.float64) - recon.numpy().astype(np.float64)
    return np.sqrt(np.sum(diff * diff, axis=1))


# ----------------------------------------------------------------------------- other peers


def iforest_scores(X: np.ndarray, seed: int) -> np.ndarray:
    """scikit-learn's IsolationForest with its defaults; higher = more anomalous."""
    forest = IsolationForest(random_state=seed).fit(X)
    return -forest.score_samples(X)


def _standardized_pca(X: np.ndarray) -> Tuple[np.ndarray, PCA]:
    Z = StandardScaler().fit_transform(X)
    return Z, PCA(n_components=None).fit(Z)


def pca_pyod_scores(X: np.ndarray, seed: int) -> np.ndarray:
    """PyOD's PCA detector with its defaults (standardization, all components, weighted)."""
    del seed  # deterministic
    Z, pca = _standardized_pca(X)
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.sum(cdist(Z, pca.components_) / pca.explained_variance_ratio_, axis=1).ravel()


def pca_mahalanobis_scores(X: np.ndarray, seed: int) -> np.ndarray:
    """Sum over the standardized principal axes of squared projection / eigenvalue."""
    del seed  # deterministic
    Z, pca = _standardized_pca(X)
    eig = pca.explained_variance_
    keep = eig > eig.max() * 1e-12
    projection = (Z - pca.mean_) @ pca.components_[keep].T
    return np.sum(projection * projection / eig[keep], axis=1)


DETECTORS: Dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    'pyod_ae': pyod_autoencoder_scores,
    'iforest': iforest_scores,
    'pca_pyod': pca_pyod_scores,
    'pca_mahalanobis': pca_mahalanobis_scores,
}


# ----------------------------------------------------------------------------- protocol


def evaluate(y: np.ndarray, scores: np.ndarray) -> Tuple[float, float]:
    """ROC-AUC and average precision; a score vector with NaN or infinities counts as uninformative."""
    if not np.all(np.isfinite(scores)):
        finite = np.isfinite(scores)
        raise FloatingPointError(f'{np.count_nonzero(~finite)} of {scores.size} scores are not finite')
    return float(roc_auc_score(y, scores)), float(average_precision_score(y, scores))


def run_method(name: str, X: np.ndarray, y: np.ndarray, seeds: List[int]) -> dict:
    """Fit and score one detector for each seed (once if it is deterministic); mean figures."""
    detector = DETECTORS[name]
    runs = seeds if name in SEEDED else seeds[:1]
    rocs: List[float] = []
    prs: List[float] = []
    seconds: List[float] = []
    note = None
    for seed in runs:
        start = time.perf_counter()
        scores = detector(X, seed)
        seconds.append(time.perf_counter() - start)
        try:
            roc, pr = evaluate(y, scores)
        except FloatingPointError as err:
            # Tied ranks: every row gets the same (non-finite) score, so the detector says nothing.
            note = str(err)
            roc, pr = 0.5, float(np.mean(y))
        rocs.append(roc)
        prs.append(pr)
    result = {
        'roc': float(np.mean(rocs)),
        'pr': float(np.mean(prs)),
        'seconds': float(np.mean(seconds)),
        'roc_per_seed': rocs,
        'pr_per_seed': prs,
        'seeds': runs if name in SEEDED else None,
    }
    if note is not None:
        result['note'] = note + '; counted as ROC-AUC 0.5 and PR-AUC = anomaly rate'
    return result


def run_set(path: Path, seeds: List[int]) -> dict:
    X, y = load_set(path)
    entry: dict = {'rows': int(X.shape[0]), 'features': int(X.shape[1]), 'anomalies': int(y.sum())}
    for name in METHODS:
        entry[name] = run_method(name, X, y, seeds)
        r = entry[name]
        print(f'  {path.stem:24s} {name:16s} roc {r["roc"]:.4f} pr {r["pr"]:.4f} {r["seconds"]:.2f}s', file=sys.stderr, flush=True)
    return entry


# ----------------------------------------------------------------------------- report


def _mean_row(label: str, entries: List[dict]) -> str:
    cells = [f'**{label}**', '', '', '']
    for name in METHODS:
        cells.append(f'{np.mean([e[name]["roc"] for e in entries]):.3f}')
        cells.append(f'{np.mean([e[name]["pr"] for e in entries]):.3f}')
    return '| ' + ' | '.join(cells) + ' |'


def markdown_table(sets: Dict[str, dict], families: Dict[str, str]) -> str:
    header = ['set', 'rows', 'features', 'anomalies']
    for name in METHODS:
        header += [f'{name} ROC', f'{name} PR']
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '|'.join(['---'] + ['---:'] * (len(header) - 1)) + '|']
    for key, e in sets.items():
        cells = [key, str(e['rows']), str(e['features']), str(e['anomalies'])]
        for name in METHODS:
            cells += [f'{e[name]["roc"]:.3f}', f'{e[name]["pr"]:.3f}']
        lines.append('| ' + ' | '.join(cells) + ' |')
    groups: Dict[str, List[dict]] = {}
    for key, e in sets.items():
        groups.setdefault(families[key], []).append(e)
    if len(groups) > 1:
        for family, entries in groups.items():
            lines.append(_mean_row(f'mean, {family} ({len(entries)})', entries))
    lines.append(_mean_row(f'mean, all ({len(sets)})', list(sets.values())))
    return '\n'.join(lines)


def parse_args(argv: List[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Peer anomaly detectors on ADBench sets (unsupervised protocol).')
    parser.add_argument('--data', nargs='+', action='extend', type=Path, help='directories of .npz sets (repeatable)')
    parser.add_argument('--seeds', default='0,1,2', help='comma-separated seeds for the stochastic detectors')
    parser.add_argument('--out', type=Path, default=None, help=f'JSON result file (default {DEFAULT_OUT.relative_to(ROOT)})')
    parser.add_argument('--threads', type=int, default=THREADS_DEFAULT, help='torch and BLAS threads (default 1)')
    parser.add_argument('--quick', action='store_true', help=f'only {" and ".join(QUICK_SETS)}, first seed; JSON only with --out')
    args = parser.parse_args(argv)
    args.seeds = [int(s) for s in args.seeds.split(',') if s.strip() != '']
    if not args.seeds:
        parser.error('--seeds is empty')
    if args.quick:
        args.seeds = args.seeds[:1]
    return args


def main(argv: List[str]) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    dirs = [d.resolve() for d in (args.data or DEFAULT_DATA)]
    found = find_sets(dirs, args.quick)
    started = time.perf_counter()
    sets: Dict[str, dict] = {}
    families: Dict[str, str] = {}
    for family, path in found:
        if path.stem in sets:
            raise SystemExit(f'two sets are named {path.stem}')
        sets[path.stem] = run_set(path, args.seeds)
        families[path.stem] = family
    total = time.perf_counter() - started

    meta = {
        'protocol': 'ADBench unsupervised: fit on all rows of X without labels, score every row; '
        'ROC-AUC and average precision from sklearn.metrics; mean over seeds',
        'methods': {
            'pyod_ae': 'PyOD 2.x AutoEncoder defaults reimplemented in torch: z-score, d-64-32-64-d, '
            'BatchNorm+ReLU+Dropout(0.2) hidden blocks, MSE, Adam lr 1e-3 weight_decay 1e-5, 10 epochs, '
            'batch 32, score = Euclidean reconstruction distance',
            'iforest': 'sklearn IsolationForest defaults, random_state = seed, score = -score_samples',
            'pca_pyod': 'PyOD PCA defaults: StandardScaler, all components, weighted, '
            'score = sum_j cdist(x, v_j) / explained_variance_ratio_j; deterministic, one run',
            'pca_mahalanobis': 'StandardScaler + PCA, score = sum_j (x.v_j)^2 / lambda_j over axes with '
            'lambda_j > 1e-12 lambda_max; deterministic, one run',
        },
        'torch': torch.__version__,
        'sklearn': sklearn.__version__,
        'numpy': np.__version__,
        'python': platform.python_version(),
        'threads': args.threads,
        'seeds': args.seeds,
        'quick': args.quick,
        'data': {family: sorted(k for k, f in families.items() if f == family) for family in dict.fromkeys(families.values())},
        'date': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'total_seconds': round(total, 1),
    }
    result = {'sets': sets, 'meta': meta}

    out = args.out if args.out is not None else (None if args.quick else DEFAULT_OUT)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1) + '\n')
        print(f'wrote {out}', file=sys.stderr)
    print(markdown_table(sets, families))
    print(f'\n{len(sets)} sets, seeds {",".join(map(str, args.seeds))}, torch {torch.__version__} on '
          f'{args.threads} thread(s), sklearn {sklearn.__version__}, {total:.0f} s')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
