"""The instructor tools: the student edition leaks nothing, the student site, the grader under attack.

The grading tests run a small class made from book/01_perceptron.ipynb (its
imports cell and its exercises, nothing else) with a 10-second cell limit: the
answer key, the untouched student edition, and students whose notebooks hang,
crash the kernel, exhaust the memory limit, fake a PASS, tamper with the
results, are not JSON, or are missing.
"""
from __future__ import annotations

import dataclasses
import csv
import hashlib
import json
import re
from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from lecture_code.exercises import load_all
from lecture_code.instructor import (check_book, feedback, gradebook, grading, notebooks, output, references,
                                     report, runner, student_site)
from lecture_code.instructor.__main__ import main
from lecture_code.instructor.student_edition import make_student_edition, write_student_edition
from support import small_chapter, with_solution

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHAPTER = BOOK / "01_perceptron.ipynb"
CELL_SECONDS = 10


def solution_lines(nb) -> tuple[list[str], str]:
    """Every line inside a solution region, and the instructor's text outside them (own parser)."""
    inside, outside = [], []
    for cell in nb.cells:
        active = False
        for line in cell.source.split("\n"):
            if "BEGIN SOLUTION" in line:
                active = True
            elif "END SOLUTION" in line:
                active = False
            else:
                (inside if active else outside).append(line)
    return [x.strip() for x in inside if len(x.strip()) >= 3], "\n".join(outside)


def leaked(lines: list[str], public: str, text: str) -> list[str]:
    return [x for x in lines if x not in public and (x in text or json.dumps(x)[1:-1] in text)]


# ---------------------------------------------------------------- student edition

@pytest.mark.parametrize("path", notebooks.chapters(BOOK), ids=lambda p: p.name)
def test_student_edition_of_every_chapter_holds_no_solution_line(path):
    nb = nbformat.read(path, as_version=4)
    lines, public = solution_lines(nb)
    assert lines, f"{path.name} has no solution regions"
    edition = make_student_edition(nb)
    text = nbformat.writes(edition.nb)
    assert not leaked(lines, public, text)
    assert "BEGIN SOLUTION" not in text
    assert text.count("raise NotImplementedError()") == len(notebooks.read_exercises(nb).solution_cells)
    for exercise_id in notebooks.read_exercises(nb).ids:   # every check cell is kept
        assert f'check(\\"{exercise_id}\\"' in text or f"check('{exercise_id}'" in text


def test_the_placeholder_is_nbgraders_stub_indented_like_the_marker():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n\ny = 1"
    replaced, removed = notebooks.replace_regions(source, notebooks.CODE_STUB)
    assert replaced == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n\ny = 1"
    assert removed == ["    return 2 * x"]
    for bad in ("### BEGIN SOLUTION\nx = 1", "### END SOLUTION", "### BEGIN SOLUTION\n### BEGIN SOLUTION"):
        with pytest.raises(notebooks.MarkerError):
            notebooks.solution_regions(bad)


def planted_notebook():
    """A notebook hiding its solution in every place an output can echo it."""
    secret = "answer = 6 * 7 + offset"
    cells = [
        new_code_cell("offset = 0"),
        new_markdown_cell("```{exercise} Six sevens (1 point)\n:label: ex-test-six\nCompute it.\n```"),
        new_code_cell(f"### BEGIN SOLUTION\n{secret}\nprint('{secret}')\n### END SOLUTION",
                      outputs=[new_output("stream", name="stdout", text=secret + "\n")]),
        new_code_cell('check("ex-test-six", answer)', outputs=[new_output("stream", name="stdout", text="PASS\n")]),
        new_code_cell("print(answer + 1)", outputs=[new_output("stream", name="stdout", text="43\n")]),
        new_code_cell("print('later')", outputs=[new_output(
            "display_data", data={"text/html": "<pre>answer = 6 * 7 + offset</pre>"})],
            metadata={"note": secret, "tags": ["keep-me"]}),
        new_markdown_cell("```{solution} ex-test-six\nThe answer is `six_sevens = 42`.\n```\nAfter."),
        new_markdown_cell("```{solution-start} ex-test-six\n```\nGated text: forty_two = 42"),
        new_code_cell("gated_code = 40 + 2"),
        new_markdown_cell("```{solution-end}\n```"),
    ]
    cells[1].attachments = {"note.txt": {"text/plain": secret}}
    nb = new_notebook(cells=cells, metadata={"widgets": {"state": {"value": secret}}})
    return nb, [secret, "print('answer = 6 * 7 + offset')", "six_sevens = 42", "forty_two = 42", "gated_code = 40 + 2"]


