"""The book's structure: the table of contents, the chapter numbering and the API page.

These catch, before a full build, the mistakes a build reports late or not at
all: a chapter missing from _toc.yml (with only_build_toc_files it is silently
left out of the book), a toc entry whose file does not exist, a chapter whose
number in the book differs from its file name (docstrings say "See chapter N"),
and a module of lecture_code missing from the API reference.
"""
from __future__ import annotations

import importlib
import json
import pkgutil
import re
from pathlib import Path

import yaml

import lecture_code

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
PAGE_SUFFIXES = (".md", ".ipynb")


def _toc() -> dict:
    return yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))


def _toc_entries() -> list[tuple[str, bool]]:
    """(file, numbered) for every page in _toc.yml, in reading order."""
    toc = _toc()
    entries = [(toc["root"], False)]
    for part in toc.get("parts", []):
        for chapter in part["chapters"]:
            entries.append((chapter["file"], bool(part.get("numbered", False))))
    return entries


def _source(entry: str) -> list[Path]:
    return [ROOT / (entry + s) for s in PAGE_SUFFIXES if (ROOT / (entry + s)).is_file()]


def test_toc_is_a_jupyter_book_1_toc():
    toc = _toc()
    assert toc["format"] == "jb-book"
    assert toc["root"] == "book/intro"


def test_every_toc_entry_has_exactly_one_source_file():
    for entry, _ in _toc_entries():
        found = _source(entry)
        assert len(found) == 1, f"_toc.yml lists {entry!r}; found source files {found}"


def test_every_page_in_book_is_in_the_toc():
    listed = {entry for entry, _ in _toc_entries()}
    pages = {
        p.relative_to(ROOT).with_suffix("").as_posix()
        for p in BOOK.iterdir()
        if p.suffix in PAGE_SUFFIXES
    }
    missing = sorted(pages - listed)
    assert not missing, f"pages in book/ that _toc.yml does not list (so they are not built): {missing}"


def _numbered() -> list[tuple[int, str]]:
    """(number in the file name, entry) for every page in a numbered part."""
    out = []
    for entry, is_numbered in _toc_entries():
        if is_numbered:
            match = re.fullmatch(r"(\d+)_\w+", Path(entry).name)
            assert match, f"{entry!r} is in a numbered part but its name is not NN_<topic>"
            out.append((int(match.group(1)), entry))
    return out


def test_chapters_are_listed_in_file_order_and_only_chapters_are_numbered():
    numbers = [k for k, _ in _numbered()]
    assert numbers == sorted(set(numbers)), f"numbered pages out of order in _toc.yml: {_numbered()}"
    for entry, is_numbered in _toc_entries():
        if not is_numbered:
            assert not re.match(r"\d", Path(entry).name), f"chapter {entry!r} is in an unnumbered part"


def test_chapter_numbers_match_file_names():
    """The book numbers chapters 1, 2, ... in toc order; chapter k must be book/0k_*.

    Docstrings say "See chapter N", so the numbers must agree, and no chapter
    may be missing from the sequence.
    """
    numbered = _numbered()
    gaps = sorted(set(range(1, max((k for k, _ in numbered), default=0) + 1)) - {k for k, _ in numbered})
    assert not gaps, f"chapters {gaps} are missing from the toc"
    for position, (k, entry) in enumerate(numbered, start=1):
        assert k == position, f"{entry!r} is chapter {position} of the book"


def _documented_modules() -> set[str]:
    """Modules named by a live (not %-commented) automodule on the API page."""
    text = (BOOK / "api.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\.\. automodule:: lecture_code\.([\w.]+)\s*$", text, flags=re.M))


MACHINERY = ("fast", "panels")      # subpackages documented module by module


def _public_modules() -> set[str]:
    top = {m.name for m in pkgutil.iter_modules(lecture_code.__path__) if not m.name.startswith("_")}
    inner = {f"{package}.{m.name}" for package in MACHINERY
             for m in pkgutil.iter_modules(importlib.import_module(f"lecture_code.{package}").__path__)
             if not m.name.startswith("_")}
    return (top - set(MACHINERY)) | inner


