"""The student edition: every chapter with its solutions taken out.

Each solution region becomes nbgrader's stub (``# YOUR CODE HERE`` and
``raise NotImplementedError()``), sphinx-exercise ``{solution}`` blocks are
dropped, and nothing computed from a solution is kept: the outputs of solution
cells, of check cells and of every later cell that reads a name a solution
assigned are cleared. Then every remaining output, attachment and metadata
entry is searched for the solution's lines, and the notebook is refused
(:class:`LeakError`) if one survives anywhere in its JSON.

The chapters' Colab setup cells install the package from the book's repository
(``_config.yml``), which holds the solutions and should be private; the
student edition's install from the students' repository instead,
``--repository-url``, by default the book's address with ``-students``
appended (what the instructor guide recommends).
"""
from __future__ import annotations

import copy
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

import yaml

from . import notebooks as nbs
from .output import OwnedFolder

HIDING_TAGS = {"hide-input", "hide-cell", "hide-output", "remove-input", "remove-cell", "remove-output"}
EXPECTED_ERROR_TAG = "raises-exception"
KEEP_METADATA = {"kernelspec", "language_info"}


class LeakError(RuntimeError):
    """A line of a solution would have been written into the student edition."""


@dataclass
class Edition:
    """A chapter's student edition and what was taken out of it."""

    nb: nbformat.NotebookNode
    secrets: set[str] = field(default_factory=set)
    solution_cells: list[int] = field(default_factory=list)
    check_cells: list[int] = field(default_factory=list)
    dependent_cells: list[int] = field(default_factory=list)
    cleared: list[int] = field(default_factory=list)   # outputs cleared because they held a secret


def leaks(value, secrets: set[str]) -> list[str]:
    """The secrets found in ``value`` (a string or anything JSON-serialisable), however escaped."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return sorted(s for s in secrets
                  if s in text or json.dumps(s, ensure_ascii=False)[1:-1] in text
                  or json.dumps(s)[1:-1] in text or html.escape(s) in text)


def _clear(cell) -> None:
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("execution", None)


def _expect_error(cell, hidden_ok: bool) -> None:
    tags = [t for t in cell.metadata.get("tags", []) if hidden_ok or t not in HIDING_TAGS]
    cell.metadata["tags"] = tags + [EXPECTED_ERROR_TAG] * (EXPECTED_ERROR_TAG not in tags)


def _remove_solutions(nb, edition: Edition) -> list[str]:
    """Replace and drop the solutions in ``nb`` (in place); return the removed lines."""
    removed, kept, gated, names = [], [], False, set()
    for index, cell in enumerate(nb.cells):
        if gated and cell.cell_type != "markdown":   # a cell inside {solution-start} ... {solution-end}
            removed += cell.source.split("\n")
            continue
        kind = None
        if cell.cell_type == "markdown":
            cell.source, lines, gated = nbs.strip_solution_directives(cell.source, gated)
            removed += lines
            if lines and not cell.source.strip():
                continue
        try:
            nbs.solution_regions(cell.source)
        except nbs.MarkerError as error:
            raise nbs.MarkerError(f"cell {index}: {error}") from None
        if cell.cell_type == "code" and nbs.solution_regions(cell.source):
            names |= nbs.bound_names(cell.source, imports=False)
            kind = "solution"
        elif cell.cell_type == "code" and nbs.check_ids(cell.source):
            kind = "check"
        elif cell.cell_type == "code" and names & nbs.used_names(cell.source):
            names |= nbs.bound_names(cell.source, imports=False)
            kind = "dependent"
        stub = nbs.CODE_STUB if cell.cell_type == "code" else nbs.TEXT_STUB
        cell.source, lines = nbs.replace_regions(cell.source, stub)
        removed += lines
        if kind:
            _clear(cell)
            _expect_error(cell, hidden_ok=kind != "solution")
            getattr(edition, f"{kind}_cells").append(len(kept))
        kept.append(cell)
    nb.cells = kept
    return removed


def make_student_edition(instructor_nb) -> Edition:
    """The student edition of a notebook (an ``nbformat`` node, left unchanged)."""
    nb = copy.deepcopy(instructor_nb)
    edition = Edition(nb)
    removed = _remove_solutions(nb, edition)
    public = "\n".join(cell.source for cell in nb.cells)
    edition.secrets = {line.strip() for line in removed
                       if nbs.is_informative(line) and line.strip() not in public}
    for index, cell in enumerate(nb.cells):
        if cell.get("outputs") and leaks(cell.outputs, edition.secrets):
            _clear(cell)
            edition.cleared.append(index)
        if "attachments" in cell and leaks(cell.attachments, edition.secrets):
            del cell["attachments"]
        for key in [k for k, v in cell.metadata.items() if leaks(v, edition.secrets)]:
            del cell.metadata[key]
    for key in [k for k, v in nb.metadata.items() if leaks(v, edition.secrets)]:
        if key in KEEP_METADATA:
            raise LeakError(f"a solution line is in the notebook's {key} metadata")
        del nb.metadata[key]
    found = leaks(nbformat.writes(nb), edition.secrets)
    if found:
        raise LeakError(f"solution lines survived: {found[:3]}")
    return edition


def book_repository(config: dict) -> tuple[str, str]:
    """``(url, branch)`` of the book's repository in a ``_config.yml`` (url without a trailing ``/`` or ``.git``)."""
    repository = config.get("repository") or {}
    url = str(repository.get("url") or "").rstrip("/").removesuffix(".git")
    return url, str(repository.get("branch") or "main")


