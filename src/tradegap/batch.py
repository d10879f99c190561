"""Many independent gravity fits: serially, on a local process pool, or on a Dask cluster.

The input is one long frame with a key column (e.g. ``sector``): every key's rows
form one estimation sample, fitted with :func:`tradegap.estimate.fepois` and the
same formula.  The fits share nothing, so they run anywhere:

``scheduler="serial"``
    One after another in this process (numba threads: all cores, or ``threads``).
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
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np
import pandas as pd

from tradegap.errors import InputError

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

    Use as the ``progress`` callback of :func:`fit_batch`: ``progress(done, total)``.
    """

    def __init__(self, label: str = "fits", stream: TextIO | None = None, width: int = 24) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.t0 = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        el = time.perf_counter() - self.t0
        frac = done / total if total else 1.0
        eta = el / done * (total - done) if done else math.nan
        bar = "#" * int(round(frac * self.width))
        eta_s = "--:--" if math.isnan(eta) else f"{int(eta) // 60:d}:{int(eta) % 60:02d}"
        self.stream.write(
            f"\r[{bar:<{self.width}}] {done}/{total} {self.label}  {el:5.1f}s  ETA {eta_s}"
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


def check_scheduler(scheduler: object) -> str:
    """Validate a scheduler name or ``tcp://HOST:PORT`` address (raises :class:`InputError`)."""
    return _check_scheduler(scheduler)


def _check_scheduler(scheduler: object) -> str:
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
        f"The 'scheduler' parameter of fit_batch must be one of {list(LOCAL_SCHEDULERS)} or 'tcp://HOST:PORT'. "
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


def fit_batch(
    data: pd.DataFrame,
    formula: str,
    *,
    by: str = "sector",
    scheduler: str = "serial",
    workers: int | None = None,
    threads: int | None = None,
    keep_fitted: bool = False,
    progress: Callable[[int, int], None] | None = None,
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
        Callback ``progress(done, total)`` after each fit (e.g. :class:`TextProgress`).
    **options
        Passed to :func:`~tradegap.estimate.fepois` (``vcov``, ``separation``, …).

    Returns
    -------
    BatchResult
    """
    import os

    sched = _check_scheduler(scheduler)
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
    tasks = _split(data, by)
    total = len(tasks)
    t0 = time.perf_counter()
    fits: dict[str, FitSummary] = {}
    failed: dict[str, str] = {}
    done = 0
    for key, summary, err in _run(sched, tasks, formula, options, worker_threads, keep_fitted, n_workers):
        if summary is not None:
            fits[key] = summary
        else:
            failed[key] = err or "unknown error"
        done += 1
        if progress is not None:
            progress(done, total)
    return BatchResult(
        fits=dict(sorted(fits.items())),
        failed=dict(sorted(failed.items())),
        scheduler=sched,
        workers=n_workers,
        seconds=time.perf_counter() - t0,
    )


def _run(sched, tasks, formula, options, threads, keep_fitted, n_workers) -> Iterator[tuple]:
    """Yield ``(key, summary | None, error | None)`` as fits complete."""
    if sched == "serial":
        for key, frame in tasks:
            yield _fit_task(key, frame, formula, options, threads, keep_fitted)
        return
    if sched == "processes":
        ctx = multiprocessing.get_context("spawn")  # fork is unsafe once numba's OpenMP threads exist
        with ProcessPoolExecutor(n_workers, mp_context=ctx) as pool:
            futs = {pool.submit(_fit_task, k, f, formula, options, threads, keep_fitted): k for k, f in tasks}
            for fut in as_completed(futs):
                try:
                    yield fut.result()
                except Exception as exc:  # the worker itself died  # noqa: BLE001
                    yield futs[fut], None, f"{type(exc).__name__}: {exc}"
        return
    yield from _run_dask(sched, tasks, formula, options, threads, keep_fitted, n_workers)


def _run_dask(sched, tasks, formula, options, threads, keep_fitted, n_workers) -> Iterator[tuple]:
    try:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError as exc:  # pragma: no cover - a dependency of tradegap
        raise InputError(
            "The Dask schedulers need dask.distributed.", hint="pip install 'dask[distributed]'"
        ) from exc
    cluster = None
    try:
        if sched == "dask":
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
            client = Client(cluster)
        else:
            try:
                client = Client(sched, timeout=5)
            except OSError as exc:
                raise InputError(
                    f"Could not reach the Dask scheduler at {sched} ({exc}).",
                    hint="Start one with `dask scheduler --port PORT` and workers with `dask worker ADDRESS`.",
                ) from exc
        with client:
            futs = []
            for key, frame in tasks:
                fut = client.submit(_fit_task, key, frame, formula, options, threads, keep_fitted, pure=False,
                                    key=f"fit-{key}-{id(frame)}")
                futs.append(fut)
            keys = {f.key: k for f, (k, _) in zip(futs, tasks)}
            for fut in dask_completed(futs):
                try:
                    yield fut.result()
                except Exception as exc:  # the worker died or the task could not run  # noqa: BLE001
                    yield keys[fut.key], None, f"{type(exc).__name__}: {exc}"
    finally:
        if cluster is not None:
            cluster.close()
