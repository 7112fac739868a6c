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
with its answers), or the buttons are switched off.
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
from .student_edition import Edition, leaks, make_student_edition

INSTRUCTOR_PAGES = ("book/instructors",)
MARKER = ".student-site"
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
    for cell in nb.cells:
        for old, new in moves.items():
            cell.source = cell.source.replace(old, new)
    for index in edition.solution_cells + edition.check_cells + edition.dependent_cells:
        tags = nb.cells[index].metadata.setdefault("tags", [])
        tags += [t for t in ("raises-exception", "remove-output") if t not in tags]
    return nb


def write_student_site(root: Path, outdir: Path, repository_url: str | None = None,
                       branch: str | None = None, execute: bool = True,
                       exclude: tuple[str, ...] = INSTRUCTOR_PAGES) -> dict[str, Edition]:
    """Write the student site's sources into ``outdir``; return the chapters' editions by path."""
    root, outdir = Path(root).resolve(), Path(outdir).resolve()
    if outdir == root or root.is_relative_to(outdir):
        raise ValueError(f"{outdir} would overwrite the book in {root}")
    if outdir.exists() and any(outdir.iterdir()):
        if not (outdir / MARKER).exists():
            raise FileExistsError(f"{outdir} is not empty and is not a student site written before")
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    (outdir / MARKER).write_text("written by python -m lecture_code.instructor student-site\n")
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    header = "# Generated by `python -m lecture_code.instructor student-site`; edit the book's copy instead.\n"
    (outdir / "_config.yml").write_text(header + yaml.safe_dump(
        student_config(config, repository_url, branch, execute), sort_keys=False), encoding="utf-8")
    (outdir / "_toc.yml").write_text(header + yaml.safe_dump(
        student_toc(toc, set(exclude)), sort_keys=False), encoding="utf-8")
    editions, book, moves = {}, root / "book", {}
    old = config.get("repository") or {}
    if repository_url and old.get("url"):
        moves[f"git+{str(old['url']).rstrip('/')}@{old.get('branch', 'main')}"] = \
            f"git+{repository_url.rstrip('/')}@{branch or old.get('branch', 'main')}"
    for source in sorted(book.rglob("*")):
        relative = source.relative_to(root)
        if source.is_dir() or SKIP_PARTS & set(relative.parts) or relative.with_suffix("").as_posix() in exclude:
            continue
        target = outdir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".ipynb":
            edition = make_student_edition(nbformat.read(source, as_version=4))
            nbformat.write(_site_notebook(edition, moves), target)
            editions[relative.as_posix()] = edition
        else:
            shutil.copy2(source, target)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".ipynb_checkpoints")
    for extra in ("_static", "_templates", "references.bib", *PACKAGE):
        if (root / extra).is_dir():
            shutil.copytree(root / extra, outdir / extra, ignore=ignore)
        elif (root / extra).is_file():
            shutil.copy2(root / extra, outdir / extra)
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