def test_no_solution_survives_in_outputs_metadata_attachments_or_solution_blocks():
    nb, secrets = planted_notebook()
    before = nbformat.writes(nb)
    edition = make_student_edition(nb)
    text = nbformat.writes(edition.nb)
    assert nbformat.writes(nb) == before, "the instructor's notebook was modified"
    assert [s for s in secrets if s in text or json.dumps(s)[1:-1] in text] == []
    cells = edition.nb.cells
    assert cells[2].source == "# YOUR CODE HERE\nraise NotImplementedError()" and cells[2].outputs == []
    assert cells[3].outputs == [] and cells[4].outputs == []      # the check, and a cell reading `answer`
    assert cells[5].metadata["tags"] == ["keep-me"] and cells[5].outputs == []
    assert cells[6].source == "After." and len(cells) == 7        # solution blocks and the gated cell dropped
    assert "raises-exception" in cells[2].metadata["tags"] and "raises-exception" in cells[3].metadata["tags"]
    assert "widgets" not in edition.nb.metadata and "attachments" not in cells[1]


def test_write_student_edition_refuses_to_overwrite_the_book(tmp_path):
    with pytest.raises(ValueError):
        write_student_edition(BOOK, BOOK)
    assert main(["student-edition", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != output.MANIFEST) == \
        [p.name for p in notebooks.chapters(BOOK)]


def test_the_book_follows_the_exercise_convention():
    errors, _ = check_book.check_book(BOOK)
    assert errors == []


def test_check_book_reports_markers_nbgrader_would_not_see_and_wrong_points():
    nb = new_notebook(cells=[
        new_markdown_cell("```{exercise} AND (5 points)\n:label: ex-perceptron-and\n```"),
        new_code_cell("# BEGIN SOLUTION please\nw0 = -1.5\n### END SOLUTION"),
        new_code_cell('check("ex-perceptron-and", w0, [1, 1])')])
    errors, warnings = check_book.check_chapter(nb, "x.ipynb", load_all())
    assert any("is not '### BEGIN SOLUTION'" in e for e in errors)
    assert any("says 5 points, the registry 2" in e for e in errors)
    assert any("hide-cell" in w for w in warnings)


# ---------------------------------------------------------------- student site

def test_student_site_drops_instructor_pages_and_marks_failing_cells(tmp_path):
    root = tmp_path / "root"
    (root / "book").mkdir(parents=True)
    for path in [*BOOK.glob("*.md"), CHAPTER]:
        (root / "book" / path.name).write_bytes(path.read_bytes())
    (root / "book" / "instructors.md").write_text("# For instructors\n")
    (root / "_config.yml").write_bytes((ROOT / "_config.yml").read_bytes())
    toc = {"format": "jb-book", "root": "book/intro", "parts": [
        {"numbered": True, "chapters": [{"file": "book/01_perceptron"}]},
        {"caption": "For instructors", "chapters": [{"file": "book/instructors"}]}]}
    (root / "_toc.yml").write_text(yaml.safe_dump(toc))
    out = tmp_path / "site"
    assert main(["student-site", str(out), "--root", str(root)]) == 0
    assert not (out / "book" / "instructors.md").exists()
    site_toc = yaml.safe_load((out / "_toc.yml").read_text())
    assert site_toc["parts"] == toc["parts"][:1]
    config = yaml.safe_load((out / "_config.yml").read_text())
    book_url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    assert config["repository"]["url"] == book_url + "-students"   # the guide's recommended name
    assert config["title"].endswith("(student edition)") and config["execute"]["execute_notebooks"] == "force"
    nb = nbformat.read(out / "book" / "01_perceptron.ipynb", as_version=4)
    failing = [c for c in nb.cells if "raises-exception" in c.metadata.get("tags", [])]
    exercises = notebooks.read_exercises(nbformat.read(CHAPTER, as_version=4))
    assert len(failing) == len(exercises.solution_cells) + len(exercises.ids) and all("remove-output" in c.metadata["tags"] for c in failing)
    assert main(["student-site", str(out), "--root", str(root), "--repository-url",
                 "https://github.com/course/students", "--no-execute"]) == 0
    config = yaml.safe_load((out / "_config.yml").read_text())
    assert config["repository"]["url"] == "https://github.com/course/students"
    assert config["execute"]["execute_notebooks"] == "off"
    with pytest.raises(ValueError, match="would overwrite the book"):
        student_site.write_student_site(root, root / "book")


def test_scan_finds_a_solution_line_in_highlighted_html(tmp_path):
    secrets = student_site.book_secrets(BOOK)
    # a plain assignment ("name = value"), as Pygments splits it into spans
    line = next(s for s in sorted(secrets) if re.fullmatch(r"[A-Za-z_]\w* = \S.*", s))
    name, rest = line.split("=", 1)
    html = f'<span class="n">{name.strip()}</span> <span class="o">=</span> {rest.strip()}'
    (tmp_path / "page.html").write_text(f"<html><pre>{html}</pre></html>")
    (tmp_path / "clean.html").write_text("<html>nothing here</html>")
    assert [p.name for p, _ in student_site.scan(tmp_path, secrets)] == ["page.html"]


# ---------------------------------------------------------------- grading

def digest(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    key = small_chapter()
    book = base / "book"
    book.mkdir()
    nbformat.write(key, book / CHAPTER.name)
    blank = make_student_edition(key).nb
    faker = with_solution(blank, "ex-perceptron-and", "print('PASS ex-perceptron-and (2/2 points)')")
    line_check = notebooks.read_exercises(faker).check_cells["ex-perceptron-line"][0]
    faker.cells[line_check].source = "print('PASS ex-perceptron-line (1/1 points)')"
    crash = with_solution(key, "ex-perceptron-line", "import os\nos._exit(1)")
    crash = with_solution(crash, "ex-perceptron-rule", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    students = {
        "key": key, "blank": blank, "faker": faker, "crash": crash,
        "hang": with_solution(key, "ex-perceptron-and", "while True:\n    pass"),
        "memory": with_solution(key, "ex-perceptron-by-hand", "import numpy as np\nbig = np.empty(3 * 2**30, np.uint8)"),
        "tamper": with_solution(blank, "ex-perceptron-line",
                                "from lecture_code import exercises\nexercises.RESULTS['ex-perceptron-line'] = (True, None)"),
    }
    submissions = base / "submissions"
    for name, nb in students.items():
        (submissions / name / "nested").mkdir(parents=True)
        nbformat.write(nb, submissions / name / ("nested" if name == "key" else "") / CHAPTER.name)
    (submissions / "corrupt").mkdir()
    (submissions / "corrupt" / CHAPTER.name).write_text('{"cells": [ this is not JSON')
    (submissions / "missing").mkdir()
    (submissions / "missing" / "02_activations.ipynb").write_text("{}")
    before = digest(base)
    out = base / "grades.csv"
    status = main(["grade", str(submissions), "--out", str(out), "--book", str(book), "--timeout",
                   str(CELL_SECONDS), "--memory-mb", "2048", "--jobs", "2"])
    after = digest(base)
    after.pop(str(out))
    after.pop(str(gradebook.log_path(out)))
    rows = list(csv.DictReader(out.open()))
    return status, rows, before == after


def rows_of(graded, student: str) -> dict[str, dict]:
    return {r["exercise"]: r for r in graded[1] if r["student"] == student}


def test_grading_writes_one_row_per_student_notebook_and_exercise(graded):
    status, rows, untouched = graded
    assert status == 0 and untouched, "grading must not modify the submissions or the book"
    points = {i: e.points for i, e in load_all().items() if i.startswith("ex-perceptron")}
    assert len(rows) == 9 * 5
    assert {(r["exercise"], int(r["possible"])) for r in rows} == {(i, p) for i, p in points.items()}
    assert tuple(rows[0]) == gradebook.HEADER == tuple(f.name for f in dataclasses.fields(grading.Row))


def test_the_answer_key_scores_full_marks(graded):
    rows = rows_of(graded, "key")
    assert all(r["status"] == "pass" and r["points"] == r["possible"] for r in rows.values())


def test_the_untouched_student_edition_scores_zero_with_reasons(graded):
    for row in rows_of(graded, "blank").values():
        assert row["points"] == "0" and "NameError" in row["observed"]
        assert re.search(r"the cell above \(cell \d+\) raised NotImplementedError", row["observed"])


def test_a_hang_costs_that_exercise_only(graded):
    rows = rows_of(graded, "hang")
    assert rows["ex-perceptron-and"]["points"] == "0"
    assert f"time limit of {CELL_SECONDS} s" in rows["ex-perceptron-and"]["observed"]
    assert [r["status"] for e, r in rows.items() if e != "ex-perceptron-and"] == ["pass"] * 4


def test_a_kernel_crash_costs_that_exercise_and_the_kernel_is_restarted(graded):
    rows = rows_of(graded, "crash")
    assert "kernel died running it (exit code 1)" in rows["ex-perceptron-line"]["observed"]
    assert "kernel died running it (killed by SIGKILL)" in rows["ex-perceptron-rule"]["observed"]
    assert rows["ex-perceptron-by-hand"]["status"] == rows["ex-perceptron-and"]["status"] == "pass"


def test_the_memory_limit_applies_in_the_kernel(graded):
    rows = rows_of(graded, "memory")
    assert "MemoryError" in rows["ex-perceptron-by-hand"]["observed"]
    assert rows["ex-perceptron-rule"]["status"] == "pass"


def test_a_printed_pass_earns_nothing(graded):
    rows = rows_of(graded, "faker")
    assert rows["ex-perceptron-and"]["points"] == "0"
    assert "was printed, but the recorded check did not pass" in rows["ex-perceptron-and"]["observed"]
    assert rows["ex-perceptron-line"]["points"] == "0"
    assert "no check cell for ex-perceptron-line" in rows["ex-perceptron-line"]["observed"]


def test_tampering_with_the_results_is_flagged_for_review(graded):
    row = rows_of(graded, "tamper")["ex-perceptron-line"]
    assert "review by hand: the code mentions RESULTS" in row["observed"]


def test_corrupt_and_missing_notebooks_get_their_rows(graded):
    for row in rows_of(graded, "corrupt").values():
        assert row["status"] == "invalid" and "NotJSONError" in row["observed"]
    for row in rows_of(graded, "missing").values():
        assert row["status"] == "missing" and "notebook missing" in row["observed"]


def test_a_forged_grading_report_is_rejected():
    run = runner.Run()
    cell = new_code_cell("", outputs=[new_output("stream", name="stdout", text=(
        'LECTURE_CODE_GRADER nonce1 {"results": {}}\nLECTURE_CODE_GRADER guess {"results": {"x": [true, null]}}\n'))])
    runner._read_report(cell, "LECTURE_CODE_GRADER nonce1", run)
    assert run.results is None and "tampered" in run.problem
    assert re.search(r"print\(__MARK__", runner.GRADER_CELL)
    assert report.summary([grading.Row("a", "n.ipynb", "ex-1", 2, 3, "pass", "PASS", "")]).splitlines()[1].split()[:2] == ["a", "2/3"]


def test_tag_solutions_adds_only_the_tag_and_only_once(tmp_path):
    before = nbformat.read(CHAPTER, as_version=4)
    for cell in before.cells:   # as if the chapter's author had not tagged them yet
        cell.metadata["tags"] = [t for t in cell.metadata.get("tags", []) if t not in check_book.HIDDEN]
    nbformat.write(before, tmp_path / CHAPTER.name)
    assert check_book.tag_solutions(tmp_path) == [tmp_path / CHAPTER.name]
    after = nbformat.read(tmp_path / CHAPTER.name, as_version=4)
    solutions = set(notebooks.read_exercises(before).solution_cells)
    for index, (old, new) in enumerate(zip(before.cells, after.cells)):
        tags = new.metadata.get("tags", [])
        assert ("hide-cell" in tags) == (index in solutions or "hide-cell" in old.metadata.get("tags", []))
        assert new.source == old.source and new.get("outputs") == old.get("outputs")
    assert check_book.tag_solutions(tmp_path) == []
    _, warnings = check_book.check_chapter(after, CHAPTER.name, load_all())
    assert not [w for w in warnings if "hide-cell" in w]


# ---------------------------------------------------------------- the term: gradebook, feedback, extending

def row(student, exercise, points=0, possible=2, status="not yet", notebook="01_perceptron.ipynb"):
    return grading.Row(student, notebook, exercise, points, possible, status, "NOT YET: look again", "")


def test_a_partial_run_replaces_only_its_rows_and_logs_each_change(tmp_path):
    book = tmp_path / "grades.csv"
    students, exercises = [f"s{i:02d}" for i in range(11)], [f"ex-{j}" for j in range(12)]
    gradebook.update(book, [row(s, e, notebook=f"{j // 4:02d}_x.ipynb") for s in students
                            for j, e in enumerate(exercises)], "grade everything")
    before = gradebook.read(book)
    assert len(before) == 132
    again = [row(s, e, points=2, status="pass", notebook="00_x.ipynb") for s in students for e in exercises[:1]]
    rows, changes = gradebook.update(book, again + [row("s03", "ex-1", notebook="00_x.ipynb")], "grade 00_x")
    assert len(gradebook.read(book)) == 132 and len(changes) == 11
    kept = {(r.student, r.exercise): r for r in before}
    for new in gradebook.read(book):
        if new.exercise == "ex-0":
            assert (new.points, new.status) == (2, "pass") and new.graded
        elif (new.student, new.exercise) == ("s03", "ex-1"):   # graded again, the same result: not a change
            assert dataclasses.replace(new, graded="") == dataclasses.replace(kept["s03", "ex-1"], graded="")
        else:
            assert new == kept[new.student, new.exercise]
    log = gradebook.log_path(book).read_text().splitlines()
    assert len(log) == 1 + 132 + 1 + 11 and re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ grade 00_x: 12 rows", log[133])
    assert log[-1].endswith("s10 00_x.ipynb ex-0: 0/2 not yet -> 2/2 pass")


def test_a_file_that_is_not_a_gradebook_is_refused_before_grading(tmp_path, capsys):
    notes = tmp_path / "grades.csv"
    notes.write_text("my notes,on the class\n")
    (tmp_path / "submissions" / "ada").mkdir(parents=True)
    assert main(["grade", str(tmp_path / "submissions"), "--out", str(notes)]) == 2
    assert "is not a gradebook" in capsys.readouterr().err and notes.read_text() == "my notes,on the class\n"


def test_one_students_folder_and_chosen_students(tmp_path):
    for name in ("ada", "bob", "carol"):
        (tmp_path / name).mkdir()
    (tmp_path / "carol" / CHAPTER.name).write_text("{}")
    assert grading.student_folders(tmp_path / "carol") == [tmp_path / "carol"]
    assert grading.student_folders(tmp_path, ["bob", "ada"]) == [tmp_path / "ada", tmp_path / "bob"]
    with pytest.raises(FileNotFoundError, match="--students: no folder dave"):
        grading.student_folders(tmp_path, ["dave"])


def test_more_jobs_than_cores_gets_a_warning(tmp_path):
    import io
    import os
    stream = io.StringIO()
    with pytest.raises(FileNotFoundError):
        grading.grade(tmp_path / "nobody", BOOK, runner.Limits(), jobs=(os.cpu_count() or 1) + 2, stream=stream)
    assert "more than the" in stream.getvalue() and "CPU cores" in stream.getvalue()


def test_a_renamed_notebook_is_graded_with_a_note_and_two_candidates_are_not(tmp_path):
    (tmp_path / "Copy of 01_perceptron.ipynb").write_text("{}")
    path, note = grading.find_submission(tmp_path, CHAPTER.name)
    assert path == tmp_path / "Copy of 01_perceptron.ipynb" and "hand the notebook in as 01_perceptron" in note
    (tmp_path / "01_perceptron (1).ipynb").write_text("{}")
    path, why = grading.find_submission(tmp_path, CHAPTER.name)
    assert path is None and "keep one and name it 01_perceptron.ipynb" in why


def test_partial_credit_is_printed_recorded_and_scored(capsys):
    from lecture_code import exercises

    @exercises.exercise("ex-test-parts", points=3, parts={"z": 1, "y_hat": 2})
    def parts(z, y_hat):
        return {"z": None if z == 3 else "z is 3", "y_hat": None if y_hat == 1 else "y_hat is 1"}
    try:
        exercises.check("ex-test-parts", 3, 0)
        assert capsys.readouterr().out == "NOT YET ex-test-parts (1/3 points): y_hat: y_hat is 1\n"
        assert exercises.RESULTS["ex-test-parts"] == (False, "y_hat: y_hat is 1", 1)
        exercises.check("ex-test-parts", 3, 1)
        assert capsys.readouterr().out.startswith("PASS ex-test-parts (3/3 points)")
        exercises.check("ex-test-parts", 0, 0)
        assert exercises.RESULTS["ex-test-parts"][2] == 0
        with pytest.raises(ValueError, match="add up to 2 points"):
            exercises.exercise("ex-test-bad", points=3, parts={"a": 1, "b": 1})
        # the grading cell reports the points earned, and the grader scores them
        exercises.RESULTS["ex-test-parts"] = (False, "y_hat: y_hat is 1", 1)
        capsys.readouterr()
        mark = f"{runner.GRADER_MARK} nonce"
        exec(runner.GRADER_CELL.replace("__MARK__", repr(mark)), {})
        cell = new_code_cell("", outputs=[new_output("stream", name="stdout", text=capsys.readouterr().out)])
        run = runner.Run()
        runner._read_report(cell, mark, run)
        assert run.results["ex-test-parts"] == (False, "y_hat: y_hat is 1", 1)
        nb = new_notebook(cells=[new_code_cell("z, y_hat = 3, 0"), new_code_cell('check("ex-test-parts", z, y_hat)')])
        task = grading.Task("ada", "x.ipynb", None, "", {"ex-test-parts": 3}, frozenset(), runner.Limits(), Path())
        [scored] = grading.score(task, nb, run)
        assert (scored.points, scored.possible, scored.status) == (1, 3, "partial")
    finally:
        exercises.REGISTRY.pop("ex-test-parts", None)
        exercises.RESULTS.clear()


def test_an_exercise_added_after_the_hand_out_is_named_as_such():
    nb = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell('check("ex-perceptron-line", x)')])
    task = grading.Task("ada", "x.ipynb", None, "", {"ex-perceptron-line": 1, "ex-perceptron-rule": 2},
                        frozenset(), runner.Limits(), Path())
    run = runner.Run(results={"ex-perceptron-line": (True, None, 1)})
    line, rule = grading.score(task, nb, run)
    assert line.status == "pass" and rule.status == "missing"
    assert "not in this notebook: the student's copy is older than the exercise" in rule.observed


def test_a_new_check_module_is_found_without_a_list(tmp_path, monkeypatch):
    from lecture_code import exercises
    (tmp_path / "digits_demo.py").write_text(
        "from lecture_code.exercises import exercise\n\n"
        "@exercise('ex-digits-demo', points=1)\ndef demo(x):\n    return None if x == 1 else 'x is 1'\n")
    monkeypatch.setattr(exercises, "__path__", [*exercises.__path__, str(tmp_path)])
    monkeypatch.delitem(__import__("sys").modules, "lecture_code.exercises.digits_demo", raising=False)
    try:
        assert "digits_demo" in exercises.check_modules()
        assert exercises.load_all()["ex-digits-demo"].points == 1
        files = {p.stem for p in Path(exercises.__file__).parent.glob("[!_]*.py")}
        assert files <= set(exercises.check_modules())
    finally:
        exercises.REGISTRY.pop("ex-digits-demo", None)
        __import__("sys").modules.pop("lecture_code.exercises.digits_demo", None)


def test_check_book_reports_exercises_in_no_module_and_modules_in_no_chapter(tmp_path):
    nb = small_chapter()
    nb.cells.append(new_markdown_cell("```{exercise} New (1 point)\n:label: ex-perceptron-new\n```"))
    nb.cells.append(new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"))
    nb.cells.append(new_code_cell('check("ex-perceptron-new", x)'))
    nbformat.write(nb, tmp_path / CHAPTER.name)
    errors, warnings = check_book.check_book(tmp_path)
    assert any("ex-perceptron-new, which no check module registers" in e for e in errors)
    other = sorted(i for i in load_all() if not i.startswith("ex-perceptron"))
    assert [f"{i} is registered but no chapter checks it" for i in other] == \
        [w for w in warnings if "is registered but no chapter checks it" in w]


def test_output_folders_keep_what_the_tool_did_not_write(tmp_path):
    folder = tmp_path / "site"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (folder / "README.md").write_text("ours\n")
    first = output.OwnedFolder(folder, "student-site")
    first.claim(["a.txt", "sub/b.txt"])
    first.path("a.txt").write_text("1")
    first.path("sub/b.txt").write_text("2")
    second = output.OwnedFolder(folder, "student-site")
    second.claim(["a.txt"])   # sub/b.txt is the tool's own and no longer wanted: removed
    second.path("a.txt").write_text("1 again")
    assert not (folder / "sub").exists() and (folder / ".git" / "HEAD").is_file()
    assert (folder / "README.md").read_text() == "ours\n"
    with pytest.raises(FileExistsError, match="README.md, which student-site did not write"):
        output.OwnedFolder(folder, "student-site").claim(["a.txt", "README.md"])
    assert (folder / "a.txt").read_text() == "1 again", "a refused claim changes nothing"


def test_rerunning_the_student_site_in_the_students_repository_keeps_its_git(tmp_path):
    root = tmp_path / "root"
    (root / "book").mkdir(parents=True)
    for path in [*BOOK.glob("*.md"), CHAPTER]:
        (root / "book" / path.name).write_bytes(path.read_bytes())
    (root / "_config.yml").write_bytes((ROOT / "_config.yml").read_bytes())
    toc = {"format": "jb-book", "root": "book/intro", "chapters": [
        {"file": "book/01_perceptron"}, {"file": "book/errata"}, {"file": "book/api"}, {"file": "book/instructors"}]}
    (root / "_toc.yml").write_text(yaml.safe_dump(toc))
    site = tmp_path / "students"
    (site / ".git").mkdir(parents=True)
    (site / ".git" / "config").write_text("[core]\n")
    for _ in range(2):
        student_site.write_student_site(root, site, execute=False)
    assert (site / ".git" / "config").read_text() == "[core]\n"
    api = (site / "book" / "api.md").read_text()
    assert "instructor guide for the workflow" in api and "{doc}`instructor" not in api
    (site / "book" / "notes.md").write_text("mine")
    (root / "book" / "notes.md").write_text("the book's")
    with pytest.raises(FileExistsError, match="book/notes.md"):
        student_site.write_student_site(root, site, execute=False)
    assert (site / "book" / "notes.md").read_text() == "mine"


def test_references_to_excluded_pages_become_text():
    page = "(ch-reg)=\n# Regularization and generalization\n\n```{exercise} L1 (2 points)\n:label: ex-reg-l1\n```\n"
    gone = references.labels(page)
    assert gone == {"ch-reg": "Regularization and generalization", "ex-reg-l1": "L1"}
    pages = {"07_reg": "Regularization and generalization"}
    text = ("See {ref}`ch-reg`, {ref}`the L1 exercise <ex-reg-l1>`, {doc}`07_reg`, [chapter 7](07_reg.ipynb), "
            "[it](#ch-reg), {ref}`notation` and [numpy](https://numpy.org/a.md).")
    assert references.unlink(text, gone, pages) == (
        "See *Regularization and generalization*, the L1 exercise, Regularization and generalization, chapter 7, "
        "it, {ref}`notation` and [numpy](https://numpy.org/a.md).")


def test_feedback_files_name_each_exercise_its_points_hint_and_what_was_observed(tmp_path):
    rows = [grading.Row("ada", CHAPTER.name, "ex-perceptron-and", 0, 2, "error", "",
                        "the cell above (cell 30) failed: it was still running after the time limit of 60 s", "t"),
            grading.Row("ada", CHAPTER.name, "ex-perceptron-xor", 1, 2, "manual", "good start", "", "t"),
            grading.Row("bob", CHAPTER.name, "ex-perceptron-and", 2, 2, "pass", "PASS", "", "t")]
    files = feedback.write_feedback(rows, BOOK, tmp_path / "feedback")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in files) == [
        "feedback/ada/01_perceptron.md", "feedback/bob/01_perceptron.md"]
    text = files[0].read_text()
    assert "**1/4 points**" in text and "## AND with one perceptron (ex-perceptron-and): 0/2 points" in text
    assert "time limit of 60 s" in text and "Comment: good start" in text and "Why XOR needs two lines" in text
    (tmp_path / "feedback" / "ada" / "notes.md").write_text("mine")
    feedback.write_feedback(rows, BOOK, tmp_path / "feedback", students=["bob"])
    assert files[0].exists() and (tmp_path / "feedback" / "ada" / "notes.md").read_text() == "mine"


def test_the_manual_sheet_keeps_what_was_entered_and_checks_the_points(tmp_path):
    sheet = tmp_path / "manual.csv"
    assert gradebook.write_manual_sheet(sheet, ["ada"], BOOK, 2, {CHAPTER.name}) == 1
    sheet.write_text(sheet.read_text().replace(",,2,", ",1,2,"))
    assert gradebook.write_manual_sheet(sheet, ["ada", "bob"], BOOK, 2, {CHAPTER.name}) == 1
    rows = gradebook.read_manual_sheet(sheet)
    assert [(r.student, r.exercise, r.points, r.status) for r in rows] == [
        ("ada", "ex-perceptron-xor", 1, "manual"), ("bob", "ex-perceptron-xor", 0, "to grade")]
    sheet.write_text(sheet.read_text().replace(",1,2,", ",5,2,"))
    with pytest.raises(ValueError, match="line 2: points must be a whole number from 0 to 2"):
        gradebook.read_manual_sheet(sheet)


def test_the_export_has_one_row_per_student_and_a_total(tmp_path):
    rows = [row("ada", "ex-a", 2, 2, "pass"), row("ada", "ex-b", 1, 3, "partial"), row("bob", "ex-a")]
    header = gradebook.export_wide(rows, tmp_path / "lms.csv")
    assert header == ["Username", "ex-a [2]", "ex-b [3]", "Total [5]"]
    assert list(csv.reader((tmp_path / "lms.csv").open()))[1:] == [["ada", "2", "1", "3"], ["bob", "0", "0", "0"]]


def test_add_setup_cell_runs_before_the_environment_exists():
    """Step 2 of the guide: a Python without the book's packages (-S: no site-packages) creates or enters .venv."""
    import subprocess
    import sys
    base = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    done = subprocess.run([str(base), "-I", "-S", str(ROOT / "scripts" / "add_setup_cell.py"), "--check"],
                          capture_output=True, text=True, cwd=ROOT, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp",
                                                                         "VENV": sys.prefix})
    assert "creating the book's environment" in done.stderr
    assert done.returncode == 0 and "ok:" in done.stdout, done.stderr[-2000:]


