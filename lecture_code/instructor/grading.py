"""Grade a class: every student's notebooks, re-executed, scored by the book's checks.

``SUBMISSIONS`` holds one folder per student; each holds that student's
notebooks under the names of the student edition (``01_perceptron.ipynb``,
...). A folder that itself holds notebooks is one student's. Each notebook is
executed by :mod:`.runner` in its own sandboxed kernel; an exercise earns its
points (from the registry, ``exercises.load_all()``) only if the kernel-side
record of its ``check`` call says it passed, or the points of its right parts
if it has parts. Every student, notebook and exercise gets one row, whatever
went wrong; :mod:`.gradebook` merges the rows into the term's gradebook.
"""
from __future__ import annotations

import asyncio
import dataclasses
import functools
import hashlib
import json
import os
import re
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import notebooks as nbs
from . import runner
from .report import Progress, count
from .submissions import find_submission, student_folders

MAX_NOTEBOOK_BYTES = 50 * 2 ** 20
PACKAGE_HINT = "install the same commit of the book's package, pip install -e '.[cluster]', on every machine"
TAMPERING = re.compile(r"\bRESULTS\b|\bREGISTRY\b|\bevents\.register\b|\bsys\.modules\b|\bsys\.stdout\s*="
                       r"|^\s*def\s+check\b|^\s*check\s*=|exercises\.check\s*=|LECTURE_CODE_GRADER"
                       # switching off the watch that refuses the package's own function (exercises._guard)
                       r"|\bsetprofile\b|\bsettrace\b|\b_guard\b|\battempt\s*=", re.M)
FAKE_PASS = re.compile(r"PASS (ex-[A-Za-z0-9_-]+)")


@dataclass
class Row:
    """One line of the gradebook: a student's result on one exercise of one notebook."""

    student: str
    notebook: str
    exercise: str
    points: int
    possible: int
    status: str      # pass, partial, not yet, error, missing, invalid; manual, to grade (written answers)
    hint: str        # what the check printed for the student: PASS, or its hint
    observed: str    # what the grader saw: errors and their cells, time limits, files, tampering
    graded: str = ""   # when this row was last graded or merged (UTC, ISO 8601), set by the gradebook


@dataclass
class Task:
    """One student's notebook to grade, with everything a worker process needs."""

    student: str
    notebook: str
    path: Path | None         # None: missing, for the reason in ``missing``
    missing: str              # why the notebook is missing, or a note on the file graded instead
    points: dict[str, int]    # exercise id -> points possible, in the chapter's order
    trusted: frozenset[str]   # the book's own code cells: not searched for tampering
    limits: runner.Limits
    scratch: Path | None = None   # the run's folder for kernels' working directories and caches;
    #                               None: a folder of the worker's own, removed after the notebook
    content: bytes | None = None  # the submission as read by the grader (:func:`loaded`); None: read ``path``
    package: str = ""             # :func:`package_digest` of the grader; a worker with another refuses

    @property
    def label(self) -> str:
        return f"{self.student}/{self.notebook}"


class GradingStopped(RuntimeError):
    """A run cannot go on: a worker grades with another package, or fails in a way no notebook explains."""


@functools.lru_cache(maxsize=1)
def package_digest() -> str:
    """SHA-256 of the package's code and data (``lecture_code/**/*.py``, ``lecture_code/data/*``): the answer key.

    The checks compute every right answer with the package, and the grader
    scores with it, so two grading processes give the same rows only if this
    is the same for both.
    """
    root = Path(__file__).resolve().parents[1]
    files = sorted(p for p in [*root.rglob("*.py"), *(root / "data").glob("*")]
                   if p.is_file() and "__pycache__" not in p.parts)
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def loaded(task: Task) -> Task:
    """``task`` holding its submission's bytes (at most one more than the size limit), so a worker needs no file."""
    if task.path is None or task.content is not None:
        return task
    try:
        with open(task.path, "rb") as handle:
            content = handle.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError as error:
        return dataclasses.replace(task, path=None, missing=f"it could not be read ({error})")
    return dataclasses.replace(task, content=content)


