"""Many independent gravity fits: serially, on a local process pool, or on a Dask cluster.

The input is one long frame with a key column (e.g. ``sector``): every key's rows
form one estimation sample, fitted with :func:`tradegap.estimate.fepois` and the
same formula.  The fits share nothing, so they run anywhere:

``scheduler="serial"``
    One after another in this process (numba threads: ``threads``; by default all cores
    for a fit of 100,000 rows or more, one below).
``scheduler="processes"``
    A local pool of ``workers`` spawned processes, one fit each at a time.
``scheduler="dask"``
    A ``dask.distributed`` ``LocalCluster`` with ``workers`` single-threaded
    worker processes, started for the batch and closed after it.
``scheduler="tcp://HOST:PORT"``
    An existing ``dask.distributed`` scheduler, e.g. one started with::

        dask scheduler --port 8786                      # on the head node
        dask worker tcp://HEAD:8786 --nthreads 1        # on each worker node

    (the workers need tradegap installed).

Columns that are the same for every key (the pairs and covariates of sector grids) go to
each worker once; a task carries only its key's own columns (the outcome).  The local
cluster starts while the data is split; its workers run numba and BLAS on one thread each.
Parallel runs pay for starting and importing in each worker (about 2 CPU seconds each) and
gain only where cores are idle: on a machine whose other sessions keep the cores busy, Linux
shares the CPU between sessions (autogroups), so two workers get no more CPU than one.

A fit that raises is reported in :attr:`BatchResult.failed` with its error, never
fatal to the batch.  The estimates do not depend on the scheduler: each fit runs
the same code on the same rows (the parallel kernels give identical results on
any number of threads).
"""

from __future__ import annotations

import math
import multiprocessing
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np
import pandas as pd

from tradegap.errors import InputError
from tradegap.progress import Progress, report

__all__ = ["BatchResult", "FitSummary", "TextProgress", "fit_batch", "LOCAL_SCHEDULERS"]

#: Schedulers that need no address; anything else must be ``tcp://HOST:PORT``.
LOCAL_SCHEDULERS: tuple[str, ...] = ("serial", "processes", "dask")