def test_api_page_documents_every_public_module():
    undocumented = sorted(_public_modules() - _documented_modules())
    assert not undocumented, (
        f"lecture_code modules missing from book/api.md: {undocumented}; "
        "uncomment (or add) their automodule section")


def test_api_page_documents_only_existing_modules():
    unknown = sorted(_documented_modules() - _public_modules())
    assert not unknown, f"book/api.md documents modules that do not exist: {unknown}"


#: Engineering words a chapter's main text leaves to collapsed notes and the reference pages.
PLUMBING = re.compile(r"\b(?:Open)?BLAS\b|\bulps?\b|\bthreads?\b", re.IGNORECASE)
#: Cell tags that keep a code cell, or its source, off the reader's page.
HIDDEN_TAGS = {"remove-cell", "remove-input", "hide-cell", "hide-input"}


def _without_dropdowns(markdown: str) -> str:
    """``markdown`` without its collapsed directives (a fence whose options hold ``:class: dropdown``)."""
    kept, lines, i = [], markdown.splitlines(), 0
    while i < len(lines):
        opening = re.match(r"^(`{3,}|:{3,})\{[\w-]+\}", lines[i])
        if opening:
            fence, end = opening.group(1), i + 1
            while end < len(lines) and lines[end].strip() != fence:
                end += 1
            block = lines[i:end + 1]
            options = [line for line in block[1:] if line.startswith(":")]
            if any(re.match(r"^:class:.*\bdropdown\b", line) for line in options):
                i = end + 1
                continue
        kept.append(lines[i])
        i += 1
    return "\n".join(kept)


def _visible_text(cell: dict) -> str:
    source = "".join(cell["source"])
    if cell["cell_type"] == "markdown":
        return _without_dropdowns(source)
    tags = set(cell.get("metadata", {}).get("tags", []))
    if cell["cell_type"] != "code" or tags & HIDDEN_TAGS:
        return ""
    outputs = ["".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
               for o in cell.get("outputs", [])]
    return "\n".join([source, *outputs])


def test_without_dropdowns_keeps_open_text_and_drops_collapsed_notes():
    page = "open BLAS\n```{note} Why\n:class: dropdown\nOpenBLAS kernels\n```\nafter\n```{note}\nthreads\n```"
    assert _without_dropdowns(page) == "open BLAS\nafter\n```{note}\nthreads\n```"


def test_no_chapter_shows_engineering_detail_outside_a_collapsed_note():
    """BLAS kernels, ulps and threads are for the curious: collapsed notes, the reference pages."""
    found = []
    for path in sorted(BOOK.glob("[0-9][0-9]_*.ipynb")):
        for k, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            found += [f"{path.name} cell {k}: ...{m.string[max(0, m.start() - 40):m.end() + 20]!r}"
                      for m in PLUMBING.finditer(_visible_text(cell))]
    assert not found, "\n".join(found)


def test_every_fence_opens_and_closes_as_written():
    """A closing fence followed by text on its line swallows that text into the directive;
    a backtick fence whose first line holds a backtick is no fence at all (CommonMark),
    so a question with inline code opens with ``:::{selfcheck}``; and ``{note}`` takes no title (MyST reads it as the first line of the body): a titled
    collapsed note is ``{admonition} Title`` with ``:class: note dropdown``."""
    found = []
    for path in sorted(BOOK.glob("*.ipynb")) + sorted(BOOK.glob("*.md")):
        cells = (json.loads(path.read_text(encoding="utf-8"))["cells"] if path.suffix == ".ipynb"
                 else [{"cell_type": "markdown", "source": path.read_text(encoding="utf-8")}])
        for k, cell in enumerate(cells):
            if cell["cell_type"] != "markdown":
                continue
            for line in "".join(cell["source"]).splitlines():
                opening = re.match(r"^(`{3,})(.*)$", line)
                if (re.match(r"^(`{3,}|:{3,})[ \t]+[^{\s]", line)
                        or re.match(r"^(`{3,}|:{3,})\{(note|tip|warning|important)\}[ \t]*\S", line)
                        or (opening and "`" in opening.group(2))):
                    found.append(f"{path.name} cell {k}: {line[:60]!r}")
    assert not found, "\n".join(found)