def fingerprint(task: Task) -> str:
    """What the rows of a :func:`loaded` task depend on, hashed: the submission, the answer key, the limits."""
    content = None if task.content is None else hashlib.sha256(task.content).hexdigest()
    what = {"student": task.student, "notebook": task.notebook, "submission": content, "missing": task.missing,
            "points": task.points, "trusted": hashlib.sha256("\0".join(sorted(task.trusted)).encode()).hexdigest(),
            "limits": dataclasses.asdict(task.limits), "package": task.package or package_digest()}
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


def trusted_form(source: str) -> str:
    """A code cell as the tampering check compares it with the book's: stripped, and with the
    setup cell's install address (the students' repository in a student edition) left out."""
    from .student_edition import INSTALL
    return INSTALL.sub("git+<repository>", source.strip())


def answer_key(book: Path, only: list[str] | None = None,
               exercises: list[str] | None = None) -> dict[str, tuple[dict[str, int], frozenset[str]]]:
    """Per chapter file name: its checked exercises with their points (from the registry), and its code cells.

    ``only`` names chapters, ``exercises`` exercise ids; each keeps only those.
    """
    from lecture_code.exercises import load_all
    registry, key = load_all(), {}
    wanted = {name if name.endswith(".ipynb") else name + ".ipynb" for name in only or []}
    chosen, checked, present = set(exercises or []), set(), set()
    for path in nbs.chapters(book):
        if wanted and path.name not in wanted:
            continue
        nb = nbformat.read(path, as_version=4)
        ids = nbs.read_exercises(nb).ids
        unknown = [i for i in ids if i not in registry]
        if unknown:
            print(f"warning: {path.name} checks exercises with no registered check: {unknown}", file=sys.stderr)
        checked.update(ids)
        present.update([path.name] if ids else [])
        ids = [i for i in ids if i in registry and (not chosen or i in chosen)]
        if ids:
            key[path.name] = ({i: registry[i].points for i in ids},
                              frozenset(trusted_form(c.source) for c in nb.cells if c.cell_type == "code"))
    if chosen - checked:
        raise ValueError(f"--exercises: {sorted(chosen - checked)} are not checked exercises of the chapters graded")
    if wanted - present:
        raise FileNotFoundError(f"no chapter with checked exercises named {sorted(wanted - present)} in {book}")
    return key


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _failure(error: tuple[str, str], what: str) -> str:
    name, message = error
    if name in ("Timeout", "KernelDied"):
        return f"{what} failed: {message}"
    return f"{what} raised {name}" + (f": {_one_line(message, 200)}" if message.strip() else "")


def _check_cells(nb, exercise_id: str) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and exercise_id in nbs.check_ids(c.source)]


def _why_no_result(nb, exercise_id: str, run: runner.Run) -> str:
    cells = _check_cells(nb, exercise_id)
    if not cells:
        return f"no check cell for {exercise_id} in the notebook (deleted or changed?)"
    index = cells[-1]
    if index in run.not_run:
        return f"the check cell (cell {index + 1}) did not run: {run.not_run[index]}"
    if index in run.errors:
        return _failure(run.errors[index], f"the check cell (cell {index + 1})")
    return f"the check cell (cell {index + 1}) did not run the check"


def _cell_above(nb, exercise_id: str, run: runner.Run) -> str:
    cells = _check_cells(nb, exercise_id)
    above = [i for i in range(cells[-1]) if nb.cells[i].cell_type == "code"] if cells else []
    if above and above[-1] in run.errors:
        return _failure(run.errors[above[-1]], f"the cell above (cell {above[-1] + 1})")
    return ""


def _handed_out_without(nb, exercise_id: str) -> bool:
    """Whether the notebook never had the exercise: no check cell and no ``{exercise}`` with its label."""
    labels = {d.label for c in nb.cells if c.cell_type == "markdown" for d in nbs.exercise_directives(c.source)}
    return not _check_cells(nb, exercise_id) and exercise_id not in labels


