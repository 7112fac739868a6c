"""Grading on a Dask cluster, ``grade --scheduler ADDRESS``: Dask only schedules.

Each notebook is still graded by :func:`.grading.grade_task`, on a worker,
in its own sandboxed kernel with the run's limits; the task carries the
submission's bytes, so the workers need the book's package (the same
version: a worker with another refuses) but no access to the submissions.
The results come back to the grader, which alone writes the journal and the
gradebook. ``local`` starts a ``distributed.LocalCluster`` of ``--jobs``
one-thread worker processes on this machine; any other address is a running
scheduler, ``tcp://host:8786``.

Dask would reschedule a lost worker's tasks itself and give up after three
deaths; the grader sets the scheduler's ``allowed_failures`` to 0 instead, so
that each death reaches :mod:`.schedule`, which blames exactly the notebook
that died alone. This module is the only one that imports ``distributed``
(the optional extra ``lecture_code[cluster]``).
"""
from __future__ import annotations

import re
import time

from .grading import GradingStopped, Task, grade_task

ADDRESS = re.compile(r"(tcp|tls|ws|wss|ucx)://\[?[\w.:-]+\]?:\d+/?")
CONNECT_SECONDS = 30        # to reach the scheduler
WORKER_SECONDS = 120        # for the first worker to join it
WIDTH_SECONDS = 5           # how long the cluster's size is taken as known


def check_address(address: str) -> None:
    """Refuse a ``--scheduler`` that is neither ``local`` nor a scheduler address."""
    if address != "local" and not ADDRESS.fullmatch(address):
        raise ValueError(f"--scheduler must be 'local' or a Dask scheduler's address such as tcp://host:8786, "
                         f"got {address!r}")


def _distributed():
    try:
        import distributed
    except ImportError:
        raise ValueError("--scheduler needs Dask's distributed, the package's extra 'cluster': "
                         "pip install -e '.[cluster]'") from None
    return distributed


def _no_retries():
    """A function to run on the scheduler: fail a task as soon as a worker dies running it (the grader
    reschedules it). Nested, so that it is sent by value and the scheduler needs no lecture_code."""
    def no_retries(dask_scheduler=None) -> None:
        dask_scheduler.allowed_failures = 0
    return no_retries


def _connect(distributed, address: str, jobs: int):
    """The client, and the cluster it started (None for a running scheduler)."""
    if address == "local":
        cluster = distributed.LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=None,
                                           scheduler_kwargs={"allowed_failures": 0})
        return distributed.Client(cluster), cluster
    try:
        client = distributed.Client(address, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError) as error:
        raise ConnectionError(f"--scheduler {address}: no Dask scheduler answered within {CONNECT_SECONDS} s "
                              f"({error})") from None
    try:
        client.run_on_scheduler(_no_retries())
        client.wait_for_workers(1, timeout=WORKER_SECONDS)
    except (OSError, TimeoutError) as error:
        client.close()
        raise ConnectionError(f"--scheduler {address}: no worker joined the scheduler within "
                              f"{WORKER_SECONDS} s ({error})") from None
    return client, None


class DaskPool:
    """The workers of a Dask cluster, through ``Client.get_executor()``; the interface of ``schedule.LocalPool``."""

    def __init__(self, address: str, jobs: int, stream):
        distributed = _distributed()
        self.killed = distributed.KilledWorker
        self.client, self.cluster = _connect(distributed, address, jobs)
        self.executor = self.client.get_executor(pure=False)   # a notebook graded again is a new task
        self.jobs, self._width, self._known = jobs, 1, 0.0

    def width(self) -> int:
        """Twice the cluster's threads (it may grow or shrink), at least ``--jobs``: the notebooks in flight."""
        if time.monotonic() - self._known > WIDTH_SECONDS:
            try:
                threads = sum(self.client.nthreads().values())
            except (OSError, TimeoutError) as error:
                raise GradingStopped(f"lost the Dask scheduler ({error})") from None
            self._width, self._known = max(self.jobs, 2 * threads, 1), time.monotonic()
        return self._width

    def submit(self, task: Task, index: int):
        """Start grading ``task`` on a worker; a concurrent.futures Future of its rows."""
        return self.executor.submit(grade_task, task)

    def lost(self, error: BaseException, index: int) -> bool | None:
        """None if ``error`` is not a lost worker; else True: the task was running on the worker that died."""
        return True if isinstance(error, self.killed) else None

    @staticmethod
    def describe(error: BaseException) -> str:
        worker = getattr(getattr(error, "last_worker", None), "address", "a worker")
        return f"the Dask worker {worker} died"

    def close(self) -> None:
        self.executor.shutdown(wait=False)
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    kill = close