def test_the_handout_never_installs_from_the_books_repository(tmp_path):
    from lecture_code.instructor import student_edition
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    nb = nbformat.read(CHAPTER, as_version=4)
    setup = next(c for c in nb.cells if c.source.startswith(student_edition.SETUP_MARKER))
    setup.source = setup.source.replace(config["repository"]["url"], "https://github.com/old/address")   # stale
    student_edition.move_repository(nb, student_edition.repository_moves(config, "https://github.com/course/s",
                                                                         "term2"))
    assert re.findall(r"git\+\S+@[\w-]+", setup.source) == ["git+https://github.com/course/s@term2"]
    with pytest.raises(ValueError, match="the book's own repository"):
        student_edition.repository_moves(config, config["repository"]["url"] + ".git", None)


def test_the_export_replaces_only_an_earlier_export(tmp_path):
    rows = [row("ada", "ex-a", 2, 2, "pass")]
    gradebook.export_wide(rows, tmp_path / "lms.csv")
    gradebook.export_wide(rows + [row("bob", "ex-a")], tmp_path / "lms.csv")
    assert len((tmp_path / "lms.csv").read_text().splitlines()) == 3
    for other in (tmp_path / "grades.csv", tmp_path / "notes.txt"):
        other.write_text("student,notebook\n")
        with pytest.raises(FileExistsError, match="not an export"):
            gradebook.export_wide(rows, other)


