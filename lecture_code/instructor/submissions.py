"""Where the grader finds the students' notebooks.

``SUBMISSIONS`` holds one folder per student, named as the student should
appear in the gradebook; each holds that student's notebooks under the
student edition's names, possibly in a subfolder. A folder that itself holds
notebooks is one student's (``grade submissions/carol``).
"""
from __future__ import annotations

from pathlib import Path


def find_submission(folder: Path, name: str) -> tuple[Path | None, str]:
    """``folder/name``, or the only file called ``name`` anywhere below ``folder``; else None and why.

    Failing that, the only notebook whose name contains the chapter's
    (``Copy of 01_perceptron.ipynb``, ``01_perceptron (1).ipynb``) is graded,
    with a note saying so.
    """
    if (folder / name).is_file():
        return folder / name, ""
    notebooks = sorted(p for p in folder.rglob("*.ipynb") if p.is_file() and ".ipynb_checkpoints" not in p.parts)
    found = [p for p in notebooks if p.name == name]
    if len(found) == 1:
        return found[0], ""
    if found:
        return None, f"{len(found)} files named {name} in the student's folder; keep one"
    similar = [p for p in notebooks if Path(name).stem in p.stem]
    if len(similar) == 1:
        return similar[0], f"graded {similar[0].name!r}: hand the notebook in as {name}"
    if similar:
        return None, (f"no {name} in the student's folder, but {', '.join(repr(p.name) for p in similar)}; "
                      f"keep one and name it {name}")
    return None, f"no {name} in the student's folder"


def student_folders(submissions: Path, names: list[str] | None = None) -> list[Path]:
    """The student folders of ``submissions`` (or ``submissions`` itself if it holds notebooks), or those named."""
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise FileNotFoundError(f"{submissions} is not a folder of submissions")
    if any(p.suffix == ".ipynb" and p.is_file() for p in submissions.iterdir()):
        students = [submissions]   # one student's folder, e.g. grade submissions/carol
    else:
        students = sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if names:
        unknown = sorted(set(names) - {p.name for p in students})
        if unknown:
            raise FileNotFoundError(f"--students: no folder {', '.join(unknown)} in {submissions}")
        students = [p for p in students if p.name in set(names)]
    if not students:
        raise FileNotFoundError(f"no student folders in {submissions} (one folder per student, holding "
                                "their notebooks)")
    return students