@dataclass(frozen=True)
class FitSummary:
    """One key's fit.

    Attributes
    ----------
    key
        The value of the key column (e.g. ``"ch88"``).
    coef, se
        Estimates and standard errors by regressor name (collinear ones absent).
    nobs
        Observations used.
    iterations
        IRLS iterations.
    seconds
        Wall time of the fit in its worker.
    fitted
        ``(n,)`` fitted values aligned with the key's rows in input order (NaN
        where a row was dropped); only with ``keep_fitted=True``.
    notes
        Warnings the fit raised (dropped observations, collinear terms), as text.
    """

    key: str
    coef: dict[str, float]
    se: dict[str, float]
    nobs: int
    iterations: int
    seconds: float
    fitted: np.ndarray | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchResult:
    """All fits of a batch.

    Attributes
    ----------
    fits
        ``{key: FitSummary}`` of the fits that succeeded, keys sorted.
    failed
        ``{key: "ErrorType: message"}`` of the fits that raised.
    scheduler
        Where it ran (``"serial"``, ``"processes"``, ``"dask"`` or the address).
    workers
        Parallel workers used (1 for serial).
    seconds
        Wall time of the whole batch, start-up of the pool or cluster included.
    """

    fits: dict[str, FitSummary]
    failed: dict[str, str]
    scheduler: str
    workers: int
    seconds: float

    def coefficients(self) -> pd.DataFrame:
        """Long frame ``key, term, estimate, std_error, nobs`` of the successful fits."""
        rows = [
            (k, t, f.coef[t], f.se.get(t, np.nan), f.nobs) for k, f in self.fits.items() for t in f.coef
        ]
        return pd.DataFrame(rows, columns=["key", "term", "estimate", "std_error", "nobs"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary (no fitted values)."""
        return {
            "scheduler": self.scheduler,
            "workers": self.workers,
            "seconds": self.seconds,
            "fits": {k: {"coef": f.coef, "se": f.se, "nobs": f.nobs, "iterations": f.iterations,
                         "seconds": f.seconds, "notes": list(f.notes)} for k, f in self.fits.items()},
            "failed": dict(self.failed),
        }


class TextProgress:
    """A one-line progress bar with rate and ETA, written to ``stream`` (default stderr).

    Use as the ``progress`` callback of :func:`fit_batch` (a :data:`tradegap.progress.Progress`:
    ``progress(stage, done, total)``); ``label`` names the units (default: the stage).
    """

    def __init__(self, label: str | None = None, stream: TextIO | None = None, width: int = 24) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.t0 = time.perf_counter()

    def __call__(self, stage: str, done: int, total: int) -> None:
        el = time.perf_counter() - self.t0
        frac = done / total if total else 1.0
        eta = el / done * (total - done) if done else math.nan
        bar = "#" * int(round(frac * self.width))
        eta_s = "--:--" if math.isnan(eta) else f"{int(eta) // 60:d}:{int(eta) % 60:02d}"
        self.stream.write(
            f"\r[{bar:<{self.width}}] {done}/{total} {self.label or stage}  {el:5.1f}s  ETA {eta_s}"
            + ("\n" if done >= total else "")
        )
        self.stream.flush()


def _fit_task(key: str, frame: pd.DataFrame, formula: str, options: dict[str, Any], threads: int | None,
              keep_fitted: bool) -> tuple[str, FitSummary | None, str | None]:
    """Fit one key's rows (pure: frame in, summary out; runs in any worker).  Never raises."""
    from tradegap.estimate import fepois
    from tradegap.fitnotes import collect_warnings

    t0 = time.perf_counter()
    notes: list[str] = []
    try:
        with collect_warnings(notes):  # dropped rows / collinearity: kept as notes on the summary
            res = fepois(formula, frame, threads=threads, **options)
    except Exception as exc:  # a failed fit is reported, not fatal  # noqa: BLE001
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return key, None, f"{type(exc).__name__}: {msg}"
    summary = FitSummary(
        key=key,
        coef={k: float(v) for k, v in res.coef.items()},
        se={k: float(v) for k, v in res.se.items()},
        nobs=int(res.nobs),
        iterations=int(res.iterations),
        seconds=time.perf_counter() - t0,
        fitted=np.asarray(res.fitted, dtype=float) if keep_fitted else None,
        notes=tuple(notes),
    )
    return key, summary, None


def check_scheduler(scheduler: object, where: str = "fit_batch") -> str:
    """``scheduler`` after checking it is a local scheduler name or a ``tcp://HOST:PORT`` address."""
    if isinstance(scheduler, str) and (scheduler in LOCAL_SCHEDULERS or scheduler.startswith("tcp://")):
        if scheduler.startswith("tcp://"):
            host, _, port = scheduler[len("tcp://"):].rpartition(":")
            if not host or not port.isdigit():
                raise InputError(
                    f"The scheduler address {scheduler!r} is not of the form tcp://HOST:PORT.",
                    hint="Give the address `dask scheduler` printed, e.g. tcp://10.0.0.5:8786.",
                )
        return scheduler
    raise InputError(
        f"The 'scheduler' parameter of {where} must be one of {list(LOCAL_SCHEDULERS)} or 'tcp://HOST:PORT'. "
        f"Got {scheduler!r} instead."
    )


def _check_options(options: dict[str, Any]) -> None:
    import inspect

    from tradegap.estimate import fepois

    allowed = [p for p in inspect.signature(fepois).parameters if p not in ("formula", "data", "threads")]
    bad = [k for k in options if k not in allowed]
    if bad:
        raise InputError(
            f"fit_batch got unknown fepois option(s) {bad}; allowed: {allowed}.",
            hint="Pass 'threads' to fit_batch itself; every other keyword goes to fepois.",
        )


def _split(data: pd.DataFrame, by: str) -> list[tuple[str, pd.DataFrame]]:
    """One frame per key (keys sorted as strings), rows in input order."""
    keys = data[by].astype(str)
    return [(str(k), g.reset_index(drop=True)) for k, g in data.groupby(keys, sort=True)]


@dataclass(frozen=True)
class _Parts:
    """Every key's frame as the columns all keys share plus the key's own columns.

    Sector grids repeat the same pairs and covariates for every sector: only the outcome (and the
    key) differ.  Workers get ``shared`` once and each task only its ``own`` columns, instead of
    the whole frame per task.  :func:`_join` rebuilds a key's frame exactly (same values, bits,
    dtypes and column order) as :func:`_split` gives it.
    """

    columns: tuple[str, ...]
    shared: pd.DataFrame | None
    own: list[tuple[str, pd.DataFrame]]


def _same_blocks(col: pd.Series, bounds: np.ndarray) -> bool:
    """Whether every block ``bounds[i]:bounds[i+1]`` of ``col`` holds the values of the first block.

    A numpy column is compared by its bytes (so -0.0 differs from 0.0: the rebuilt frames are
    bit-identical); any other column with :meth:`pandas.Series.equals` (NaN equals NaN)."""
    n = int(bounds[1])
    if isinstance(col.dtype, np.dtype) and col.dtype.kind in "biufcmM":
        a = np.ascontiguousarray(col.to_numpy())
        v = a.view(np.uint8).reshape(len(a), -1)
        return all(np.array_equal(v[int(b):int(b) + n], v[:n]) for b in bounds[1:-1])
    first = col.iloc[:n].reset_index(drop=True)
    return all(col.iloc[int(b):int(b) + n].reset_index(drop=True).equals(first) for b in bounds[1:-1])


def _parts(data: pd.DataFrame, by: str) -> _Parts:
    """Split ``data`` by ``by`` (keys and rows as :func:`_split`) into shared and own columns."""
    codes, uniques = pd.factorize(data[by].astype(str), sort=True)
    if len(codes) > 1 and not bool(np.all(codes[1:] >= codes[:-1])):  # rows not yet grouped by key
        data = data.take(np.argsort(codes, kind="stable"))
    data = data.reset_index(drop=True)
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(uniques)))])
    sizes = np.diff(bounds)
    names = [str(c) for c in data.columns]
    shared_cols: list[str] = []
    if len(uniques) > 1 and bool(np.all(sizes == sizes[0])) and len(set(names)) == len(names):
        shared_cols = [c for c in names if c != by and _same_blocks(data[c], bounds)]
    own_cols = [c for c in names if c not in shared_cols]
    shared = data[shared_cols].iloc[: int(sizes[0])].copy() if shared_cols else None
    own = data[own_cols]
    return _Parts(tuple(names), shared, [(str(k), own.iloc[int(bounds[i]):int(bounds[i + 1])].reset_index(drop=True))
                                         for i, k in enumerate(uniques)])


