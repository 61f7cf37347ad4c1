#!/usr/bin/env python3
"""Score a partitioned CSV data set with a latent model file on a Dask cluster.

    python3 score_csv.py MODEL 'data/part-*.csv' -o scores.csv [--workers 4] [--id-column id]
    python3 score_csv.py MODEL 'data/*.csv' -o scores/ --scheduler tcp://10.0.0.5:8786

Every worker runs the model in PyTorch through ../pytorch/load_latent.py, computing the same
per-row score and 0/1 flag as ``latent score`` (the metric, statistics and threshold stored in
the model file). The CSV files are read with dask.dataframe.read_csv, split into blocks of
--blocksize, one task each; the model's bytes go to the workers with the tasks, and this script
and load_latent.py are uploaded to them, so workers need Python with NumPy, pandas, Dask and
PyTorch, and nothing else from this machine.

Columns: a model trained on a CSV file reads the same columns by header name (its training
summary lists them); any other model reads every column except --id-column, which must then be
as many as the model's features. The output has the id column (when given), ``score`` and, when
the model stores a threshold for the metric, ``flag``; rows keep the order of the files and of
the rows within them.

Output: ``-o NAME.csv`` writes one file; any other name a folder of ``part-N.csv`` files, one
per block. Workers write the output, so on a cluster the path must be on storage they share.
It is written under a temporary name and renamed when complete; an existing output is kept
unless --force. Without --scheduler a LocalCluster of --workers processes runs on this machine.
Checks on the model, the files' headers and the output run before any cluster starts.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import shutil
import sys
import time
from typing import Iterator, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
LOADER = os.path.join(HERE, "..", "pytorch", "load_latent.py")
sys.path[:0] = [HERE, os.path.dirname(LOADER)]

from load_latent import SCORE_METRICS, read_model_file, sample_shape, training_columns  # noqa: E402

# Names the file each row came from, for error messages; dropped from the output.
PATH_COLUMN = "__latent_source_file"


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Score CSV files with a latent model file on a Dask cluster.")
    parser.add_argument("model", help="latent model file (.safetensors)")
    parser.add_argument("data", nargs="+", help="CSV files or glob patterns (quote them), read in order")
    parser.add_argument("-o", "--output", required=True, help="NAME.csv for one file, else a folder of part files")
    parser.add_argument("--id-column", help="a column copied into the output to join scores back to rows")
    parser.add_argument("--metric", choices=SCORE_METRICS, help="score (default: the model's stored metric, else mse)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (default: a LocalCluster)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default: 2)")
    parser.add_argument("--threads-per-worker", type=int, default=1, help="LocalCluster threads per worker (default: 1)")
    parser.add_argument("--blocksize", default="64MB", help="bytes of CSV per task (default: 64MB)")
    parser.add_argument("-f", "--force", action="store_true", help="replace an existing output")
    args = parser.parse_args(argv)
    if args.workers < 1 or args.threads_per_worker < 1:
        parser.error("--workers and --threads-per-worker must be at least 1")
    return args


def expand(patterns: List[str]) -> List[str]:
    """Files named by paths or glob patterns, each pattern's matches sorted, in argument order."""
    files: List[str] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        if not matches:
            raise ValueError(f"no file matches {pattern}")
        for path in matches:
            if not os.path.isfile(path):
                raise ValueError(f"{path} is not a file")
        files += matches
    return files


def header_of(path: str) -> List[str]:
    with open(path, newline="") as f:
        line = f.readline()
    if not line.strip():
        raise ValueError(f"{path} is empty or has no header row")
    import csv

    return [cell.strip() for cell in next(csv.reader([line]))]


def feature_columns(model_path: str, files: List[str], id_column: Optional[str]) -> List[str]:
    """The model's feature columns, checked against every file's header."""
    file = read_model_file(model_path)
    width = 1
    for size in sample_shape(file.config):
        width *= size
    trained = training_columns(file)
    first = header_of(files[0])
    columns = trained if trained is not None else [c for c in first if c != id_column]
    if len(columns) != width:
        raise ValueError(
            f"{files[0]} has {len(columns)} feature columns ({', '.join(columns)}), but {model_path} expects {width}; "
            "name the identifier column with --id-column"
        )
    for path in files:
        header = first if path == files[0] else header_of(path)
        absent = [c for c in columns + ([id_column] if id_column else []) if c not in header]
        if absent:
            raise ValueError(f"{path} has no column {', '.join(absent)} (its header: {', '.join(header)})")
    return columns


def first_text_cell(files: List[str], columns: List[str]) -> Optional[str]:
    """Where the first feature cell that is not a number sits, as an error message, or None."""
    import csv

    for path in files:
        with open(path, newline="") as f:
            reader = csv.reader(f)
            header = [cell.strip() for cell in next(reader, [])]
            positions = [(header.index(c), c) for c in columns if c in header]
            for line, row in enumerate(reader, start=2):
                for index, name in positions:
                    cell = row[index].strip() if index < len(row) else ""
                    try:
                        float(cell) if cell else None
                    except ValueError:
                        return f"{path}, line {line}, column {name!r}: {cell!r} is not a number"
    return None