def test_grading_chosen_exercises_and_unknown_ones():
    key = grading.answer_key(BOOK, ["01_perceptron", "02_activations"], ["ex-perceptron-and"])
    assert list(key) == [CHAPTER.name] and list(key[CHAPTER.name][0]) == ["ex-perceptron-and"]
    with pytest.raises(ValueError, match="--exercises"):
        grading.answer_key(BOOK, ["01_perceptron"], ["ex-activations-nope"])


def test_check_book_says_to_re_execute_a_chapter_whose_stored_points_are_out_of_date():
    nb = small_chapter()
    errors, _ = check_book.check_chapter(nb, CHAPTER.name, load_all())
    assert errors == []
    index = notebooks.read_exercises(nb).check_cells["ex-perceptron-and"][0]
    nb.cells[index].outputs = [new_output("stream", name="stdout", text="PASS ex-perceptron-and (3/3 points)\n")]
    errors, _ = check_book.check_chapter(nb, CHAPTER.name, load_all())
    assert errors == [f"{CHAPTER.name} cell {index}: the stored output of ex-perceptron-and says 3 points, the "
                      "registry 2; re-execute the chapter (python scripts/execute_notebooks.py book/01_perceptron.ipynb)"]


@pytest.mark.parametrize("code", ["import sys; sys.setprofile(None)", "sys.settrace(None)",
                                  "from lecture_code.exercises import _guard", "exercises.attempt = lambda *a: (True, None, 9)"])
