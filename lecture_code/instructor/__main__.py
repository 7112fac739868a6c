"""``python -m lecture_code.instructor COMMAND``: the instructor's command line.

    student-edition OUTDIR          every chapter without its solutions
    student-site OUTDIR             the book from the student edition, for jupyter-book build OUTDIR
    grade SUBMISSIONS --out CSV     re-execute and score every student's notebooks
    check-book                      check the chapters' exercises (and optionally tag solutions)
    scan FOLDER                     search any folder (e.g. built HTML) for solution lines

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
    editions = write_student_edition(args.book, args.outdir)
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


def _grade(args) -> int:
    from .grading import grade
    from .report import summary, write_csv
    from .runner import Limits
    limits = Limits(args.timeout, args.notebook_timeout, args.memory_mb)
    rows = grade(args.submissions, args.book, limits, args.notebooks, args.jobs)
    write_csv(rows, args.out)
    print(summary(rows))
    print(f"\n{len(rows)} rows written to {args.out}")
    return 0


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

    command = commands.add_parser("student-edition", help="every chapter without its solutions")
    command.add_argument("outdir", type=Path)
    command.add_argument("--book", **book)
    command.set_defaults(run=_student_edition)

    command = commands.add_parser("student-site", help="the book built from the student edition")
    command.add_argument("outdir", type=Path)
    command.add_argument("--root", type=Path, default=ROOT, help="the book's repository (default: %(default)s)")
    command.add_argument("--repository-url", help="repository holding the student edition, for the launch "
                         "buttons (default: none, buttons off)")
    command.add_argument("--branch", help="that repository's branch")
    command.add_argument("--exclude", nargs="+", default=[], metavar="PAGE",
                         help="also leave out these pages, e.g. book/06_backprop (the instructor guide always is)")
    command.add_argument("--no-execute", action="store_true",
                         help="show the stored outputs instead of executing the notebooks")
    command.set_defaults(run=_student_site)

    command = commands.add_parser("grade", help="re-execute and score every student's notebooks")
    command.add_argument("submissions", type=Path, help="one folder per student, holding their notebooks")
    command.add_argument("--out", type=Path, default=Path("grades.csv"), help="the CSV (default: %(default)s)")
    command.add_argument("--book", **book)
    command.add_argument("--notebooks", nargs="+", metavar="NAME",
                         help="grade only these chapters, e.g. 01_perceptron (default: all)")
    command.add_argument("--timeout", type=int, default=60, help="seconds per cell (default: %(default)s)")
    command.add_argument("--notebook-timeout", type=int, default=900,
                         help="seconds per notebook, restarts included (default: %(default)s)")
    command.add_argument("--memory-mb", type=int, default=4096,
                         help="address-space limit per kernel in MiB, 0 for none (default: %(default)s)")
    command.add_argument("--jobs", type=int, default=1, help="notebooks graded at once (default: %(default)s)")
    command.set_defaults(run=_grade)

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
    except (FileNotFoundError, FileExistsError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted: nothing written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
