"""Grading a large course: a Dask cluster, a run that resumes after it dies, lost workers, progress, a simulated class.

The class is small on purpose: three students (ada: the answer key; bob: the
untouched student edition; carol: one wrong answer) hand in
book/01_perceptron.ipynb cut down to its exercises. Its gradebook from
``--jobs 2`` is the reference every other way of grading it must reproduce:
a ``LocalCluster`` (``--scheduler local``), the instructor guide's own
commands for a scheduler and two workers on loopback, and a run killed
halfway and started again. A fourth student whose notebook kills the process
that grades it (``os.kill(os.getppid(), SIGKILL)`` in the kernel) is graded
beside them, in local processes and on Dask: the others' rows must not change,
and hers say that her notebook killed its worker twice.
"""
from __future__ import annotations

import csv
import dataclasses
import fcntl
import os
import pty
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import nbformat
import pytest

from lecture_code.instructor import feedback, gradebook, journal, simulate
from lecture_code.instructor.__main__ import main
from lecture_code.instructor.grading import Row, Task
from lecture_code.instructor.runner import Limits
from lecture_code.instructor.student_edition import make_student_edition
from support import CHAPTER, GUIDE, answered, guide_blocks, guide_commands, guide_section, small_chapter

SECTION = "Grading a large course"
NOT_TESTED_HERE = {
    'pip install -e ".[cluster]"': "the environment running the tests has distributed from requirements.txt",
    "helm install --repo https://helm.dask.org --create-namespace -n dask-operator --generate-name "
    "dask-kubernetes-operator": "needs a Kubernetes cluster",
    "python -m lecture_code.instructor grade simulated --out simulated.csv --jobs 2":
        "grading 30 students takes minutes; test_a_simulated_class_is_graded_as_its_kinds_say grades a simulated "
        "class of four the same way",
}
BY_HAND = ("dask scheduler ", "dask worker ", "python -m lecture_code.instructor grade ")   # the loopback test


def by_hand(command: str) -> bool:
    """Whether the loopback test runs ``command``: the scheduler, the workers, and grading on them."""
    return command.startswith(BY_HAND) and (" grade " not in command or "--scheduler tcp://" in command)

SIMULATE = "python -m lecture_code.instructor simulate-class "
KILLER = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)   # the process grading this notebook"
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
PATIENCE = 300   # seconds a subprocess may take to reach a state before the test gives up (not a timing assert)


def write_class(folder: Path, students: dict) -> Path:
    for name, nb in students.items():
        (folder / name).mkdir(parents=True)
        nbformat.write(nb, folder / name / CHAPTER.name)
    return folder


@pytest.fixture(scope="module")
def small_class(tmp_path_factory):
    """``base`` with ``book/`` (the cut-down chapter) and ``submissions/`` (ada, bob, carol)."""
    base = tmp_path_factory.mktemp("small-class")
    key = small_chapter()
    (base / "book").mkdir()
    nbformat.write(key, base / "book" / CHAPTER.name)
    carol = answered(key, "ex-perceptron-and", "w0_and, w_and = -0.5, [1.0, 1.0]   # OR, not AND")
    write_class(base / "submissions", {"ada": key, "bob": make_student_edition(key).nb, "carol": carol})
    return base


def grade_args(base: Path, out: Path, *options: str, submissions: str = "submissions") -> list[str]:
    return ["grade", str(base / submissions), "--book", str(base / "book"), "--out", str(out),
            "--timeout", "30", *options]


@pytest.fixture(scope="module")
def reference(small_class):
    """The small class's gradebook from ``--jobs 2``."""
    out = small_class / "jobs" / "grades.csv"
    assert main(grade_args(small_class, out, "--jobs", "2")) == 0
    return out


def comparable(out: Path, book: Path) -> tuple[list[Row], list[str], dict[str, str]]:
    """A gradebook's rows, its log's lines and its feedback files, without the times they were made."""
    rows = [dataclasses.replace(r, graded="") for r in gradebook.read(out)]
    log = [STAMP.sub("<time>", line) for line in gradebook.log_path(out).read_text().splitlines()]
    pages = feedback.write_feedback(gradebook.read(out), book, out.parent / "feedback")
    return rows, log, {p.name: STAMP.sub("<time>", p.read_text()) for p in pages}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment() -> dict[str, str]:
    """This environment, with its Python's folder (python, dask) first on PATH."""
    return dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")