def score(task: Task, nb, run: runner.Run) -> list[Row]:
    """The rows of one executed notebook."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code" and trusted_form(c.source) not in task.trusted)
    flagged = sorted(set(TAMPERING.findall(code)))
    printed = set(FAKE_PASS.findall(run.printed))
    rows = []
    for exercise_id, possible in task.points.items():
        result = (run.results or {}).get(exercise_id)
        hint, observed, points = "", [], 0
        if run.results is None:
            status, observed = "error", [run.problem]
        elif result is None and _handed_out_without(nb, exercise_id):
            status, observed = "missing", [f"{exercise_id} is not in this notebook: the student's copy is "
                                           "older than the exercise; hand out the new edition, or enter "
                                           "points by hand (merge-manual)"]
        elif result is None:
            status, observed = "error", [_why_no_result(nb, exercise_id, run), _cell_above(nb, exercise_id, run)]
        elif result[0]:
            status, hint, points = "pass", "PASS", possible
        else:
            points = max(0, min(possible, int(result[2] or 0)))
            status = "partial" if points else "not yet"
            hint, observed = f"NOT YET: {result[1]}", [_cell_above(nb, exercise_id, run)]
        if task.missing:
            observed.append(task.missing)
        if status != "pass" and exercise_id in printed:
            observed.append(f"a 'PASS {exercise_id}' line was printed, but the recorded check did not pass")
        if flagged:
            observed.append(f"review by hand: the code mentions {', '.join(x.strip() for x in flagged)}")
        rows.append(Row(task.student, task.notebook, exercise_id, points, possible, status,
                        _one_line(hint, 400), _one_line("; ".join(o for o in observed if o), 600)))
    return rows


def _every(task: Task, status: str, observed: str) -> list[Row]:
    """The same row for every exercise of the task's notebook."""
    return [Row(task.student, task.notebook, i, 0, p, status, "", _one_line(observed)) for i, p in task.points.items()]


def _read_notebook(task: Task):
    content = task.content if task.content is not None else loaded(task).content
    if content is None:
        raise ValueError("it could not be read")
    if len(content) > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"larger than {MAX_NOTEBOOK_BYTES // 2 ** 20} MB")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nb = nbformat.convert(nbformat.reader.reads(content.decode("utf-8")), 4)
        nbformat.validate(nb)
    return nb


def check_seed(task: Task, content: bytes) -> int:
    """The seed of the checks' inputs for one submission: from the student, the notebook and its
    content (as nbformat writes it), so a regrade of the same file meets the same inputs and
    gives the same points and hints; a changed file meets others."""
    digest = hashlib.sha256(f"{task.student}\0{task.notebook}\0".encode() + content).digest()
    return int.from_bytes(digest[:8], "big")


def _execute(task: Task, nb, scratch: Path) -> list[Row]:
    seed = check_seed(task, nbformat.writes(nb).encode())
    run = asyncio.run(runner.run_notebook(nb, task.limits, scratch, seed))
    if run.memory_limit not in (None, task.limits.memory_mb * 2 ** 20) and task.limits.memory_mb > 0:
        print(f"warning: the memory limit did not apply to {task.label}", file=sys.stderr)
    return score(task, nb, run)


def grade_task(task: Task) -> list[Row]:
    """Grade one student's notebook; never raises, except :class:`GradingStopped` for a worker of another package."""
    if task.package and task.package != package_digest():
        raise GradingStopped(f"a worker grades with another version of lecture_code than this run ({PACKAGE_HINT})")
    if task.path is None:
        return _every(task, "missing", f"notebook missing: {task.missing}")
    try:
        nb = _read_notebook(task)
    except Exception as error:
        return _every(task, "invalid", f"not a valid notebook ({type(error).__name__}: {error})")
    try:
        if task.scratch is not None:
            return _execute(task, nb, task.scratch)
        from . import sandbox
        with tempfile.TemporaryDirectory(prefix="grader-", ignore_cleanup_errors=True) as scratch:
            sandbox.prepare_cache(Path(scratch))
            return _execute(task, nb, Path(scratch))
    except Exception as error:
        return _every(task, "error", f"the grader failed on this notebook ({type(error).__name__}: {error})")


