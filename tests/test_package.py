"""Importing lecture_code is fast and pulls in neither torch, ipywidgets nor matplotlib."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

import lecture_code

HEAVY = ("torch", "ipywidgets", "matplotlib")
CORE = ("activations", "losses", "perceptron", "layers", "network", "optimizers",
        "regularization", "training", "gradcheck")


def fresh(code: str) -> dict:
    """Run ``code`` in a new interpreter; it prints a JSON dict, which is returned."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    return json.loads(out.stdout)


def test_import_is_light():
    # The package loads its modules on first use, so importing it loads no
    # third-party code at all (not even numpy); that is what keeps it well under
    # the 0.3 s budget, whose measured value `python -m lecture_code.fast.bench` reports.
    result = fresh(
        "import json, sys\n"
        "before = set(sys.modules)\n"
        "import lecture_code\n"
        "new = sorted(m.split('.')[0] for m in set(sys.modules) - before)\n"
        "print(json.dumps({'new': new}))")
    third_party = [m for m in result["new"] if m not in sys.stdlib_module_names
                   and m not in ("lecture_code", "_virtualenv")]
    assert third_party == []


def test_the_numpy_core_does_not_import_heavy_packages():
    result = fresh(
        "import json, sys, importlib\n"
        f"for m in {CORE!r}: importlib.import_module('lecture_code.' + m)\n"
        f"print(json.dumps({{'heavy': [m for m in {HEAVY!r} if m in sys.modules]}}))")
    assert result["heavy"] == []


@pytest.mark.parametrize("name", CORE)
def test_modules_load_lazily_as_attributes(name):
    assert getattr(lecture_code, name).__name__ == f"lecture_code.{name}"
    assert name in dir(lecture_code)


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        lecture_code.nope
