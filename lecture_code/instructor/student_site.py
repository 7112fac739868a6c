"""The student site: a copy of the book, built from the student edition, for ``jupyter-book build``.

The copy holds ``_config.yml``, ``_toc.yml`` and ``book/`` with every chapter
replaced by its student edition and the instructor-only pages (the instructor
guide) left out, plus the package (``lecture_code/``, ``pyproject.toml``,
``requirements.txt``, ``binder/``) so that the folder can be pushed as the
students' repository: Colab's setup cell installs the package from it. Its configuration differs from the book's in three ways: the
title says "student edition"; the cells the student edition expects to fail
(placeholders, checks, and cells that read a solution's result) carry
``raises-exception`` (so executing the book does not stop there) and
``remove-output`` (so no traceback is shown); and launch, repository and edit
buttons, and the chapters' Colab setup cells, point to the repository given
with ``--repository-url`` (which must hold this student edition, not the book
with its answers; by default the book's address with ``-students`` appended).
Cross-references to the pages left out become plain text (:mod:`.references`),
so the site builds with ``-W`` whichever chapters are excluded.
:func:`scan` searches any folder, such as the built HTML, for solution lines.
"""
from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import nbformat
import yaml

from . import notebooks as nbs
from . import references
from .output import OwnedFolder
from .student_edition import (Edition, default_student_repository, leaks, make_student_edition, move_repository,
                              read_config, repository_moves)

INSTRUCTOR_PAGES = ("book/instructors",)
SKIP_PARTS = {".ipynb_checkpoints", "_build", ".jupyter_cache", "__pycache__"}
PACKAGE = ("lecture_code", "pyproject.toml", "requirements.txt", "binder")
TEXT_SUFFIXES = {".html", ".ipynb", ".md", ".txt", ".js", ".json", ".py", ".yml", ".xml", ".tex"}


def _without_pages(entries: list, exclude: set[str]) -> list:
    """Toc entries (chapters, sections) without those whose file is excluded, recursively."""
    kept = []
    for entry in entries:
        if entry.get("file") in exclude:
            continue
        entry = dict(entry)
        for key in ("sections", "chapters"):
            if key in entry:
                entry[key] = _without_pages(entry[key], exclude)
        kept.append(entry)
    return kept


def student_toc(toc: dict, exclude: set[str]) -> dict:
    """The table of contents without the excluded pages (and without parts left empty)."""
    toc = dict(toc)
    if "parts" in toc:
        parts = [dict(p, chapters=_without_pages(p.get("chapters", []), exclude)) for p in toc["parts"]]
        toc["parts"] = [p for p in parts if p["chapters"]]
    for key in ("chapters", "sections"):
        if key in toc:
            toc[key] = _without_pages(toc[key], exclude)
    return toc


def student_config(config: dict, repository_url: str | None, branch: str | None, execute: bool) -> dict:
    """The book's configuration for the student site."""
    config = dict(config)
    config["title"] = f"{config.get('title', 'Book')} (student edition)"
    config["execute"] = dict(config.get("execute") or {}, execute_notebooks="force" if execute else "off")
    repository = dict(config.get("repository") or {})
    repository["url"] = repository_url or ""
    if branch:
        repository["branch"] = branch
    config["repository"] = repository
    if not repository_url:   # every button would lead to the instructor's repository, or fail the build
        config.pop("launch_buttons", None)
        html_options = dict(config.get("html") or {})
        for button in ("use_repository_button", "use_issues_button", "use_edit_page_button"):
            html_options[button] = False
        config["html"] = html_options
    return config


def _site_notebook(edition: Edition, moves: dict[str, str]):
    """The student edition with its failing cells marked for the build, its repository addresses moved."""
    nb = edition.nb
    move_repository(nb, moves)
    for index in edition.solution_cells + edition.check_cells + edition.dependent_cells:
        tags = nb.cells[index].metadata.setdefault("tags", [])
        tags += [t for t in ("raises-exception", "remove-output") if t not in tags]
    return nb