def test_switching_off_the_write_it_watch_is_flagged_as_tampering(code):
    from lecture_code.instructor.grading import TAMPERING
    assert TAMPERING.search(code)


def test_the_setup_cell_of_a_student_edition_is_trusted_though_it_installs_from_the_students_repository():
    from lecture_code.instructor.grading import TAMPERING, trusted_form
    book = ('# Colab setup\nimport sys\nif "google.colab" in sys.modules:\n'
            '    pip("git+https://github.com/org/book@main")')
    handout = book.replace("org/book@main", "org/book-students@main")
    assert TAMPERING.search(handout)                      # it mentions sys.modules ...
    assert trusted_form(handout) == trusted_form(book)    # ... but is the book's own cell
    assert trusted_form(handout + "\nRESULTS.clear()") != trusted_form(book)


@pytest.mark.parametrize("line, informative", [
    ("return out", False), ("layers = []", False), ("total += 1", False), ("else:", False), (")", False),
    ("return out * mask / (1 - p)", True), ("layers = [Dense(a, b) for a, b in pairs]", True),
    ("best = 0.5", True), ("count = 0", False), ("return np.maximum(0, z)", True),
])
def test_a_line_any_program_holds_is_no_secret(line, informative):
    """``return out`` or ``layers = []`` of a solution occur in the site's own scripts too;
    they give nothing away, so the leak scan does not report them."""
    assert notebooks.is_informative(line) is informative


def test_a_submission_meets_the_same_check_inputs_at_every_regrade(tmp_path):
    """The grader seeds the checks' inputs from the student, the notebook and its content
    (LECTURE_CODE_CHECK_SEED in the kernel): a regrade of the same file draws the same inputs."""
    import asyncio
    nb = new_notebook(cells=[new_code_cell("from lecture_code.exercises import _answers\n"
                                           "print('draw', _answers.fresh().integers(2 ** 62))")])
    draw = lambda seed: re.search(r"draw (\d+)", asyncio.run(
        runner.run_notebook(nb, runner.Limits(cell_timeout=30), tmp_path, seed)).printed).group(1)
    assert draw(5) == draw(5) != draw(6)
    task = grading.Task("ada", "01_perceptron.ipynb", None, "", {}, frozenset(), runner.Limits(), Path())
    seed = grading.check_seed(task, b"{}")
    assert seed == grading.check_seed(task, b"{}")
    assert seed != grading.check_seed(dataclasses.replace(task, student="bob"), b"{}")
    assert seed != grading.check_seed(task, b'{"cells": []}')
