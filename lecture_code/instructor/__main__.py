"""``python -m lecture_code.instructor COMMAND``: the instructor's command line.

    check-book                      check the chapters' exercises (and optionally tag solutions)
    student-edition OUTDIR          every chapter without its solutions
    student-site OUTDIR             the book from the student edition, for jupyter-book build OUTDIR
    scan FOLDER                     search any folder (e.g. built HTML) for solution lines
    grade SUBMISSIONS               re-execute and score notebooks; update the gradebook grades.csv
    simulate-class OUT              plausible submissions of N students, to measure the grader with
    feedback                        one feedback file per student and notebook, from the gradebook
    manual-sheet SHEET              the sheet of points for written answers, to fill in
    merge-manual SHEET              put the sheet's points into the gradebook
    export OUT                      the gradebook as one row per student, for a learning-management system

Run ``python -m lecture_code.instructor COMMAND --help`` for the options.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .sandbox import PACKAGE_PARENT

ROOT = PACKAGE_PARENT   # the repository: _config.yml, _toc.yml, book/


def _student_edition(args) -> int:
    from .student_edition import write_student_edition
    editions = write_student_edition(args.book, args.outdir, args.repository_url, args.branch)
    for name, edition in editions.items():
        print(f"{args.outdir / name}: {len(edition.solution_cells)} solutions replaced, "
              f"{len(edition.check_cells)} checks kept")
    return 0


def _student_site(args) -> int:
    from .student_site import INSTRUCTOR_PAGES, write_student_site
    editions = write_student_site(args.root, args.outdir, args.repository_url, args.branch,
                                  execute=not args.no_execute, exclude=(*INSTRUCTOR_PAGES, *args.exclude))
    print(f"wrote {args.outdir} ({len(editions)} notebooks, student edition); build it with\n"
          f"    jupyter-book build {args.outdir}\n"
          f"then check the HTML with\n"
          f"    python -m lecture_code.instructor scan {args.outdir / '_build'}")
    return 0


def _scope(args) -> str:
    """What a grading run covers, as its log line and its journal name it."""
    return "; ".join(f"{name}: {' '.join(values)}" for name, values in
                     (("students", args.students), ("notebooks", args.notebooks), ("exercises", args.exercises))
                     if values) or "everything"


def _stopped(error: BaseException, journal) -> int:
    """Say what a run that stopped early keeps (Ctrl-C, or a worker that cannot grade); its exit status."""
    from .report import count
    journal.close()
    kept = (f"{count(len(journal.entries), 'notebook')} graded so far kept in {journal.path}; run the same "
            "command again to grade the rest")
    if isinstance(error, KeyboardInterrupt):
        print(f"\ninterrupted: {kept}", file=sys.stderr)
        return 130
    print(f"error: {error}\n{kept}", file=sys.stderr)
    return 1


def _grade(args) -> int:
    from . import gradebook
    from .grading import GradingStopped, grade
    from .journal import Journal
    from .report import summary
    from .runner import Limits
    gradebook.read(args.out)   # refuse a file that is not a gradebook before grading for an hour
    limits = Limits(args.timeout, args.notebook_timeout, args.memory_mb)
    what = f"grade {args.submissions} ({_scope(args)})"
    journal = Journal(gradebook.journal_path(args.out), f"grade {args.submissions.resolve()} ({_scope(args)})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    try:
        rows = grade(args.submissions, args.book, limits, args.notebooks, args.jobs, students=args.students,
                     exercises=args.exercises, journal=journal, scheduler=args.scheduler)
    except (KeyboardInterrupt, GradingStopped) as error:
        return _stopped(error, journal)
    every, changes = gradebook.update(args.out, rows, what)
    journal.remove()
    print(summary(rows))
    print(f"\n{len(rows)} rows graded, {len(changes)} changed; {args.out} holds {len(every)} rows "
          f"(log: {gradebook.log_path(args.out)})")
    return 0


def _simulate_class(args) -> int:
    from .simulate import simulate_class
    students = simulate_class(args.book, args.out, args.students, args.seed, args.notebooks)
    kinds = {kind: sum(s.kind == kind for s in students) for kind in ("complete", "partial", "wrong", "hostile")}
    print(f"wrote {len(students)} simulated students into {args.out} ("
          + ", ".join(f"{n} {kind}" for kind, n in kinds.items()) + f"; who is what: {args.out / 'students.csv'})")
    return 0


def _feedback(args) -> int:
    from . import gradebook
    from .feedback import write_feedback
    files = write_feedback(gradebook.read(_existing(args.gradebook)), args.book, args.out, args.students)
    print(f"{len(files)} feedback files written to {args.out}")
    return 0


def _manual_sheet(args) -> int:
    from . import gradebook
    rows = gradebook.read(_existing(args.gradebook))
    students = args.students or list(dict.fromkeys(r.student for r in rows))
    added = gradebook.write_manual_sheet(args.sheet, students, args.book, args.possible, {r.notebook for r in rows})
    print(f"{added} rows added to {args.sheet}; fill in the points column, then run merge-manual {args.sheet}")
    return 0


def _merge_manual(args) -> int:
    from . import gradebook
    rows = gradebook.read_manual_sheet(_existing(args.sheet))
    every, changes = gradebook.update(args.gradebook, rows, f"merge-manual {args.sheet}")
    waiting = sum(r.status == "to grade" for r in rows)
    print(f"{len(rows)} rows merged ({waiting} still to grade), {len(changes)} changed; "
          f"{args.gradebook} holds {len(every)} rows")
    return 0


def _export(args) -> int:
    from . import gradebook
    header = gradebook.export_wide(gradebook.read(_existing(args.gradebook)), args.out, args.id_column)
    print(f"wrote {args.out}: columns {header[0]}, {len(header) - 2} exercises, {header[-1]}")
    return 0


def _existing(path: Path) -> Path:
    if not Path(path).is_file():
        raise FileNotFoundError(f"no file {path}")
    return path


def _check_book(args) -> int:
    from .check_book import check_book, tag_solutions
    if args.tag_solutions:
        for path in tag_solutions(args.book, args.tag_solutions):
            print(f"tagged the solution cells of {path} with {args.tag_solutions}")
    errors, warnings = check_book(args.book)
    for line in warnings:
        print(f"warning: {line}")
    for line in errors:
        print(f"error: {line}")
    print(f"{len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


def _scan(args) -> int:
    from .student_site import book_secrets, scan
    found = scan(args.folder, book_secrets(args.book))
    for path, line in found:
        print(f"{path}: {line}")
    print(f"{len(found)} solution lines found in {args.folder}")
    return 1 if found else 0


def parser() -> argparse.ArgumentParser:
    """The command line's parser."""
    top = argparse.ArgumentParser(prog="python -m lecture_code.instructor", description=__doc__.split("\n")[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", required=True)
    book = {"type": Path, "default": ROOT / "book", "help": "the chapters (default: %(default)s)"}
    students = {"metavar": "URL", "help": "the students' repository, which holds the student site, for the Colab "
                "setup cells and the launch buttons (default: the book's repository.url with -students appended)"}

    command = commands.add_parser("student-edition", help="every chapter without its solutions")
    command.add_argument("outdir", type=Path)
    command.add_argument("--book", **book)
    command.add_argument("--repository-url", **students)
    command.add_argument("--branch", help="that repository's branch (default: the book's)")
    command.set_defaults(run=_student_edition)

    command = commands.add_parser("student-site", help="the book built from the student edition")
    command.add_argument("outdir", type=Path)
    command.add_argument("--root", type=Path, default=ROOT, help="the book's repository (default: %(default)s)")
    command.add_argument("--repository-url", **students)
    command.add_argument("--branch", help="that repository's branch (default: the book's)")
    command.add_argument("--exclude", nargs="+", default=[], metavar="PAGE",
                         help="also leave out these pages, e.g. book/06_backprop (the instructor guide always is)")
    command.add_argument("--no-execute", action="store_true",
                         help="show the stored outputs instead of executing the notebooks")
    command.set_defaults(run=_student_site)

    gradebook = {"type": Path, "default": Path("grades.csv"), "help": "the gradebook (default: %(default)s)"}
    chosen = {"nargs": "+", "metavar": "NAME", "help": "only these students (their folder names)"}

    command = commands.add_parser("grade", help="re-execute and score notebooks; update the gradebook")
    command.add_argument("submissions", type=Path, help="one folder per student, holding their notebooks "
                         "(or one student's folder)")
    command.add_argument("--out", **gradebook)
    command.add_argument("--book", **book)
    command.add_argument("--students", **chosen)
    command.add_argument("--notebooks", nargs="+", metavar="NAME",
                         help="grade only these chapters, e.g. 01_perceptron (default: all)")
    command.add_argument("--exercises", nargs="+", metavar="ID",
                         help="record only these exercises, e.g. ex-perceptron-and (default: all)")
    command.add_argument("--timeout", type=int, default=60, help="seconds per cell (default: %(default)s)")
    command.add_argument("--notebook-timeout", type=int, default=900,
                         help="seconds per notebook, restarts included (default: %(default)s)")
    command.add_argument("--memory-mb", type=int, default=4096,
                         help="address-space limit per kernel in MiB, 0 for none (default: %(default)s)")
    command.add_argument("--jobs", type=int, default=1, help="notebooks graded at once; with --scheduler local, "
                         "the cluster's workers (default: %(default)s)")
    command.add_argument("--scheduler", metavar="ADDRESS",
                         help="grade on a Dask cluster: a scheduler's address (tcp://host:8786), or local for a "
                         "cluster of --jobs workers on this machine (needs pip install -e '.[cluster]')")
    command.set_defaults(run=_grade)

    command = commands.add_parser("simulate-class", help="plausible submissions of a whole class, to measure with")
    command.add_argument("out", type=Path, help="a new folder: one folder per student, as grade reads them")
    command.add_argument("--students", type=int, required=True, metavar="N", help="how many students")
    command.add_argument("--seed", type=int, default=0, help="draws the kinds and answers (default: %(default)s)")
    command.add_argument("--book", **book)
    command.add_argument("--notebooks", nargs="+", metavar="NAME", help="only these chapters (default: all)")
    command.set_defaults(run=_simulate_class)

    command = commands.add_parser("feedback", help="one feedback file per student and notebook")
    command.add_argument("--gradebook", **gradebook)
    command.add_argument("--book", **book)
    command.add_argument("--out", type=Path, default=Path("feedback"), help="the folder (default: %(default)s)")
    command.add_argument("--students", **chosen)
    command.set_defaults(run=_feedback)

    command = commands.add_parser("manual-sheet", help="the sheet of points for written answers")
    command.add_argument("sheet", type=Path, help="the CSV to create, or to add missing rows to")
    command.add_argument("--gradebook", **gradebook)
    command.add_argument("--book", **book)
    command.add_argument("--students", **dict(chosen, help="these students (default: the gradebook's)"))
    command.add_argument("--possible", type=int, default=2,
                         help="points a written answer is worth (default: %(default)s)")
    command.set_defaults(run=_manual_sheet)

    command = commands.add_parser("merge-manual", help="put the sheet's points into the gradebook")
    command.add_argument("sheet", type=Path)
    command.add_argument("--gradebook", **gradebook)
    command.set_defaults(run=_merge_manual)

    command = commands.add_parser("export", help="one row per student, for a learning-management system")
    command.add_argument("out", type=Path)
    command.add_argument("--gradebook", **gradebook)
    command.add_argument("--id-column", default="Username",
                         help="the name of the first column, the student (default: %(default)s)")
    command.set_defaults(run=_export)

    command = commands.add_parser("check-book", help="check the chapters' exercises")
    command.add_argument("--book", **book)
    command.add_argument("--tag-solutions", nargs="?", const="hide-cell", metavar="TAG",
                         help="first add TAG (default hide-cell) to untagged solution cells, in place")
    command.set_defaults(run=_check_book)

    command = commands.add_parser("scan", help="search a folder for solution lines")
    command.add_argument("folder", type=Path)
    command.add_argument("--book", **book)
    command.set_defaults(run=_scan)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit status."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (FileNotFoundError, FileExistsError, ValueError, ConnectionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted: nothing written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