def _page_text(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return path.read_text(encoding="utf-8")


def _unlink_notebook(nb, gone: dict[str, str], pages: dict[str, str]):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = references.unlink(cell.source, gone, pages)
    return nb


def _page_sources(root: Path, exclude: set[str]) -> tuple[list[Path], list[Path]]:
    """The book's files to copy, and those of the excluded pages."""
    kept, excluded = [], []
    for source in sorted((root / "book").rglob("*")):
        relative = source.relative_to(root)
        if source.is_dir() or SKIP_PARTS & set(relative.parts):
            continue
        if relative.with_suffix("").as_posix() in exclude and source.suffix in (".md", ".ipynb"):
            excluded.append(source)
        else:
            kept.append(source)
    return kept, excluded


def write_student_site(root: Path, outdir: Path, repository_url: str | None = None,
                       branch: str | None = None, execute: bool = True,
                       exclude: tuple[str, ...] = INSTRUCTOR_PAGES) -> dict[str, Edition]:
    """Write the student site's sources into ``outdir``; return the chapters' editions by path.

    ``repository_url`` defaults to the book's repository with ``-students``
    appended. ``outdir`` may be the students' repository: its ``.git`` and
    every file this command did not write are kept, and the command refuses
    (``FileExistsError``) to replace a file it did not write (:mod:`.output`).
    References to excluded pages become plain text.
    """
    root, outdir = Path(root).resolve(), Path(outdir).resolve()
    if outdir == root or root.is_relative_to(outdir) or outdir.is_relative_to(root / "book"):
        raise ValueError(f"{outdir} would overwrite the book in {root}")
    config = read_config(root)
    repository_url = repository_url or default_student_repository(config)
    moves = repository_moves(config, repository_url, branch)
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    header = "# Generated by `python -m lecture_code.instructor student-site`; edit the book's copy instead.\n"
    files: dict[str, object] = {   # relative path -> text, notebook node, or a file to copy
        "_config.yml": header + yaml.safe_dump(student_config(config, repository_url, branch, execute),
                                               sort_keys=False),
        "_toc.yml": header + yaml.safe_dump(student_toc(toc, set(exclude)), sort_keys=False)}
    kept, excluded = _page_sources(root, set(exclude))
    gone, pages = {}, {}
    for source in excluded:
        text = _page_text(source)
        gone.update(references.labels(text))
        pages[source.stem] = references.first_heading(text) or source.stem
    editions = {}
    for source in kept:
        relative = source.relative_to(root).as_posix()
        if source.suffix == ".ipynb":
            edition = make_student_edition(nbformat.read(source, as_version=4))
            files[relative] = _unlink_notebook(_site_notebook(edition, moves), gone, pages)
            editions[relative] = edition
        elif source.suffix == ".md":
            files[relative] = references.unlink(source.read_text(encoding="utf-8"), gone, pages)
        else:
            files[relative] = source
    for extra in ("_static", "_templates", "references.bib", ".gitignore", *PACKAGE):
        path = root / extra
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path] if path.is_file() else []
        for source in candidates:
            parts = set(source.relative_to(root).parts)
            if source.is_file() and not SKIP_PARTS & parts and not any(p.endswith(".egg-info") for p in parts) \
                    and source.suffix != ".pyc":
                files[source.relative_to(root).as_posix()] = source
    folder = OwnedFolder(outdir, "student-site")
    folder.claim(files)
    for relative, content in files.items():
        target = folder.path(relative)
        if isinstance(content, Path):
            shutil.copy2(content, target)
        elif isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            nbformat.write(content, target)
    return editions


def book_secrets(book: Path) -> set[str]:
    """Every solution line of the book's chapters that no student-facing text contains."""
    secrets, public = set(), []
    for path in nbs.chapters(book):
        edition = make_student_edition(nbformat.read(path, as_version=4))
        secrets |= edition.secrets
        public += [cell.source for cell in edition.nb.cells]
    public += [p.read_text(encoding="utf-8") for p in Path(book).glob("*.md")]
    text = "\n".join(public)
    return {s for s in secrets if s not in text}


def scan(folder: Path, secrets: set[str]) -> list[tuple[Path, str]]:
    """``(file, line)`` for every solution line found in a text file below ``folder``."""
    found = []
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        plain = html.unescape(re.sub(r"<[^>]*>", "", text)) if path.suffix in (".html", ".xml") else ""
        found += [(path, s) for s in leaks(text + "\n" + plain, secrets)]
    return found
