"""The instructor guide, followed literally: every ``bash`` command of book/instructors.md, in order, on a fresh fork.

The fork is a new git repository holding the book's files (what a clone
would hold, with the changes not yet committed). Step 2's ``_config.yml`` edit
is made with the guide's own YAML block; three pretend students hand in
chapter 1 between the hand-out and the grading (ada: the answer key; bob: the
untouched student edition; carol: two wrong answers, saved by Colab as "Copy
of 01_perceptron.ipynb"), carol hands in a corrected notebook before she is
graded again, and the manual sheet is filled in before it is merged. Four
commands are not run, for the reasons in ``NOT_RUN``; the test fails if the
guide's commands change without it. Then every outcome the
guide promises is checked. The section "Grading a large course" is left out
here: tests/test_grading_scale.py runs its commands (a Dask scheduler and
workers on loopback), and names those it cannot run.
"""
from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import yaml

from support import GUIDE, answered, guide_blocks, guide_commands, guide_section

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "01_perceptron.ipynb"
BOOK_URL = "https://github.com/your-org/your-book"
NOT_RUN = {
    "bash scripts/build.sh": "builds and executes the whole instructor site (CI's job, minutes); the "
                             "environment it creates is the one running this test",
    "git -C ../nn-students push": "needs the network and a GitHub repository",
    "docker build -t nn-grader -f grader.Dockerfile .": "Docker is not part of the book's environment",
}
LARGE = "Grading a large course"   # its commands: tests/test_grading_scale.py
NOT_INSTALLED = {"dask_kubernetes": "the section on a large course uses it on Kubernetes, not tested here",
                 "dask_jobqueue": "the section on a large course uses it on a batch system, not tested here"}
DOCKER_RUN = "docker run "   # the grading container's command: not run, for the same reason
INSTEAD = {   # the only substitution: the empty students' repository, made locally instead of cloned
    f"git clone {BOOK_URL}-students ../nn-students": "git init -q ../nn-students",
}