def journal_entries(path: Path) -> int:
    return max(0, len(path.read_text().splitlines()) - 1) if path.exists() else 0


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def stop(process: subprocess.Popen) -> None:
    """End a process started in its own session, and everything it started."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=20)
            return
        except (ProcessLookupError, subprocess.TimeoutExpired):
            continue


# ---------------------------------------------------------------- Dask gives the same gradebook

def test_a_local_dask_cluster_grades_exactly_as_local_processes(small_class, reference):
    out = small_class / "dask-local" / "grades.csv"
    assert main(grade_args(small_class, out, "--scheduler", "local", "--jobs", "2")) == 0
    assert comparable(out, small_class / "book") == comparable(reference, small_class / "book")
    assert not gradebook.journal_path(out).exists(), "the journal is removed once the gradebook holds its rows"


def test_the_guides_commands_grade_on_a_scheduler_and_two_workers_on_loopback(small_class, reference):
    section, _ = guide_section(GUIDE.read_text(encoding="utf-8"), SECTION)
    commands = [c for c in guide_commands(section) if by_hand(c)]
    assert [c.split()[:2] for c in commands] == [["dask", "scheduler"], ["dask", "worker"],
                                                 ["python", "-m"]], commands
    port = str(free_port())
    scheduler, worker, grade = (c.replace("8786", port).removesuffix("&").strip() for c in commands)
    assert "--scheduler tcp://127.0.0.1:" + port in grade and "--nthreads 1" in worker
    logs = small_class / "loopback-logs"
    logs.mkdir()
    servers = [subprocess.Popen(command, shell=True, cwd=small_class, env=environment(), start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=open(logs / f"{name}.log", "w"))
               for name, command in (("scheduler", scheduler), ("worker", worker))]
    try:
        done = subprocess.run(grade, shell=True, cwd=small_class, env=environment(), capture_output=True, text=True)
    finally:
        for server in reversed(servers):
            stop(server)
    assert done.returncode == 0, done.stderr[-3000:] + (logs / "worker.log").read_text()[-3000:]
    rows, log, _ = comparable(small_class / "grades.csv", small_class / "book")
    expected, expected_log, _ = comparable(reference, small_class / "book")
    assert rows == expected
    assert log[1:] == expected_log[1:], "the same changes are logged"


def test_the_sections_other_commands_are_run_elsewhere_or_marked_not_tested_here():
    section, _ = guide_section(GUIDE.read_text(encoding="utf-8"), SECTION)
    commands = guide_commands(section)
    others = [c for c in commands if not by_hand(c) and not c.startswith(SIMULATE)]
    assert sorted(others) == sorted(NOT_TESTED_HERE), "a command of the section is neither run nor named here"
    assert section.count("(not tested here)") == 2, "Kubernetes and the batch system are marked as not tested"
    assert [b for b in guide_blocks(section, "python") if "dask_kubernetes" in b or "dask_jobqueue" in b]


# ---------------------------------------------------------------- nothing lost when a run dies

def test_a_killed_run_started_again_grades_only_what_is_missing(small_class, reference):
    out = small_class / "killed" / "grades.csv"
    shutil.copytree(small_class / "submissions", out.parent / "submissions")
    command = [sys.executable, "-m", "lecture_code.instructor",
               *grade_args(small_class, out, "--jobs", "1", submissions="killed/submissions")]
    run = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: journal_entries(gradebook.journal_path(out)) >= 2, "two notebooks in the journal")
    finally:
        os.killpg(run.pid, signal.SIGKILL)   # as a machine dies: the grader, its workers and their kernels
        run.wait()
    assert not out.exists() and journal_entries(gradebook.journal_path(out)) == 2
    bob = out.parent / "submissions" / "bob" / CHAPTER.name   # graded, then handed in again
    nb = nbformat.read(bob, as_version=4)
    nb.metadata["handed_in"] = "again"
    nbformat.write(nb, bob)
    again = subprocess.run(command, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "skipping 1 notebook graded before; 2 to grade (1 of them changed since" in again.stderr
    rows, log, pages = comparable(out, small_class / "book")
    assert (rows, pages) == comparable(reference, small_class / "book")[::2]
    assert len([line for line in log if " grade " in line]) == 1 and not gradebook.journal_path(out).exists()


def test_ctrl_c_stops_the_run_and_says_what_the_journal_keeps(small_class):
    out = small_class / "interrupted" / "grades.csv"
    shutil.copytree(small_class / "submissions", out.parent / "submissions")
    command = [sys.executable, "-m", "lecture_code.instructor",
               *grade_args(small_class, out, "--jobs", "2", submissions="interrupted/submissions")]
    run = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
    try:
        wait_for(lambda: journal_entries(gradebook.journal_path(out)) >= 1, "a notebook in the journal")
        os.killpg(run.pid, signal.SIGINT)   # what Ctrl-C sends to the terminal's foreground processes
        _, stderr = run.communicate(timeout=PATIENCE)
    finally:
        stop(run)
    assert run.returncode == 130, stderr[-3000:]
    assert re.search(r"interrupted: \d notebooks? graded so far kept in .*grades.journal; run the same command",
                     stderr), stderr[-3000:]
    assert not out.exists() and journal_entries(gradebook.journal_path(out)) >= 1


def test_the_journal_belongs_to_one_command_and_never_replaces_a_file_it_did_not_write(tmp_path):
    task = Task("ada", CHAPTER.name, None, "no file", {"ex-perceptron-and": 2}, frozenset(), Limits())
    rows = [Row("ada", CHAPTER.name, "ex-perceptron-and", 0, 2, "missing", "", "notebook missing: no file")]
    path = tmp_path / "grades.journal"
    first = journal.Journal(path, "grade submissions (everything)")
    first.record(task, rows)
    with open(path, "a") as handle:
        handle.write('{"student": "bob", "notebook"')   # a line cut short by a crash
    again = journal.Journal(path, "grade submissions (everything)")
    assert again.rows(task) == rows and not again.holds(dataclasses.replace(task, student="bob"))
    assert again.rows(dataclasses.replace(task, missing="another reason")) is None, "a changed task is regraded"
    again.record(dataclasses.replace(task, student="bob"), rows)
    assert len(journal.Journal(path, "grade submissions (everything)").entries) == 2
    with pytest.raises(FileExistsError, match="unfinished run of another command, 'grade submissions"):
        journal.Journal(path, "grade submissions (students: ada)")
    notes = tmp_path / "notes.journal"
    notes.write_text("my notes\n")
    with pytest.raises(FileExistsError, match="was not written by the grader"):
        journal.Journal(notes, "grade submissions (everything)")
    assert notes.read_text() == "my notes\n"


def test_a_foreign_journal_stops_grade_before_it_starts(small_class, capsys):
    out = small_class / "foreign" / "grades.csv"
    out.parent.mkdir()
    gradebook.journal_path(out).write_text("not ours\n")
    assert main(grade_args(small_class, out)) == 2
    assert "was not written by the grader" in capsys.readouterr().err
    assert gradebook.journal_path(out).read_text() == "not ours\n" and not out.exists()


# ---------------------------------------------------------------- a notebook that kills its worker

@pytest.mark.parametrize("where", [["--jobs", "2"], ["--scheduler", "local", "--jobs", "2"]],
                         ids=["local-processes", "dask-local-cluster"])
def test_a_notebook_that_kills_its_worker_twice_is_recorded_and_the_others_are_graded(small_class, reference,
                                                                                         where):
    folder = small_class / f"hostile-{where[1]}"
    shutil.copytree(small_class / "submissions", folder / "submissions")
    write_class(folder / "submissions", {"dora": answered(small_chapter(), "ex-perceptron-and", KILLER)})
    (folder / "book").symlink_to(small_class / "book")
    out = folder / "grades.csv"
    assert main(grade_args(folder, out, *where)) == 0
    rows = [dataclasses.replace(r, graded="") for r in gradebook.read(out)]
    assert [r for r in rows if r.student != "dora"] == comparable(reference, small_class / "book")[0]
    dora = [r for r in rows if r.student == "dora"]
    assert dora and all(r.status == "error" and "died twice while it ran" in r.observed for r in dora)


# ---------------------------------------------------------------- progress

@pytest.fixture(scope="module")
def empty_class(small_class):
    """Two students who handed in nothing: graded in a second, no kernel started."""
    for name in ("erin", "finn"):
        (small_class / "empty" / name).mkdir(parents=True)
    return small_class


def read_terminal(command: list[str]) -> str:
    """What ``command`` shows on a terminal of 100 columns (a pseudo-terminal), stdout and stderr together."""
    main_end, child_end = pty.openpty()
    fcntl.ioctl(child_end, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(command, stdin=child_end, stdout=child_end, stderr=child_end, close_fds=True)
    os.close(child_end)
    shown = b""
    while True:
        try:
            chunk = os.read(main_end, 4096)
        except OSError:   # the terminal is closed when the command ends
            break
        if not chunk:
            break
        shown += chunk
    os.close(main_end)
    assert process.wait() == 0, shown.decode(errors="replace")[-3000:]
    return shown.decode("utf-8", errors="replace")


def test_the_progress_bar_shows_on_a_terminal(empty_class):
    command = [sys.executable, "-m", "lecture_code.instructor",
               *grade_args(empty_class, empty_class / "tty" / "grades.csv", submissions="empty")]
    shown = read_terminal(command)
    assert re.search(r"grading: 100%\|\S+\| 2/2 \[[\d:]+<00:00, .*0 left, 0 failed\]", shown), shown
    assert "\r" in shown and "graded 1/2" not in shown


def test_without_a_terminal_the_counts_go_to_the_log_and_distributed_is_not_imported(empty_class):
    args = grade_args(empty_class, empty_class / "log" / "grades.csv", submissions="empty")
    code = ("import sys\nfrom lecture_code.instructor.__main__ import main\nstatus = main(sys.argv[1:])\n"
            "print('distributed imported:', 'distributed' in sys.modules)\nsys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("graded ")]
    assert len(lines) == 2 and re.match(r"graded 1/2 notebooks, 1 left, 0 failed, [\d:]+ elapsed, about [\d:]+ "
                                        r"left: (erin|finn)/01_perceptron.ipynb 0/9", lines[0]), done.stderr
    assert "\r" not in done.stderr and "distributed imported: False" in done.stdout


@pytest.mark.parametrize("options, named", [(["--scheduler", "8786"], "--scheduler"), (["--jobs", "0"], "--jobs")])
def test_bad_grading_options_are_refused_naming_them(small_class, capsys, options, named):
    assert main(grade_args(small_class, small_class / "refused" / "grades.csv", *options)) == 2
    assert f"error: {named} must be" in capsys.readouterr().err


# ---------------------------------------------------------------- a simulated class

def test_simulate_class_writes_the_kinds_the_guide_names_and_only_into_its_own_folder(tmp_path, capsys):
    [command] = [c for c in guide_commands(guide_section(GUIDE.read_text(encoding="utf-8"), SECTION)[0])
                 if c.startswith(SIMULATE)]
    args = command.removeprefix(SIMULATE).replace("simulated", str(tmp_path / "simulated"), 1).split()
    assert main(["simulate-class", *args]) == 0
    assert "30 simulated students" in capsys.readouterr().out
    listed = list(csv.DictReader((tmp_path / "simulated" / "students.csv").open()))
    kinds = [s["kind"] for s in listed]
    assert len(listed) == 30 and {k: kinds.count(k) for k in set(kinds)} == {
        "complete": 11, "partial": 8, "wrong": 8, "hostile": 3}
    assert {s["attack"] for s in listed if s["kind"] == "hostile"} == {"loop", "crash", "flood"}
    before = {p: p.read_bytes() for p in (tmp_path / "simulated").rglob("*.ipynb")}
    assert len(before) == 30
    assert main(["simulate-class", *args]) == 0, "its own folder is rewritten"
    assert {p: p.read_bytes() for p in before} == before, "the same seed writes the same class"
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine")
    assert main(["simulate-class", str(tmp_path / "mine"), "--students", "2"]) == 2
    assert "not empty and was not written by simulate-class" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["notes.txt"]
    assert main(["simulate-class", str(tmp_path / "other"), "--students", "0"]) == 2
    assert "--students must be a whole number >= 1" in capsys.readouterr().err


def test_a_simulated_class_is_graded_as_its_kinds_say(small_class):
    out = small_class / "simulated"
    simulate.simulate_class(small_class / "book", out, 4, seed=1)
    graded = out.parent / "simulated.csv"
    assert main(["grade", str(out), "--out", str(graded), "--book", str(small_class / "book"), "--jobs", "2",
                 "--timeout", "5"]) == 0
    kinds = {s["student"]: s for s in csv.DictReader((out / "students.csv").open())}
    assert sorted(s["kind"] for s in kinds.values()) == ["complete", "hostile", "partial", "wrong"]
    passed = {}
    for row in gradebook.read(graded):
        passed.setdefault(kinds[row.student]["kind"], []).append(row.status == "pass")
    assert all(passed["complete"]), "the book's own solutions pass"
    assert any(passed["partial"]) and not all(passed["partial"])
    assert not all(passed["wrong"])
    assert passed["hostile"].count(False) == 1, "one exercise attacks the grader, the others are right"


def test_without_distributed_or_tqdm_grade_says_what_to_install_or_prints_lines(monkeypatch):
    import io

    from lecture_code.instructor import cluster, report
    monkeypatch.setitem(sys.modules, "distributed", None)   # as if not installed
    with pytest.raises(ValueError, match=r"--scheduler needs Dask's distributed.*pip install -e '\.\[cluster\]'"):
        cluster._distributed()
    monkeypatch.setitem(sys.modules, "tqdm", None)

    class Terminal(io.StringIO):
        def isatty(self):
            return True
    shown = Terminal()
    progress = report.Progress(1, shown)
    progress.update("ada/01_perceptron.ipynb", [Row("ada", CHAPTER.name, "ex-perceptron-and", 0, 2, "error", "", "")])
    progress.close()
    assert shown.getvalue().startswith("graded 1/1 notebooks, 0 left, 1 failed")