def check_output(path: str, force: bool) -> None:
    if os.path.exists(path) and not force:
        raise FileExistsError(f"{path} exists; pass --force to replace it")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"the folder of {path} does not exist")


def run(args: argparse.Namespace) -> int:
    files = expand(args.data)
    columns = feature_columns(args.model, files, args.id_column)
    check_output(args.output, args.force)
    with open(args.model, "rb") as f:
        model_bytes = f.read()

    # Imported here so the checks above answer fast, and without Dask installed.
    import dask
    import dask.dataframe as dd

    from latent_partitions import output_meta, score_partition
    from load_latent import LatentDetector

    # The client checks the metric and learns whether there will be flags before any task runs.
    probe = LatentDetector(args.model, args.metric, blob=model_bytes)
    if probe.threshold is None:
        print(f"note: {args.model} stores no threshold for the {probe.metric} score: writing scores without flags", file=sys.stderr)
    try:
        # Lazy, but read_csv parses a sample of the first file here: its errors come before any cluster.
        dtypes = {c: "float64" for c in columns}
        if args.id_column:
            dtypes[args.id_column] = "object"
        frame = dd.read_csv(
            files,
            usecols=list(dtypes),
            dtype=dtypes,
            blocksize=args.blocksize,
            include_path_column=PATH_COLUMN,
            float_precision="round_trip",
            # Only an empty cell is missing; text such as "n/a" is an error, as in latent.
            keep_default_na=False,
            na_values=[""],
        )
        scores = frame.map_partitions(
            score_partition,
            dask.delayed(model_bytes, pure=True),
            os.path.basename(args.model),
            columns,
            args.id_column,
            probe.metric,
            PATH_COLUMN,
            meta=output_meta(args.id_column, probe.threshold is not None),
        )
        with cluster_client(args) as workers:
            started = time.perf_counter()
            temporary, rows, flagged = write_temporarily(scores, args.output, dask)
            seconds = time.perf_counter() - started
    except ValueError as error:
        # pandas names the bad text but not where it is: find the first such cell here.
        raise ValueError(first_text_cell(files, columns) or str(error)) from None
    replace(temporary, args.output)
    flag_text = "" if flagged is None else f", flagged {flagged} ({100 * flagged / max(rows, 1):.1f}%)"
    print(f"scored {rows} rows from {len(files)} files on {workers} workers in {seconds:.1f}s{flag_text}; wrote {args.output}")
    return 0


@contextlib.contextmanager
def cluster_client(args: argparse.Namespace) -> Iterator[int]:
    """A Dask client (a LocalCluster's, or --scheduler's) whose workers can import the scoring
    modules; yields the number of workers."""
    from dask.distributed import Client, LocalCluster

    if args.scheduler:
        cluster, client = None, Client(args.scheduler)
    else:
        cluster = LocalCluster(
            n_workers=args.workers, threads_per_worker=args.threads_per_worker, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:
        if cluster is not None:
            # A busy machine may still be starting workers; the count printed must be the real one.
            client.wait_for_workers(args.workers, timeout=300)
        for module in (LOADER, os.path.join(HERE, "latent_partitions.py")):
            client.upload_file(module)
        yield len(client.scheduler_info()["workers"])
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def write_temporarily(scores, output: str, dask) -> Tuple[str, int, Optional[int]]:  # type: ignore[no-untyped-def]
    """Write ``scores`` next to ``output`` under a temporary name, counting rows and flags in the
    same pass over the data (one graph, so each block is scored once): (path, rows, flagged)."""
    folder = os.path.dirname(os.path.abspath(output))
    temporary = os.path.join(folder, f".{os.path.basename(output.rstrip(os.sep))}.partial-{os.getpid()}")
    single = output.lower().endswith(".csv")
    target = temporary if single else os.path.join(temporary, "part-*.csv")
    writes = scores.to_csv(target, single_file=single, index=False, compute=False)
    flagged = scores["flag"].sum() if "flag" in scores.columns else None
    try:
        _, rows, flags = dask.compute(writes, scores.shape[0], flagged)
    except BaseException:
        remove(temporary)
        raise
    return temporary, int(rows), None if flags is None else int(flags)


def replace(temporary: str, output: str) -> None:
    if os.path.isdir(output) and not os.path.islink(output):
        shutil.rmtree(output)
    elif os.path.exists(output) and os.path.isdir(temporary):
        os.unlink(output)
    os.replace(temporary, output)


def remove(path: str) -> None:
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.exists(path):
        os.unlink(path)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except (ImportError, OSError, ValueError, KeyError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