def lost_rows(task: Task, reason: str) -> list[Row]:
    """The rows of a notebook whose grading process died twice while it ran, the second time alone."""
    return _every(task, "error", f"grading stopped: the process grading this notebook died twice while it ran, "
                  f"the second time with no other notebook beside it ({reason}); the notebook may kill the "
                  "process that grades it: review it by hand")


def tasks_of(students: list[Path], key: dict, limits: runner.Limits, scratch: Path | None) -> list[Task]:
    """One task per student and chapter of the answer key, in that order."""
    return [Task(s.name, name, *find_submission(s, name), points, trusted, limits, scratch, package=package_digest())
            for s in students for name, (points, trusted) in key.items()]


def _check_jobs(jobs: int, scheduler: str | None, stream) -> None:
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"--jobs must be a whole number >= 1, got {jobs}")
    if scheduler in (None, "local") and jobs > (os.cpu_count() or 1):
        print(f"warning: --jobs {jobs} is more than the {os.cpu_count()} CPU cores of this machine; the "
              "notebooks then compete for them and may hit the time limits", file=stream)


def _resume(tasks: list[Task], journal, stream) -> dict[int, list[Row]]:
    """The rows the journal already holds for ``tasks``, by index; says how many notebooks that skips."""
    if journal is None or not journal.entries:
        return {}
    rows, stale = {}, 0
    for i, task in enumerate(tasks):
        if not journal.holds(task):
            continue
        found = journal.rows(loaded(task))
        if found is None:
            stale += 1
        else:
            rows[i] = found
    print(f"resuming {journal.path}: skipping {count(len(rows), 'notebook')} graded before; "
          f"{len(tasks) - len(rows)} to grade" + (f" ({stale} of them changed since: the submission, the package "
                                                   "or the limits)" if stale else ""), file=stream)
    return rows


def grade(submissions: Path, book: Path, limits: runner.Limits, only: list[str] | None = None,
          jobs: int = 1, stream=sys.stderr, students: list[str] | None = None,
          exercises: list[str] | None = None, journal=None, scheduler: str | None = None) -> list[Row]:
    """Grade the student folders in ``submissions`` (all, or ``students``) against the chapters of ``book``.

    ``jobs`` notebooks at once in processes of this machine, or on the Dask
    cluster at ``scheduler`` (``local``: a cluster of ``jobs`` workers here).
    With a :class:`~.journal.Journal`, each notebook's rows are recorded in it
    as soon as they are back, and the notebooks it already holds are skipped.
    """
    from . import sandbox, schedule
    _check_jobs(jobs, scheduler, stream)
    if scheduler is not None:
        from .cluster import check_address
        check_address(scheduler)
    folders = student_folders(submissions, students)
    key = answer_key(book, only, exercises)
    with tempfile.TemporaryDirectory(prefix="grader-", ignore_cleanup_errors=True) as scratch:
        sandbox.prepare_cache(Path(scratch))
        tasks = tasks_of(folders, key, limits, None if scheduler else Path(scratch))
        rows = _resume(tasks, journal, stream)
        progress = Progress(len(tasks), stream, list(rows.values()))

        def done(index: int, task: Task, result: list[Row]) -> None:
            rows[index] = result
            if journal is not None:
                journal.record(task, result)
            progress.update(task.label, result)

        todo = {i: t for i, t in enumerate(tasks) if i not in rows}
        try:
            if todo:
                with schedule.open_pool(scheduler, jobs, Path(scratch), stream) as pool:
                    schedule.run(todo, pool, done)
        finally:
            progress.close()
    return [row for i in range(len(tasks)) for row in rows[i]]