def _join(shared: pd.DataFrame | None, own: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """A key's frame from the shared and its own columns, in the input's column order."""
    if shared is None:
        return own
    return pd.concat([shared, own], axis=1)[list(columns)]


def _fit_part(key: str, own: pd.DataFrame, shared: pd.DataFrame | None, columns: tuple[str, ...],
              formula: str, options: dict[str, Any], threads: int | None,
              keep_fitted: bool) -> tuple[str, FitSummary | None, str | None]:
    """:func:`_fit_task` on the frame rebuilt from shared and own columns (runs in a Dask worker)."""
    return _fit_task(key, _join(shared, own, columns), formula, options, threads, keep_fitted)


#: The shared columns of the batch, set once per pool process by :func:`_pool_init`.
_POOL_SHARED: pd.DataFrame | None = None


def _pool_init(shared: pd.DataFrame | None, blas_threads: int) -> None:
    """Initialiser of a local pool process: keep the shared columns, pin BLAS threads."""
    from threadpoolctl import threadpool_limits

    global _POOL_SHARED
    _POOL_SHARED = shared
    threadpool_limits(limits=blas_threads)  # this process only; it lives for the batch


def _fit_pooled(key: str, own: pd.DataFrame, columns: tuple[str, ...], formula: str, options: dict[str, Any],
                threads: int | None, keep_fitted: bool) -> tuple[str, FitSummary | None, str | None]:
    """:func:`_fit_part` with the pool process's shared columns."""
    return _fit_part(key, own, _POOL_SHARED, columns, formula, options, threads, keep_fitted)


def fit_batch(
    data: pd.DataFrame,
    formula: str,
    *,
    by: str = "sector",
    scheduler: str = "serial",
    workers: int | None = None,
    threads: int | None = None,
    keep_fitted: bool = False,
    progress: Progress | None = None,
    **options: Any,
) -> BatchResult:
    """Fit ``formula`` with PPML-HDFE separately on every key of a long frame.

    Parameters
    ----------
    data
        Long frame with the key column ``by`` and every column the formula names.
    formula
        fixest-style formula for :func:`tradegap.estimate.fepois`, e.g.
        ``"value ~ ln_dist + contig | exporter + importer"``.
    by
        The key column (one fit per distinct value).
    scheduler
        ``"serial"`` (default), ``"processes"``, ``"dask"`` (a local cluster) or
        ``"tcp://HOST:PORT"`` (an existing Dask scheduler); see the module docstring.
    workers
        Parallel workers for ``"processes"`` and ``"dask"`` (default: the number of
        CPU cores); ignored by a remote scheduler, which has its own.
    threads
        numba threads of each fit (default: all cores when serial, 1 in workers).
    keep_fitted
        Keep each fit's fitted values (memory: one float per row).
    progress
        A :data:`tradegap.progress.Progress` callback, ``progress("fits", done, total)`` after
        each fit (e.g. :class:`TextProgress`).
    **options
        Passed to :func:`~tradegap.estimate.fepois` (``vcov``, ``separation``, …).

    Returns
    -------
    BatchResult
    """
    import os

    sched = check_scheduler(scheduler)
    if not isinstance(data, pd.DataFrame):
        raise InputError(f"The 'data' parameter of fit_batch must be a pandas DataFrame. Got {type(data).__name__}.")
    if by not in data.columns:
        raise InputError(
            f"The key column {by!r} is not in the data; it has {list(data.columns)}.",
            hint="Pass by=<the column that names each fit's rows>.",
        )
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise InputError(f"The 'workers' parameter of fit_batch must be a positive integer. Got {workers!r} instead.")
    _check_options(options)
    from tradegap.estimate.threads import check_threads

    check_threads(threads, "fit_batch")
    n_workers = 1 if sched == "serial" else (workers or os.cpu_count() or 1)
    worker_threads = threads if (threads is not None or sched == "serial") else 1
    total = int(data[by].astype(str).nunique())
    t0 = time.perf_counter()
    fits: dict[str, FitSummary] = {}
    failed: dict[str, str] = {}
    done = 0
    for key, summary, err in _run(sched, data, by, formula, options, worker_threads, keep_fitted, n_workers):
        if summary is not None:
            fits[key] = summary
        else:
            failed[key] = err or "unknown error"
        done += 1
        report(progress, "fits", done, total)
    return BatchResult(
        fits=dict(sorted(fits.items())),
        failed=dict(sorted(failed.items())),
        scheduler=sched,
        workers=n_workers,
        seconds=time.perf_counter() - t0,
    )


def _run(sched, data, by, formula, options, threads, keep_fitted, n_workers) -> Iterator[tuple]:
    """Yield ``(key, summary | None, error | None)`` as fits complete."""
    if sched == "serial":
        for key, frame in _split(data, by):
            yield _fit_task(key, frame, formula, options, threads, keep_fitted)
        return
    if sched == "processes":
        yield from _run_pool(_parts(data, by), formula, options, threads, keep_fitted, n_workers)
        return
    yield from _run_dask(sched, data, by, formula, options, threads, keep_fitted, n_workers)


def _run_pool(parts: _Parts, formula, options, threads, keep_fitted, n_workers) -> Iterator[tuple]:
    ctx = multiprocessing.get_context("spawn")  # fork is unsafe once numba's OpenMP threads exist
    with ProcessPoolExecutor(n_workers, mp_context=ctx, initializer=_pool_init, initargs=(parts.shared, 1)) as pool:
        futs = {pool.submit(_fit_pooled, k, own, parts.columns, formula, options, threads, keep_fitted): k
                for k, own in parts.own}
        for fut in as_completed(futs):
            try:
                yield fut.result()
            except Exception as exc:  # the worker itself died  # noqa: BLE001
                yield futs[fut], None, f"{type(exc).__name__}: {exc}"


#: Environment of the local Dask cluster's worker processes, set before they start (numba and
#: BLAS read theirs at import).  Dask's default ``MALLOC_TRIM_THRESHOLD_=65536`` is left out: it
#: turns off glibc's adaptive mmap threshold, so every fit's temporary arrays are mapped and
#: page-faulted afresh (measured: 7x the system time, fits 1.4x slower).
def _worker_environ(threads: int) -> dict[str, str | None]:
    return {"MALLOC_TRIM_THRESHOLD_": None, "NUMBA_NUM_THREADS": str(threads), "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


#: Dask settings of the local cluster: no statistical profiler in the workers, and the event-loop
#: tick, memory and system monitors at 1-5 s instead of 20-500 ms (idle CPU of the scheduler and
#: two workers: 9% of a core by default, 1% so; a batch lasts seconds to minutes).
_QUIET: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
}


def _local_cluster(n_workers: int, threads: int):
    """A ``LocalCluster`` of ``n_workers`` single-threaded worker processes, this process's
    environment left as it was (the nannies write the workers' variables into it)."""
    import os

    import dask
    from distributed import LocalCluster

    env = _worker_environ(threads)
    before = {k: os.environ.get(k) for k in env}
    try:
        with dask.config.set({"distributed.nanny.pre-spawn-environ": env, **_QUIET}):
            return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                dashboard_address=None, silence_logs=40)
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _run_dask(sched, data, by, formula, options, threads, keep_fitted, n_workers) -> Iterator[tuple]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError as exc:  # pragma: no cover - a dependency of tradegap
        raise InputError(
            "The Dask schedulers need dask.distributed.", hint="pip install 'dask[distributed]'"
        ) from exc
    from concurrent.futures import ThreadPoolExecutor

    cluster = None
    if sched == "dask":
        # the workers start (spawn, imports) while this process splits the data
        with ThreadPoolExecutor(1) as starter:
            starting = starter.submit(_local_cluster, n_workers, threads or 1)
            parts = _parts(data, by)
            cluster = starting.result()
        client = Client(cluster)
    else:
        parts = _parts(data, by)
        try:
            client = Client(sched, timeout=5)
        except OSError as exc:
            raise InputError(
                f"Could not reach the Dask scheduler at {sched} ({exc}).",
                hint="Start one with `dask scheduler --port PORT` and workers with `dask worker ADDRESS`.",
            ) from exc
    try:
        shared = None if parts.shared is None else client.scatter(parts.shared, broadcast=True, hash=False)
        futs = {client.submit(_fit_part, k, own, shared, parts.columns, formula, options, threads, keep_fitted,
                              pure=False, key=f"fit-{k}-{uuid.uuid4().hex}"): k for k, own in parts.own}
        for fut in dask_completed(list(futs)):
            try:
                yield fut.result()
            except Exception as exc:  # the worker died or the task could not run  # noqa: BLE001
                yield futs[fut], None, f"{type(exc).__name__}: {exc}"
    finally:
        client.close()  # the client first, then its cluster: no comms left to break
        if cluster is not None:
            cluster.close()
