"""The checks of the book where its readers run it (scripts/check_environments.sh).

The checks themselves run in CI (.ci/run): strict nbval under another BLAS
kernel, every chapter in a Colab-like environment, Python 3.12. These tests
pin down the pieces they rely on, so that a change that would make a check
silently test less fails here first:

- scripts/run_like_colab.py points each chapter's setup cell at the package
  it is given and makes the cell take its Colab branch (the stand-in
  ``google.colab`` module), and reports a chapter that did not;
- chapters that need torch are recognised (they are skipped, saying so, only
  where an environment has no torch);
- the Colab versions are stated in one constraints file, with the ipywidgets
  7.x that Colab ships.
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
PACKAGE = "git+file:///tmp/clone@0123abcd"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


colab = _load("run_like_colab")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_runs_its_own_setup_cell_against_the_given_package(path):
    nb = colab.prepared(path, PACKAGE)
    assert nb.cells[0].source == "import google.colab"          # before any chapter code
    setup = nb.cells[colab.find_setup_cell(nb)]
    assert '"git+file:///tmp/clone@0123abcd"' in setup.source
    assert '"--no-deps"' in setup.source and 'if "google.colab" in sys.modules:' in setup.source
    assert colab.REPORT in nb.cells[-1].source
    original = nbformat.read(path, as_version=4)
    assert len(nb.cells) == len(original.cells) + 2                 # nothing else added or lost


def test_the_stand_in_makes_the_setup_cell_take_its_colab_branch():
    code = ("import sys; import google.colab; from google.colab import output; "
            "output.enable_custom_widget_manager(); "
            "print('google.colab' in sys.modules, output.custom_widget_manager_enabled)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(colab.STAND_IN), "PATH": ""})
    assert done.stdout.split() == ["True", "True"]


def test_only_the_chapters_that_import_torch_need_it():
    need = [p.stem for p in CHAPTERS if colab.needs_torch(p)]
    assert "09_pytorch" in need
    assert not [n for n in need if n < "09"], "chapters 1-8 must run without torch (Python 3.12)"


def test_a_chapter_that_did_not_run_as_in_colab_is_reported():
    site = Path(colab.sysconfig.get_paths()["purelib"])
    good = {"lecture_code": str(site / "lecture_code" / "__init__.py"), "prefix": sys.prefix,
            "version": "3.11", "widget_manager": True}
    assert colab.check_report(good) is None
    assert "no report" in colab.check_report(None)
    assert "not a pip install" in colab.check_report({**good, "lecture_code": str(ROOT / "lecture_code"
                                                                                  / "__init__.py")})
    assert "Colab branch" in colab.check_report({**good, "widget_manager": False})
    assert "not of this environment" in colab.check_report({**good, "prefix": "/elsewhere"})


def test_the_colab_versions_are_stated_in_one_constraints_file():
    lines = (ROOT / "scripts" / "colab-constraints.txt").read_text().splitlines()
    pins = {r.name: r.specifier for r in (Requirement(line.split("#")[0])
                                          for line in lines if line.split("#")[0].strip())}
    assert set(pins) == {"ipywidgets", "ipykernel", "numpy", "matplotlib", "torch", "numba"}
    assert "0.60" in str(pins["numba"])        # Colab's numba: the compiled loop must compile there
    assert "7.7.1" in pins["ipywidgets"] and "8.0" not in pins["ipywidgets"]
    assert str(pins["torch"]) == "==2.13.0"    # any other torch is a multi-GB CUDA download
    script = (ROOT / "scripts" / "check_environments.sh").read_text()
    assert "colab-constraints.txt" in script and "OPENBLAS_CORETYPE=Prescott" in script
    assert "check_environments.sh" in (ROOT / ".ci" / "run").read_text()


def test_a_traceback_shown_while_displaying_fails_the_chapter(monkeypatch, tmp_path):
    # An exception raised by _repr_mimebundle_ (what ipywidgets 7 once did to every
    # panel) fails the cell in recent IPython; the IPython of Colab's ipykernel 6
    # shows it as an error output and lets the cell succeed. Either way it fails.
    broken = ("class Panel:\n    def _repr_mimebundle_(self, include=None, exclude=None):\n"
              "        raise AttributeError('no view')\nPanel()")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(colab.PRELUDE),
                                         nbformat.v4.new_code_cell(broken),
                                         nbformat.v4.new_code_cell("print('after')")])
    monkeypatch.setattr(colab, "prepared", lambda path, package: nb)
    monkeypatch.setenv("PYTHONPATH", str(colab.STAND_IN))
    error, report, _ = colab.run(tmp_path / "chapter.ipynb", PACKAGE, timeout=60)
    assert error.startswith("cell 0 of the chapter") and error.endswith("AttributeError: no view")
    assert report is None
