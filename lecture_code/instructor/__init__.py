"""Instructor tools: the student edition, the student site and the grader.

Run them as ``python -m lecture_code.instructor <command>``:

``student-edition OUTDIR``
    writes every chapter notebook with each solution region replaced by
    ``# YOUR CODE HERE`` / ``raise NotImplementedError()``.
``student-site OUTDIR``
    writes a copy of the book built from the student edition, for
    ``jupyter-book build OUTDIR``.
``grade SUBMISSIONS --out grades.csv``
    re-executes every student's notebooks, one sandboxed kernel each, and
    writes one CSV row per student, notebook and exercise.
``check-book``
    checks that every chapter follows the exercise convention.

The book's instructor guide (``book/instructors.md``) describes the workflow
and what the grader's sandbox does not protect against. The modules are
``notebooks`` (the exercise convention), ``student_edition``, ``student_site``,
``check_book``, ``sandbox`` (the kernel's limits), ``runner`` (executing one
notebook), ``grading`` (scoring a class) and ``report`` (its CSV and summary).
"""
from __future__ import annotations

__all__: list[str] = []
