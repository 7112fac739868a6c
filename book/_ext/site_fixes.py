"""Five small fixes to the built site, found by scripts/site_test.sh.

1. Every page ran an inline script twice and the second copy failed with
   "SyntaxError: Identifier 'THEBE_JS_URL' has already been declared": Sphinx
   7.4 lists an inline script (``app.add_js_file(None, body=...)``) that an
   extension adds after the builder starts both as filename None and as
   filename "", so the copy is not recognised. sphinx-thebe (always loaded by
   Jupyter Book) declares ``const THEBE_JS_URL`` that way. Identical scripts
   are dropped here, keeping the first.
2. MyST-NB labels the toggle of a hidden code cell ``aria-label="Toggle hidden
   content"`` while it shows "Show code cell source", so its accessible name is
   not its visible text (WCAG 2.5.3, axe "label-content-name-mismatch").
   Without the label the name is the visible text.
3. MyST-NB embeds the saved state of every ipywidget the build's kernel made
   (``application/vnd.jupyter.widget-state+json``), the live panels' PNG images
   included: 1.3 MB in chapter 7. The site drops the widget views
   (``nb_mime_priority_overrides``) and shows each panel's kernel-free version,
   so nothing reads that state; it is left out of the page.
4. pydata-sphinx-theme ships all of Font Awesome as one script (1.4 MB, 540 kB
   compressed, a third of a chapter's first visit) for the dozen icons the
   theme shows. When the build finishes, the copy in the site keeps only the
   icons some page or script of the site names (``fa-rocket``, ...).
5. Figures are rendered at twice their display size, and a chapter has up to a
   dozen: the browser loads each only when the reader scrolls near it
   (``loading="lazy"``), so a first visit does not fetch the whole chapter's.

Loaded through ``sphinx: local_extensions`` in _config.yml.
"""
from __future__ import annotations

import re
from pathlib import Path

HIDDEN_CELL_SUMMARY = '<summary aria-label="Toggle hidden content">'
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _fix_page(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        seen, unique = set(), []
        for js in scripts:
            key = (js.filename or "", js.priority, tuple(sorted(js.attributes.items())))
            if key not in seen and js.attributes.get("type") != WIDGET_STATE:
                seen.add(key)
                unique.append(js)
        context["script_files"] = unique
    if "body" in context and HIDDEN_CELL_SUMMARY in context["body"]:
        context["body"] = context["body"].replace(HIDDEN_CELL_SUMMARY, "<summary>")
    if "body" in context:
        context["body"] = context["body"].replace("<img ", '<img loading="lazy" ')


# One icon in Font Awesome's script: name:[width,height,[aliases],"unicode",path or paths]
ICON = re.compile(r'(?:"([a-z0-9-]+)"|([a-z0-9_$]+)):\[\d+,\d+,\[([^\]]*)\],"[0-9a-f]+",'
                  r'(?:"[^"]*"|\[(?:"[^"]*",?)*\])\],?')


def _subset_fontawesome(app, exception):
    out = Path(app.outdir)
    script = out / "_static" / "scripts" / "fontawesome.js"
    if exception is not None or app.builder.format != "html" or not script.is_file():
        return
    text = script.read_text(encoding="utf-8")
    if "/* icons subset by site_fixes */" in text:
        return
    used = set()
    for path in (*out.rglob("*.html"), *(out / "_static").rglob("*.js")):
        if path != script:
            used.update(re.findall(r"fa-([a-z0-9-]+)", path.read_text(encoding="utf-8", errors="ignore")))

    def keep(match):
        names = {match.group(1) or match.group(2), *re.findall(r'"([a-z0-9-]+)"', match.group(3))}
        return match.group(0) if names & used else ""

    subset = ICON.sub(keep, text)
    subset = re.sub(r",(\s*)}", r"\1}", subset)
    script.write_text("/* icons subset by site_fixes */" + subset, encoding="utf-8")


def setup(app):
    # After every other html-page-context handler (default priority 500), so
    # that scripts added per page are deduplicated too.
    app.connect("html-page-context", _fix_page, priority=900)
    app.connect("build-finished", _subset_fontawesome)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
