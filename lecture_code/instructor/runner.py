"""Execute one submitted notebook in a sandboxed kernel and read back its check results.

The stored outputs are thrown away and every code cell runs again, in order,
with errors allowed (a failing exercise does not stop the ones after it). A
cell that outlives the time limit is interrupted and execution goes on; if the
kernel dies, or ignores the interrupt, it is restarted and the notebook re-run
without the cell responsible. Finally a grading cell, appended by the grader,
prints ``lecture_code.exercises.RESULTS`` (what each ``check`` call found) as
JSON behind a random nonce; printed ``PASS`` lines are never trusted.
"""
from __future__ import annotations

import asyncio
import json
import multiprocessing
import secrets
import shutil
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from time import monotonic

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from . import sandbox

GRADER_MARK = "LECTURE_CODE_GRADER"
MAX_OUTPUT_CHARS = 200_000   # per cell; the rest of a flood of output is dropped
MAX_ATTEMPTS = 3             # kernel starts per notebook (each restart skips the cell that killed it)

GRADER_CELL = '''\
import json as _grader_json, sys as _grader_sys
try:
    try:
        import resource as _grader_resource
        _grader_limit = list(_grader_resource.getrlimit(_grader_resource.RLIMIT_AS))
    except ImportError:
        _grader_limit = None
    _grader_module = _grader_sys.modules.get("lecture_code.exercises")
    _grader_results = dict(getattr(_grader_module, "RESULTS", None) or {})
    _grader_report = {"rlimit_as": _grader_limit, "results": {
        str(k): [v[0] is True, None if v[1] is None else str(v[1]),
                 int(v[2]) if len(v) > 2 and isinstance(v[2], int) else None]
        for k, v in _grader_results.items()}}
except Exception as _grader_error:
    _grader_report = {"error": repr(_grader_error)}
print(__MARK__ + " " + _grader_json.dumps(_grader_report))
'''


@dataclass
class Limits:
    """Seconds per cell, seconds per notebook (all attempts) and MiB of address space per kernel."""

    cell_timeout: int = 60
    notebook_timeout: int = 900
    memory_mb: int = 4096


@dataclass
class Run:
    """What executing a notebook produced."""

    results: dict[str, tuple[bool, str | None, int | None]] | None = None   # (passed, hint, points earned);
    #                                                   None: the grading cell did not report
    problem: str = ""                      # why results is None
    errors: dict[int, tuple[str, str]] = field(default_factory=dict)   # cell index -> (name, message)
    not_run: dict[int, str] = field(default_factory=dict)              # cell index -> why not
    printed: str = ""                      # everything the submission's cells printed
    memory_limit: int | None = None        # RLIMIT_AS as the kernel saw it (bytes; -1 unlimited)


class _Client(NotebookClient):
    """nbclient with a cap on each cell's output and a flag raised when a cell times out."""

    def output(self, outs, msg, display_id, cell_index):
        size = self.sizes.get(cell_index, 0) + len(str(msg.get("content", "")))
        self.sizes[cell_index] = size
        if size <= MAX_OUTPUT_CHARS:
            return super().output(outs, msg, display_id, cell_index)
        if size - len(str(msg.get("content", ""))) <= MAX_OUTPUT_CHARS:
            outs.append(nbformat.v4.new_output("stream", name="stderr", text="[output cut by the grader]\n"))
        return None

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timed_out = True
        return await super()._async_handle_timeout(timeout, cell)


async def _responsive(client, seconds: float = 10.0) -> bool:
    """Whether the kernel answers a ``kernel_info`` request within ``seconds``."""
    msg_id = client.kc.kernel_info()
    deadline = monotonic() + seconds
    while monotonic() < deadline:
        try:
            reply = await client.kc.shell_channel.get_msg(timeout=max(0.1, deadline - monotonic()))
        except Empty:
            return False
        if reply["parent_header"].get("msg_id") == msg_id:
            return True
    return False


def _on_ctrl_c(task) -> list:
    """Make Ctrl-C stop the grader, not just the kernel as nbclient's handler does; return a flag list.

    In a worker process of ``grade --jobs N`` Ctrl-C is ignored instead: the
    grader process then kills its workers, and each kernel exits with its worker.
    """
    stopped = []
    try:
        loop = asyncio.get_running_loop()
        if multiprocessing.parent_process() is None:
            loop.add_signal_handler(signal.SIGINT, lambda: stopped.append(task.cancel()))
        else:
            loop.remove_signal_handler(signal.SIGINT)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (RuntimeError, NotImplementedError, ValueError):   # not the main thread, or no signals
        pass
    return stopped


def _error_of(cell) -> tuple[str, str] | None:
    for out in cell.get("outputs", []):
        if out.output_type == "error":
            return out.get("ename", "Error"), out.get("evalue", "")
    return None