def default_student_repository(config: dict) -> str | None:
    """The guide's recommendation: the book's repository address with ``-students`` appended."""
    url, _ = book_repository(config)
    return f"{url}-students" if url else None


SETUP_MARKER = "# Colab setup"   # scripts/add_setup_cell.py
INSTALL = re.compile(r"git\+https://[^\s\"'@]+@[^\s\"']+")


def repository_moves(config: dict, repository_url: str | None, branch: str | None) -> dict[str, str]:
    """The text replacements that make the setup cells install from ``repository_url`` instead of the book's.

    The key ``INSTALL`` stands for any ``git+https://...@branch`` in a setup
    cell, so a setup cell not yet updated to ``_config.yml`` is moved too.
    """
    url, old_branch = book_repository(config)
    if not repository_url:
        return {}
    new = repository_url.rstrip("/").removesuffix(".git")
    if not re.fullmatch(r"https://[^\s@\"']+", new):
        raise ValueError(f"--repository-url must be an https:// address, got {repository_url!r}")
    if new == url:
        raise ValueError(f"--repository-url {repository_url} is the book's own repository, which holds the "
                         "solutions; give the students' repository")
    target = f"git+{new}@{branch or old_branch}"
    return {"INSTALL": target, **({f"git+{url}@{old_branch}": target} if url else {})}


def move_repository(nb, moves: dict[str, str]) -> None:
    """Point the setup cell's install, and every mention of the book's install address, at the students'."""
    for cell in nb.cells:
        for old, new in moves.items():
            if old == "INSTALL":
                if cell.cell_type == "code" and cell.source.startswith(SETUP_MARKER):
                    cell.source = INSTALL.sub(new, cell.source)
            else:
                cell.source = cell.source.replace(old, new)


def read_config(root: Path) -> dict:
    """The book's ``_config.yml`` in ``root``, or an empty configuration if there is none."""
    path = Path(root) / "_config.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {} if path.is_file() else {}


def write_student_edition(book: Path, outdir: Path, repository_url: str | None = None,
                          branch: str | None = None) -> dict[str, Edition]:
    """Write the student edition of every chapter of ``book`` into ``outdir``; return them by file name.

    The setup cells install from ``repository_url`` (default: the book's
    repository with ``-students`` appended). Files in ``outdir`` that this
    command did not write are never replaced (:mod:`.output`).
    """
    book, outdir = Path(book), Path(outdir)
    sources = nbs.chapters(book)
    if not sources:
        raise FileNotFoundError(f"no chapter notebooks ({nbs.CHAPTER_GLOB}) in {book}")
    config = read_config(book.resolve().parent)
    moves = repository_moves(config, repository_url or default_student_repository(config), branch)
    for source in sources:
        if (outdir / source.name).resolve() == source.resolve():
            raise ValueError(f"{outdir} is the book itself; the student edition would overwrite {source}")
    editions = {}
    for source in sources:
        try:
            edition = make_student_edition(nbformat.read(source, as_version=4))
        except nbs.MarkerError as error:
            raise nbs.MarkerError(f"{source}: {error}") from None
        move_repository(edition.nb, moves)
        editions[source.name] = edition
    folder = OwnedFolder(outdir, "student-edition")
    folder.claim(editions)
    for name, edition in editions.items():
        nbformat.write(edition.nb, folder.path(name))
    return editions