def fresh_fork(target: Path) -> Path:
    """A new git repository with the book's files: tracked ones and new ones not ignored."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git = ["git", "-c", "user.name=Instructor", "-c", "user.email=instructor@example.org"]
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    subprocess.run([*git, "add", "-A"], cwd=target, check=True)
    subprocess.run([*git, "commit", "-qm", "Fork of the book"], cwd=target, check=True)
    return target


def hand_in(fork: Path) -> None:
    key = nbformat.read(fork / "book" / CHAPTER, as_version=4)
    carol = answered(key, "ex-perceptron-and", "w0_and, w_and = -0.5, [1.0, 1.0]   # OR, not AND")
    carol = answered(carol, "ex-perceptron-rule", "w0_new, w_new = 1, [1, 2]   # added eta * x, not subtracted")
    for student, nb in {"ada": key, "bob": nbformat.read(fork / "handout" / CHAPTER, as_version=4),
                        "carol": carol}.items():
        (fork / "submissions" / student).mkdir(parents=True)
        name = "Copy of " + CHAPTER if student == "carol" else CHAPTER
        nbformat.write(nb, fork / "submissions" / student / name)


def gradebook_rows(fork: Path) -> list[dict]:
    return list(csv.DictReader((fork / "grades.csv").open(encoding="utf-8")))


def totals(rows: list[dict]) -> dict[str, int]:
    found = {}
    for row in rows:
        found[row["student"]] = found.get(row["student"], 0) + int(row["points"])
    return found


def setup_urls(path: Path) -> set[str]:
    return set(re.findall(r"git\+(https://[^@\s\"]+)@", path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """Follow the guide; return the fork, the commands run, and what was checked on the way."""
    fork = fresh_fork(tmp_path_factory.mktemp("term") / "your-book")
    text = guide_section(GUIDE.read_text(encoding="utf-8"), LARGE)[1]
    repository = next(yaml.safe_load(b)["repository"] for b in guide_blocks(text, "yaml") if "repository:" in b)
    config = (fork / "_config.yml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^(  url: ).*$", r"\g<1>" + repository["url"], config, count=1)
    (fork / "_config.yml").write_text(config, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(fork), PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
               GIT_AUTHOR_NAME="Instructor", GIT_AUTHOR_EMAIL="instructor@example.org",
               GIT_COMMITTER_NAME="Instructor", GIT_COMMITTER_EMAIL="instructor@example.org")
    seen, ran = {}, []
    for command in guide_commands(text):
        if command in NOT_RUN or command.startswith(DOCKER_RUN):
            continue
        command = INSTEAD.get(command, command)
        if " grade " in f" {command} " and not (fork / "submissions").exists():
            hand_in(fork)
        if "--students carol" in command:   # carol hands in her corrected notebook
            seen["before regrade"] = gradebook_rows(fork)
            fixed = nbformat.read(fork / "book" / CHAPTER, as_version=4)   # the rule now right, AND still not
            fixed = answered(fixed, "ex-perceptron-and", "w0_and, w_and = -0.5, [1.0, 1.0]   # OR, not AND")
            nbformat.write(fixed, fork / "submissions" / "carol" / ("Copy of " + CHAPTER))
        if command.startswith("python -m lecture_code.instructor merge-manual"):
            fill_manual_sheet(fork / "manual.csv")
        start = time.monotonic()
        done = subprocess.run(command, shell=True, cwd=fork, env=env, capture_output=True, text=True,
                              executable="/bin/bash")
        assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        ran.append(command)
        print(f"{time.monotonic() - start:6.1f} s  {command[:100]}")
        if "student-site" in command and "student-site" not in seen:
            seen["student-site"] = command
            (fork.parent / "nn-students" / "README.md").write_text("Our course\n")
            again = subprocess.run(command, shell=True, cwd=fork, env=env, capture_output=True, text=True)
            assert again.returncode == 0, again.stderr   # "running it again replaces exactly those files"
    return fork, ran, seen


def fill_manual_sheet(sheet: Path) -> None:
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    for row in rows:
        row["points"] = {"ada": "2", "bob": "0", "carol": ""}[row["student"]]
        row["comment"] = "a clear argument" if row["student"] == "ada" else ""
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_every_command_of_the_guide_is_run_except_those_named(term):
    _, ran, _ = term
    commands = guide_commands(guide_section(GUIDE.read_text(encoding="utf-8"), LARGE)[1])
    assert set(NOT_RUN) <= set(commands), "a command NOT_RUN skips is no longer in the guide"
    assert len(ran) == len(commands) - len(NOT_RUN) - sum(c.startswith(DOCKER_RUN) for c in commands) == 18
    assert any(c.startswith("python scripts/add_setup_cell.py") for c in ran)
    assert any(c.startswith("jupyter-book build -W") for c in ran)


def test_the_setup_cells_install_from_the_fork_and_the_handout_from_the_students_repository(term):
    fork, _, _ = term
    assert setup_urls(fork / "book" / CHAPTER) == {BOOK_URL}
    for path in sorted((fork / "handout").glob("*.ipynb")):
        assert setup_urls(path) == {BOOK_URL + "-students"}, path.name
    assert setup_urls(fork / ".." / "nn-students" / "book" / CHAPTER) == {BOOK_URL + "-students"}


def test_the_student_site_builds_keeps_the_repository_and_names_the_students_repository(term):
    fork, _, _ = term
    site = fork.parent / "nn-students"
    assert (site / ".git").is_dir() and (site / "README.md").read_text() == "Our course\n"
    config = yaml.safe_load((site / "_config.yml").read_text())
    assert config["repository"]["url"] == BOOK_URL + "-students"
    assert not (site / "book" / "instructors.md").exists() and not (site / "book" / "02_activations.ipynb").exists()
    html = site / "_build" / "html"
    assert (html / "book" / "01_perceptron.html").is_file()
    errata = (html / "book" / "errata.html").read_text(encoding="utf-8")
    assert "Regularization and generalization" in errata and 'href="07_regularization.html' not in errata
    log = subprocess.run(["git", "-C", str(site), "log", "--oneline"], capture_output=True, text=True).stdout
    assert "The student edition, chapter 1" in log
    tracked = subprocess.run(["git", "-C", str(site), "ls-files"], capture_output=True, text=True).stdout
    assert "book/01_perceptron.ipynb" in tracked and "_build/" not in tracked


def test_the_gradebook_holds_the_class_and_a_regrade_replaces_only_its_rows(term):
    fork, _, seen = term
    before, after = seen["before regrade"], gradebook_rows(fork)
    assert totals([r for r in before if r["status"] not in ("manual", "to grade")]) == {"ada": 9, "bob": 0, "carol": 5}
    carol = {r["exercise"]: r for r in before if r["student"] == "carol"}
    assert carol["ex-perceptron-and"]["hint"].startswith("NOT YET") and "Copy of" in carol["ex-perceptron-and"]["observed"]
    automatic = [r for r in after if r["status"] not in ("manual", "to grade")]
    assert len(automatic) == 15 and totals(automatic)["carol"] == 7
    unchanged = {(r["student"], r["exercise"]): r for r in before if r["student"] != "carol"}
    assert all(unchanged[r["student"], r["exercise"]] == r for r in after if (r["student"], r["exercise"]) in unchanged)
    log = (fork / "grades.log").read_text()
    assert log.count(" grade submissions") == 2
    assert re.search(r"carol 01_perceptron.ipynb ex-perceptron-rule: 0/2 not yet -> 2/2 pass", log)


def test_written_answers_feedback_and_the_export(term):
    fork, _, _ = term
    manual = {r["student"]: r for r in gradebook_rows(fork) if r["exercise"] == "ex-perceptron-xor"}
    assert {s: (r["points"], r["status"]) for s, r in manual.items()} == {
        "ada": ("2", "manual"), "bob": ("0", "manual"), "carol": ("0", "to grade")}
    for student in ("ada", "bob", "carol"):
        text = (fork / "feedback" / student / "01_perceptron.md").read_text()
        assert "AND with one perceptron (ex-perceptron-and)" in text
    assert "raised NotImplementedError" in (fork / "feedback" / "bob" / "01_perceptron.md").read_text()
    assert "The check said: NOT YET" in (fork / "feedback" / "carol" / "01_perceptron.md").read_text()
    assert "a clear argument" in (fork / "feedback" / "ada" / "01_perceptron.md").read_text()
    table = list(csv.reader((fork / "grades-lms.csv").open()))
    assert table[0][0] == "Username" and table[0][-1] == "Total [11]" and len(table[0]) == 8
    assert {row[0]: row[-1] for row in table[1:]} == {"ada": "11", "bob": "0", "carol": "7"}


def test_what_the_course_writes_is_ignored_by_git(term):
    fork, _, _ = term
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=fork,
                            capture_output=True, text=True, check=True).stdout
    assert [line for line in status.splitlines() if line.startswith("??")] == []


def test_the_docker_recipe_installs_torchs_cpu_build_and_the_guide_needs_no_uninstalled_package():
    text = GUIDE.read_text(encoding="utf-8")
    [recipe] = guide_blocks(text, "dockerfile")
    cpu = recipe.index("torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu")
    assert cpu < recipe.index("-r /tmp/requirements.txt"), "torch must come from the CPU index first"
    requirements = (ROOT / "requirements.txt").read_text().lower()
    for block in guide_blocks(text, "python"):
        for module in re.findall(r"^\s*(?:import|from)\s+(\w+)", block, flags=re.M):
            assert module in ("lecture_code", "numpy", "np") or module in requirements or (
                module in NOT_INSTALLED and block in guide_section(text, LARGE)[0]), module
    assert "pd.read_csv" not in text
