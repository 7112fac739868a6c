"""The kernel a submission runs in: its own process, limits, working directory and environment.

Every notebook is executed by a fresh IPython kernel started as::

    python -m lecture_code.instructor.sandbox MEMORY_MB -- python -m ipykernel_launcher -f CONNECTION_FILE

This module's ``main`` sets the limits in that process (``RLIMIT_AS``: the
address space, so an allocation beyond ``MEMORY_MB`` raises ``MemoryError``;
``RLIMIT_CORE`` = 0: a crash writes no core file) and then ``exec``s the
kernel, which inherits them. The kernel runs in its own session (so the
grader can kill it and everything it forked as one process group), in a
fresh temporary directory, with a small environment: none of the grader's
environment variables except the few that locate Python. The submission's
own kernelspec is ignored: it always runs this Python.

What this does NOT isolate (see the instructor guide): the network, reading
and writing any file the grader's user can, fork bombs, CPU used by child
processes, and the package's own checks (the answer key) are importable.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

KEEP_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "LD_LIBRARY_PATH", "SYSTEMROOT",
            "VIRTUAL_ENV", "CONDA_PREFIX")
LAUNCHER = "lecture_code.instructor.sandbox"
PACKAGE_PARENT = Path(__file__).resolve().parents[2]   # the directory holding lecture_code


def set_limits(memory_mb: int) -> None:
    """Limit this process's address space to ``memory_mb`` MiB (0: no limit) and disable core files."""
    import resource
    if memory_mb > 0:
        limit = memory_mb * 2 ** 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str]) -> None:
    """``MEMORY_MB -- command...``: set the limits, then replace this process by the command."""
    if len(argv) < 3 or argv[1] != "--":
        sys.exit("usage: python -m lecture_code.instructor.sandbox MEMORY_MB -- COMMAND...")
    try:
        set_limits(int(argv[0]))
    except (ImportError, ValueError, OSError) as error:   # no resource module, or the OS refuses
        print(f"lecture_code sandbox: limits not applied: {error}", file=sys.stderr)
    os.execv(argv[2], argv[2:])


def kernel_env(workdir: Path, scratch: Path, check_seed: int | None = None) -> dict[str, str]:
    """The kernel's environment: a fresh home, tmp and IPython profile in ``workdir``; one BLAS thread;
    with ``check_seed``, the seed of the checks' inputs (``lecture_code.exercises`` reads it)."""
    env = {key: os.environ[key] for key in KEEP_ENV if key in os.environ}
    if check_seed is not None:
        env["LECTURE_CODE_CHECK_SEED"] = str(int(check_seed))
    env.update(HOME=str(workdir), TMPDIR=str(workdir), IPYTHONDIR=str(workdir / ".ipython"),
               MPLCONFIGDIR=str(scratch / "matplotlib"), PYTHONPATH=str(PACKAGE_PARENT),
               PYTHONDONTWRITEBYTECODE="1", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1")
    return env


def prepare_cache(scratch: Path) -> None:
    """Seed the kernels' matplotlib folder in ``scratch`` with the grader's font cache, so no kernel rebuilds it."""
    target = scratch / "matplotlib"
    target.mkdir(parents=True, exist_ok=True)
    try:
        import matplotlib
        for font_list in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
            (target / font_list.name).write_bytes(font_list.read_bytes())
    except (ImportError, OSError):
        pass


def kernel_manager(memory_mb: int):
    """A kernel manager that always starts this Python's IPython kernel under :func:`main`.

    Its ``start_kernel`` takes :func:`launch_options`. (jupyter_client is
    imported here, not at the top, so that the launcher itself starts fast.)
    """
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpec

    class SandboxKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self) -> KernelSpec:
            kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
            argv = [sys.executable, "-m", LAUNCHER, str(memory_mb), "--", *kernel]
            return KernelSpec(argv=argv, display_name="grader", language="python",
                              interrupt_mode="signal", env={}, metadata={})

    return SandboxKernelManager()


def launch_options(workdir: Path, scratch: Path, check_seed: int | None = None) -> dict:
    """Keyword arguments for ``start_kernel``: working directory, environment, silenced stdio."""
    return {"cwd": str(workdir), "env": kernel_env(workdir, scratch, check_seed),
            "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}


def exit_status(km) -> str:
    """How the kernel process ended: ``exit code 1``, ``killed by SIGKILL`` or ``still running``."""
    process = getattr(km.provisioner, "process", None)
    code = process.poll() if process is not None else None
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


async def stop(km) -> None:
    """Kill the kernel and every process left in its process group."""
    pgid = getattr(km.provisioner, "pgid", None)
    try:
        await km.shutdown_kernel(now=True)
    except Exception:   # already dead, or never started
        pass
    if pgid and hasattr(os, "killpg"):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass


if __name__ == "__main__":
    main(sys.argv[1:])
