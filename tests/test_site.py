"""The site's configuration, checked without building it or opening a browser.

The built site itself is checked in headless Chromium by scripts/site_test.sh
(tests/browser/site.test.mjs). These tests catch earlier, and name the file
and cell, what would break it:

- _config.yml: the site shows the kernel-free version of every live widget
  (widget view dropped, no ipywidgets JavaScript from a CDN), loads MathJax
  from the site itself, and has working Colab and Binder launch buttons;
- every chapter notebook starts with the Colab setup cell, exactly as
  scripts/add_setup_cell.py writes it from _config.yml (so a fork that
  changes repository.url is told to re-run the script), and that cell does
  nothing outside Colab and, in Colab, installs only the book's package;
- every widget output also carries the kernel-free text/html version, and
  every figure output has alt text;
- binder/ makes repo2docker install the same pins, CPU-only torch and the
  package; the package installs with all its subpackages from git;
- the GitHub Pages workflow builds with scripts/build.sh and deploys _build/html.
"""
from __future__ import annotations

import importlib.util
import re
import sys
import types
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _load_script():
    spec = importlib.util.spec_from_file_location("add_setup_cell", ROOT / "scripts" / "add_setup_cell.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


setup_cells = _load_script()


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def _sphinx(config) -> dict:
    return config["sphinx"]["config"]


def _notebook(path: Path):
    return nbformat.read(path, as_version=4)


def _pins(path: Path) -> dict[str, str]:
    """``{name: version}`` for every ``name==version`` line of a requirements file."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;#]+).*", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


# --- _config.yml ----------------------------------------------------------------

def test_site_renders_the_kernel_free_version_of_widgets(config):
    overrides = _sphinx(config)["nb_mime_priority_overrides"]
    for builder in ("html", "dirhtml", "singlehtml"):
        assert [builder, WIDGET_VIEW, None] in overrides, (
            f"nb_mime_priority_overrides must drop {WIDGET_VIEW} for the {builder} builder, "
            "so that MyST-NB renders the Panel's text/html version")


def test_no_ipywidgets_javascript_is_loaded(config):
    assert _sphinx(config)["nb_ipywidgets_js"] == {}, (
        "nb_ipywidgets_js must be empty: the site has no widget views, and MyST-NB's "
        "default loads require.js and the html-manager from CDNs")


def test_mathjax_is_served_by_the_site(config):
    sphinx = _sphinx(config)
    path = sphinx["mathjax_path"]
    assert "://" not in path and not path.startswith("//"), f"mathjax_path {path!r} points at a CDN"
    assert "book/_static" in sphinx["html_static_path"]
    assert path.startswith("mathjax/"), "scripts/site_assets.sh copies MathJax to book/_static/mathjax/"
    assert "mathjax" in (ROOT / "scripts" / "site_assets.sh").read_text(encoding="utf-8")
    assert (ROOT / "tests" / "browser" / "package-lock.json").is_file()
    assert "site_assets.sh" in (ROOT / "scripts" / "build.sh").read_text(encoding="utf-8")


def test_no_top_level_static_folder():
    # Jupyter Book adds every .js file under <root>/_static to every page,
    # which would load all of MathJax's components on each page.
    assert not (ROOT / "_static").exists(), "use book/_static, not a top-level _static/"


def test_launch_buttons_and_repository(config):
    url, branch = setup_cells.repository(ROOT / "_config.yml")
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url), url
    assert config["repository"]["branch"] == branch
    launch = config["launch_buttons"]
    assert launch["colab_url"].rstrip("/") == "https://colab.research.google.com"
    assert launch["binderhub_url"].rstrip("/") == "https://mybinder.org"
    assert launch.get("notebook_interface") in ("classic", "jupyterlab")


# --- the Colab setup cell -------------------------------------------------------

@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_starts_with_the_setup_cell_from_config(path):
    nb = _notebook(path)
    url, branch = setup_cells.repository(ROOT / "_config.yml")
    index = setup_cells.find_setup_cell(nb)
    assert index is not None, f"{path.name} has no Colab setup cell: run python scripts/add_setup_cell.py"
    cell = nb.cells[index]
    assert cell.source == setup_cells.setup_source(url, branch), (
        f"{path.name}'s setup cell does not match _config.yml (repository.url / branch): "
        "run python scripts/add_setup_cell.py")
    assert index == 1 and nb.cells[0].cell_type == "markdown", (
        f"{path.name}: the setup cell must come right after the title cell, before any code")
    assert "remove-cell" in cell.metadata.get("tags", []), "the setup cell must be hidden on the site"
    assert cell.outputs == [], (
        "the setup cell has no outputs (it prints nothing outside Colab, and nbval compares outputs)")
    assert not setup_cells.sync(_notebook(path), url, branch), "scripts/add_setup_cell.py would change it"


def test_add_setup_cell_is_idempotent_and_follows_the_config(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("(ch-x)=\n# Title"),
                                         nbformat.v4.new_code_cell("import numpy as np")])
    before = [dict(c) for c in nb.cells]
    assert setup_cells.sync(nb, "https://github.com/a/b", "main")
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert [dict(c) for c in (nb.cells[0], nb.cells[2])] == before, "no other cell may change"
    assert not setup_cells.sync(nb, "https://github.com/a/b", "main"), "a second run changes nothing"
    # A fork: the same cell is rewritten in place, not duplicated.
    assert setup_cells.sync(nb, "https://github.com/fork/b", "dev")
    assert len(nb.cells) == 3 and "git+https://github.com/fork/b@dev" in nb.cells[1].source
    nbformat.validate(nb)


def _run_setup_cell(source: str, monkeypatch, in_colab: bool):
    """Execute the setup cell's code with a fake google.colab; return what it did."""
    import subprocess
    calls = {"pip": [], "widgets": 0}
    monkeypatch.setattr(subprocess, "run", lambda args, **kw: calls["pip"].append(list(args)))
    if in_colab:
        colab = types.ModuleType("google.colab")
        colab.output = types.SimpleNamespace(
            enable_custom_widget_manager=lambda: calls.__setitem__("widgets", calls["widgets"] + 1))
        monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
        monkeypatch.setitem(sys.modules, "google.colab", colab)
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(source, "<setup cell>", "exec"), {"__name__": "__main__"})
    return calls


