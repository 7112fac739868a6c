"""Cross-references to pages left out of a site, replaced by plain text.

A page of the student site may refer to a page that is not there (the
instructor guide, or a chapter not yet published with ``--exclude``). Sphinx
then fails the ``-W`` build with "undefined label". :func:`labels` collects the
targets an excluded page defines (MyST ``(label)=`` lines with the heading they
name, and ``:label:`` options with their directive's title); :func:`unlink`
rewrites ``{ref}``, ``{numref}`` and ``{doc}`` roles, and Markdown links, that
point at them into the words a reader would have seen, without the link.
"""
from __future__ import annotations

import re

TARGET = re.compile(r"^\((?P<label>[^()\s]+)\)=\s*$")
HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*\s*$")
DIRECTIVE = re.compile(r"^\s*(`{3,}|:{3,})\s*\{[\w:-]+\}\s*(?P<title>.*)$")
OPTION_LABEL = re.compile(r"^\s*:label:\s*(?P<label>\S+)\s*$")
ROLE = re.compile(r"\{(?P<role>ref|numref|doc)\}`(?P<body>[^`]+)`")
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]+)\]\((?P<target>[^)\s]+)\)")


def labels(markdown: str) -> dict[str, str]:
    """Every label ``markdown`` defines, with the title a reader knows it by."""
    found, lines = {}, markdown.split("\n")
    for i, line in enumerate(lines):
        target = TARGET.match(line)
        if target:
            heading = next((HEADING.match(x).group("title") for x in lines[i + 1:i + 4] if HEADING.match(x)), None)
            found[target.group("label")] = heading or target.group("label")
        option = OPTION_LABEL.match(line)
        if option:
            opening = next((DIRECTIVE.match(x) for x in reversed(lines[max(0, i - 5):i]) if DIRECTIVE.match(x)), None)
            title = opening.group("title").strip() if opening else ""
            found[option.group("label")] = re.sub(r"\s*\([^()]*points?\)|\s*\(discussion\)", "", title) or \
                option.group("label")
    return found


def first_heading(markdown: str) -> str | None:
    """The page's first heading, its title."""
    return next((HEADING.match(x).group("title") for x in markdown.split("\n") if HEADING.match(x)), None)


def _page_key(target: str) -> str:
    """``../book/07_x.ipynb#sec`` -> ``07_x``: the file name without folder, suffix or anchor."""
    return re.sub(r"\.(md|ipynb)$", "", target.split("#")[0].rstrip("/").split("/")[-1])


def unlink(markdown: str, gone: dict[str, str], pages: dict[str, str]) -> str:
    """``markdown`` with references to the labels ``gone`` and the pages ``pages`` (name -> title) as text."""
    def role(match):
        body, kind = match.group("body"), match.group("role")
        explicit = EXPLICIT.match(body)
        text, target = (explicit.group("text"), explicit.group("target")) if explicit else (None, body.strip())
        if kind == "doc":
            key = _page_key(target)
            return (text or pages[key]) if key in pages else match.group(0)
        if target not in gone:
            return match.group(0)
        return text.replace("{number}", "").replace("%s", "").strip() if text else f"*{gone[target]}*"

    def link(match):
        target = match.group("target")
        if "://" in target:
            return match.group(0)
        anchor = target.split("#", 1)[1] if "#" in target else ""
        page = target.split("#")[0]
        if (page and _page_key(target) in pages) or (not page and anchor in gone) or target in gone:
            return match.group("text")
        return match.group(0)

    return LINK.sub(link, ROLE.sub(role, markdown))
