"""Where a grading run's notebooks are executed, and what happens when a worker dies.

A pool hands notebooks to worker processes: :class:`LocalPool`, ``--jobs N``
processes of this machine, or ``cluster.DaskPool``, the workers of a Dask
cluster (``--scheduler``). Either way each worker runs
:func:`.grading.grade_task`, which starts the notebook's own sandboxed kernel.

:func:`run` keeps a bounded number of notebooks in flight, each task carrying
its submission's bytes (read just before it is submitted), and hands every
result to a callback the moment it is back. When a worker process dies, the
notebooks it was running are suspects: they are graded again later, each on
its own with nothing else running, so that a second death is that notebook's
doing; a notebook that kills its worker twice gets rows saying so
(:func:`.grading.lost_rows`). The notebooks waiting behind them are simply
submitted again.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import signal
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable

from .grading import PACKAGE_HINT, GradingStopped, Row, Task, grade_task, loaded, lost_rows

MAX_LOSSES = 2              # a notebook whose worker died this often (the last time alone) is not tried again
MAX_FRUITLESS_RESTARTS = 3  # pools in a row that died before a single notebook was done or suspected


def _grade_marked(task: Task, marker: Path) -> list[Row]:
    """:func:`.grading.grade_task` in a worker process, with ``marker`` present while it runs."""
    marker.touch()
    rows = grade_task(task)
    marker.unlink(missing_ok=True)
    return rows


class LocalPool:
    """``jobs`` worker processes on this machine (spawned; Ctrl-C is left to the grader, which kills them).

    A process that dies breaks the whole ``ProcessPoolExecutor``: every
    notebook not done fails at once, and the pool is started again on the
    next submission. A marker file per notebook, present while a worker runs
    it, tells the notebooks that were running from those still waiting.
    """

    def __init__(self, jobs: int, scratch: Path):
        self.jobs, self.markers = jobs, Path(scratch) / "running"
        self.markers.mkdir(parents=True, exist_ok=True)
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN))

    def width(self) -> int:
        """How many notebooks to keep in flight."""
        return self.jobs

    def submit(self, task: Task, index: int):
        """Start grading ``task``; a concurrent.futures Future of its rows."""
        marker = self.markers / str(index)
        try:
            return self.executor.submit(_grade_marked, task, marker)
        except BrokenProcessPool:   # a worker died: every process of the old pool is gone
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = self._start()
            return self.executor.submit(_grade_marked, task, marker)

    def lost(self, error: BaseException, index: int) -> bool | None:
        """None if ``error`` is not a lost worker; else whether the notebook was running when it was lost."""
        if not isinstance(error, BrokenProcessPool):
            return None
        marker = self.markers / str(index)
        running = marker.exists()
        marker.unlink(missing_ok=True)
        return running

    @staticmethod
    def describe(error: BaseException) -> str:
        return "its worker process ended abruptly: killed, or it exited"

    def close(self) -> None:
        self.executor.shutdown(wait=True)

    def kill(self) -> None:
        """Stop at once (Ctrl-C): kill the workers, and with each its kernel."""
        for worker in list((getattr(self.executor, "_processes", None) or {}).values()):
            worker.kill()
        self.executor.shutdown(wait=False, cancel_futures=True)


@contextlib.contextmanager
def open_pool(scheduler: str | None, jobs: int, scratch: Path, stream):
    """A :class:`LocalPool`, or a ``cluster.DaskPool`` for ``--scheduler``; closed (or killed on Ctrl-C) after."""
    if scheduler is None:
        pool = LocalPool(jobs, scratch)
    else:
        from .cluster import DaskPool
        pool = DaskPool(scheduler, jobs, stream)
    try:
        yield pool
    except BaseException:
        pool.kill()
        raise
    pool.close()


Done = Callable[[int, Task, list[Row]], None]


class _Run:
    """The state of :func:`run`: what waits, what is suspected, how often each notebook's worker died."""

    def __init__(self, tasks: dict[int, Task], pool, done: Done):
        self.tasks, self.pool, self.done = tasks, pool, done
        self.waiting, self.suspects = deque(tasks), deque()
        self.losses: dict[int, int] = {}
        self.fruitless = 0

    def wave(self, queue: deque, width: int) -> None:
        """Grade ``queue`` with at most ``width`` notebooks in flight, until it is empty and nothing runs."""
        running = {}
        while queue or running:
            while queue and len(running) < width:
                index = queue.popleft()
                task = loaded(self.tasks[index])
                running[self.pool.submit(task, index)] = (index, task)
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                index, task = running.pop(future)
                self.settle(future, index, task, queue, alone=width == 1 and queue is not self.waiting)

    def settle(self, future, index: int, task: Task, queue: deque, alone: bool) -> None:
        """Deal with one finished future: report its rows, or reschedule the notebook of a lost worker."""
        error = future.exception()
        if error is None:
            self.fruitless = 0
            self.done(index, task, future.result())
            return
        if isinstance(error, GradingStopped):
            raise error
        running = self.pool.lost(error, index)
        if running is None:
            hint = f"; {PACKAGE_HINT}" if isinstance(error, ImportError) else ""
            raise GradingStopped(f"grading {task.label} failed on a worker ({type(error).__name__}: {error})"
                                 + hint) from error
        if not (running or alone):   # it had not started: submit it again
            queue.appendleft(index)
            self.fruitless += 1
            if self.fruitless > MAX_FRUITLESS_RESTARTS * self.pool.width():
                raise GradingStopped(f"the worker processes keep dying before they grade anything "
                                     f"(last: {self.pool.describe(error)})") from error
            return
        self.fruitless = 0
        self.losses[index] = self.losses.get(index, 0) + 1
        if self.losses[index] >= MAX_LOSSES:
            self.done(index, task, lost_rows(task, self.pool.describe(error)))
        else:
            self.suspects.append(index)

    def __call__(self) -> None:
        while self.waiting or self.suspects:
            if self.waiting:
                self.wave(self.waiting, self.pool.width())
            else:
                self.wave(deque([self.suspects.popleft()]), 1)


def run(tasks: dict[int, Task], pool, done: Done) -> None:
    """Grade ``tasks`` (by index) in ``pool``, calling ``done(index, task, rows)`` as each notebook is back.

    Raises :class:`.grading.GradingStopped` when a worker fails other than by
    dying (a missing package, another version of it).
    """
    _Run(tasks, pool, done)()