def test_setup_cell_does_nothing_outside_colab(monkeypatch, capsys):
    url, branch = setup_cells.repository(ROOT / "_config.yml")
    calls = _run_setup_cell(setup_cells.setup_source(url, branch), monkeypatch, in_colab=False)
    assert calls == {"pip": [], "widgets": 0}
    assert capsys.readouterr() == ("", "")


def test_setup_cell_in_colab_installs_only_the_package(monkeypatch):
    url, branch = setup_cells.repository(ROOT / "_config.yml")
    calls = _run_setup_cell(setup_cells.setup_source(url, branch), monkeypatch, in_colab=True)
    assert len(calls["pip"]) == 1, calls
    args = calls["pip"][0]
    assert args[1:4] == ["-m", "pip", "install"]
    assert "--no-deps" in args, "Colab already has numpy, matplotlib, ipywidgets and torch"
    packages = [a for a in args[4:] if not a.startswith("-")]
    assert packages == [f"git+{url}@{branch}"], packages
    assert calls["widgets"] == 1, "Colab's custom widget manager must be enabled for ipywidgets 8"


# --- the chapters' outputs --------------------------------------------------------

@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_widget_output_has_a_kernel_free_version(path):
    for i, cell in enumerate(_notebook(path).cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                assert "text/html" in data, (
                    f"{path.name} cell {i}: a widget without a text/html version shows nothing on "
                    "the site; display a lecture_code.widgets.Panel instead")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_test_markers_are_cell_tags_and_solutions_are_folded(path):
    for i, cell in enumerate(_notebook(path).cells):
        tags = cell.metadata.get("tags", [])
        assert "NBVAL" not in cell.source, (
            f"{path.name} cell {i}: nbval's markers are cell tags (nbval-ignore-output), "
            "never comments the reader sees")
        if any(WIDGET_VIEW in o.get("data", {}) for o in cell.get("outputs", [])):
            assert "nbval-ignore-output" in tags, f"{path.name} cell {i}: a panel needs the tag"
        if "### BEGIN SOLUTION" in cell.source:
            assert "hide-cell" in tags, f"{path.name} cell {i}: a solution cell is folded (hide-cell)"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_panel_frames_are_files_next_to_the_page_not_inside_it(path):
    for i, cell in enumerate(_notebook(path).cells):
        for output in cell.get("outputs", []):
            page = output.get("data", {}).get("text/html", "")
            if 'class="lc-panel' in page:
                assert "base64" not in page, f"{path.name} cell {i}: a panel embeds its frames"


def test_the_site_serves_the_panels_script_styles_and_favicon(config):
    sphinx = _sphinx(config)
    static = ROOT / sphinx["html_static_path"][0]
    for name in (*sphinx["html_css_files"], *sphinx["html_js_files"]):
        assert (static / name).is_file(), name
    assert (ROOT / config["html"]["favicon"]).is_file()
    assert "book/_static/panels/" in (ROOT / ".gitignore").read_text(), \
        "the panels' frames are build products, not committed"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_figure_has_alt_text(path):
    missing = []
    for i, cell in enumerate(_notebook(path).cells):
        images = [o for o in cell.get("outputs", []) if any(k.startswith("image/") for k in o.get("data", {}))]
        alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
        if images and len(alt.strip()) < 10:
            missing.append(f"cell {i} ({cell.source.splitlines()[0][:50]!r})")
    assert not missing, (
        f"{path.name}: figures without alt text; give each figure cell the metadata "
        '{"mystnb": {"image": {"alt": "what the figure shows"}}}: ' + "; ".join(missing))


# --- Binder, the package, the workflow --------------------------------------------

def test_binder_requirements_match_the_pins_with_cpu_torch():
    binder = ROOT / "binder" / "requirements.txt"
    text = binder.read_text(encoding="utf-8")
    top, ours = _pins(ROOT / "requirements.txt"), _pins(binder)
    assert ours.get("torch") == top["torch"] + "+cpu", "Binder must install the CPU build of the same torch"
    assert re.search(r"^--extra-index-url\s+https://download\.pytorch\.org/whl/cpu\s*$", text, re.M)
    for name, version in ours.items():
        if name != "torch":
            assert top.get(name) == version, f"binder pins {name}=={version}, requirements.txt {top.get(name)}"
    for needed in ("numpy", "matplotlib", "ipywidgets", "torch", "numba"):
        assert needed in ours, f"binder/requirements.txt must install {needed}"
    assert re.search(r"^-e\s+\.\s*$", text, re.M), "Binder must install the book's package (-e .)"
    assert not re.search(r"nvidia|cu\d{2,3}", text.split("#")[0]), "no CUDA packages on Binder"


def test_binder_python_matches_the_reference_environment():
    runtime = (ROOT / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    env = (ROOT / "scripts" / "_env.sh").read_text(encoding="utf-8")
    version = re.search(r'PYTHON="\$\{PYTHON:-python(3\.\d+)\}"', env).group(1)
    assert runtime == f"python-{version}"


def test_package_installs_every_subpackage_from_git():
    """Colab installs the package from git (not editable): every subpackage must be in the wheel."""
    import tomllib      # standard library from Python 3.11, which pyproject.toml requires
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = project.get("tool", {}).get("setuptools", {})
    packages = setuptools.get("packages")
    if isinstance(packages, dict) or packages is None:   # packages.find / automatic discovery
        return
    on_disk = sorted(".".join(p.parent.relative_to(ROOT).parts)
                     for p in (ROOT / "lecture_code").rglob("__init__.py")
                     if "__pycache__" not in p.parts)
    missing = sorted(set(on_disk) - set(packages))
    assert not missing, (
        f"pyproject.toml [tool.setuptools] packages = {packages} leaves out {missing}: "
        "`pip install git+...` (the Colab setup cell) would install lecture_code without them")


def test_pages_workflow_builds_with_the_project_script_and_deploys():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["deploy-book"]["steps"]
    runs = " ".join(s.get("run", "") for s in steps)
    uses = [s.get("uses", "") for s in steps]
    assert "bash scripts/build.sh" in runs and "scripts/site_test.sh" in runs
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    assert any(u.startswith("actions/deploy-pages") for u in uses)
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"


def test_the_site_keeps_only_the_font_awesome_icons_it_names(tmp_path):
    spec = importlib.util.spec_from_file_location("site_fixes", ROOT / "book/_ext/site_fixes.py")
    site_fixes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(site_fixes)
    scripts = tmp_path / "_static" / "scripts"
    scripts.mkdir(parents=True)
    (scripts / "fontawesome.js").write_text(
        'run({rocket:[512,512,[],"f135","M1 2z"],"github-alt":[480,512,[],"f113","M3 4z"],'
        '"magnifying-glass":[512,512,["search"],"f002","M5 6z"],'
        'duo:[512,512,[],"f0aa",["M7z","M8z"]]});', encoding="utf-8")
    (tmp_path / "page.html").write_text('<i class="fa-solid fa-rocket"></i>', encoding="utf-8")
    (tmp_path / "_static" / "theme.js").write_text('icon("fa-search")', encoding="utf-8")
    app = types.SimpleNamespace(outdir=str(tmp_path), builder=types.SimpleNamespace(format="html"))
    site_fixes._subset_fontawesome(app, None)
    kept = (scripts / "fontawesome.js").read_text(encoding="utf-8")
    assert kept.endswith('run({rocket:[512,512,[],"f135","M1 2z"],'
                         '"magnifying-glass":[512,512,["search"],"f002","M5 6z"]});')
    site_fixes._subset_fontawesome(app, None)                      # a second pass changes nothing
    assert (scripts / "fontawesome.js").read_text(encoding="utf-8") == kept