async def _attempt(nb, run: Run, skip: dict, limits: Limits, deadline: float, scratch: Path,
                   check_seed: int | None = None) -> bool:
    """Run every cell once in a fresh kernel; return True if the kernel has to be restarted."""
    workdir = Path(tempfile.mkdtemp(prefix="submission-", dir=scratch))
    km = sandbox.kernel_manager(limits.memory_mb)
    client = _Client(nb, km=km, timeout=limits.cell_timeout, allow_errors=True,
                     interrupt_on_timeout=True, store_widget_state=False, record_timing=False,
                     error_on_timeout={"ename": "Timeout", "evalue": "", "traceback": []})
    client.sizes = {}
    try:
        async with client.async_setup_kernel(**sandbox.launch_options(workdir, scratch, check_seed)):
            stopped = _on_ctrl_c(asyncio.current_task())
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                if index in skip:
                    run.errors[index] = skip[index]
                    continue
                last = index == len(nb.cells) - 1
                if not last and monotonic() > deadline:
                    run.not_run[index] = f"the notebook's time limit ({limits.notebook_timeout} s) ran out first"
                    continue
                client.timed_out = False
                try:
                    await client.async_execute_cell(cell, index, execution_count=index + 1)
                except DeadKernelError:
                    if stopped:   # nbclient reports a cancelled cell as a dead kernel
                        raise KeyboardInterrupt from None
                    skip[index] = ("KernelDied", f"the kernel died running it ({sandbox.exit_status(km)})")
                    run.errors[index] = skip[index]
                    return not last
                if client.timed_out:   # a rerun skips it: it would only time out again
                    skip[index] = run.errors[index] = (
                        "Timeout", f"it was still running after the time limit of {limits.cell_timeout} s")
                    if not await _responsive(client, min(10, limits.cell_timeout + 2)):
                        return not last
                elif _error_of(cell):
                    run.errors[index] = _error_of(cell)
        return False
    finally:
        await sandbox.stop(km)
        shutil.rmtree(workdir, ignore_errors=True)


def _read_report(cell, mark: str, run: Run) -> None:
    text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")
    lines = [line for line in text.splitlines() if line.startswith(GRADER_MARK)]
    ours = [line[len(mark) + 1:] for line in lines if line.startswith(mark + " ")]
    if len(lines) != 1 or len(ours) != 1:
        run.problem = ("the grading cell printed nothing readable" if not lines else
                       "the grading cell's output was tampered with; grade this notebook by hand")
        return
    try:
        report = json.loads(ours[0])
        run.results = {k: (v[0] is True, v[1], v[2] if len(v) > 2 else None)
                       for k, v in report["results"].items()}
        limit = report.get("rlimit_as")
        run.memory_limit = None if limit is None else int(limit[0])
    except (ValueError, KeyError, TypeError, IndexError):
        run.problem = f"the grading cell reported an error: {ours[0][:200]}"


async def run_notebook(nb, limits: Limits, scratch: Path, check_seed: int | None = None) -> Run:
    """Execute a copy of ``nb`` (its outputs discarded) and collect the checks' results.

    The kernel's working directory is a new folder in ``scratch``, deleted afterwards.
    ``check_seed`` seeds the inputs the checks draw (the same in every attempt).
    """
    nb = nbformat.from_dict(nb)
    mark = f"{GRADER_MARK} {secrets.token_hex(16)}"
    nb.cells.append(nbformat.v4.new_code_cell(GRADER_CELL.replace("__MARK__", repr(mark))))
    grader = len(nb.cells) - 1
    run, skip, deadline = Run(), {}, monotonic() + limits.notebook_timeout
    for attempt in range(MAX_ATTEMPTS):
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        run = Run()
        try:
            restart = await _attempt(nb, run, skip, limits, deadline, scratch, check_seed)
        except asyncio.CancelledError:
            raise KeyboardInterrupt from None
        except Exception as error:   # the kernel did not start, or nbclient itself failed
            run.problem = f"the notebook could not be executed ({type(error).__name__}: {error})"
            return run
        if not restart:
            break
        if attempt == MAX_ATTEMPTS - 1 or monotonic() > deadline:
            run.problem = ("the kernel died or hung too often; grading of this notebook stopped "
                           f"(last: cell {max(skip)}, {skip[max(skip)][1]})")
            return run
    run.printed = "".join(o.get("text", "") for c in nb.cells[:grader] for o in c.get("outputs", [])
                          if o.get("output_type") == "stream")
    if grader in run.errors or grader in run.not_run:
        name, message = run.errors.get(grader) or ("", run.not_run[grader])
        reason = message if name in ("", "Timeout", "KernelDied") else f"{name}: {message}"
        run.problem = f"the grading cell did not run to the end ({reason})"
        return run
    _read_report(nb.cells[grader], mark, run)
    return run
