"""Instructor tools: the student edition, the student site and the grader.

Run them as ``python -m lecture_code.instructor <command>``:

``student-edition OUTDIR``
    writes every chapter notebook with each solution region replaced by
    ``# YOUR CODE HERE`` / ``raise NotImplementedError()``.
``student-site OUTDIR``
    writes a copy of the book built from the student edition, for
    ``jupyter-book build OUTDIR``.
``grade SUBMISSIONS``
    re-executes the students' notebooks, one sandboxed kernel each, in local
    processes (``--jobs N``) or on a Dask cluster (``--scheduler ADDRESS``),
    and updates the gradebook (``grades.csv``: one row per student, notebook
    and exercise, replaced only where graded again, every change logged). Each
    notebook's rows reach a journal as soon as it is done, so a run that dies
    and is started again grades only what is missing.
``simulate-class OUT --students N``
    writes plausible submissions of N students (complete, partial, wrong and
    hostile ones), to try and measure the grader with.
``manual-sheet SHEET`` / ``merge-manual SHEET``
    points for the written answers, entered in a CSV sheet.
``feedback`` / ``export OUT``
    one feedback file per student and notebook; one row per student for a
    learning-management system.
``check-book``
    checks that every chapter follows the exercise convention.

The book's instructor guide (``book/instructors.md``) describes the workflow
and what the grader's sandbox does not protect against. The modules are
``notebooks`` (the exercise convention), ``student_edition``, ``student_site``,
``references`` (links to excluded pages), ``output`` (folders the tools own),
``check_book``, ``submissions`` (finding the notebooks), ``sandbox`` (the
kernel's limits), ``runner`` (executing one notebook), ``grading`` (scoring a
class), ``schedule`` (worker processes, and lost workers), ``cluster`` (a Dask
cluster, the only module that imports ``distributed``), ``journal`` (the
rows of an unfinished run), ``report`` (progress and summary), ``gradebook``
(the term's CSV, its log, the export and the manual sheet), ``feedback`` and
``simulate`` (a simulated class).
"""
from __future__ import annotations

__all__: list[str] = []
