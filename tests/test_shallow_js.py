"""The browser's shallow network (book/_static/shallow/shallow.js) equals lecture_code.shallow.

Chapter 3's panel is computed in the browser on the static site. This test writes
random networks and the Python's results as fixtures, then runs Node's test runner on
tests/browser/shallow.test.mjs, which checks the JavaScript against them.
"""
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np

from lecture_code import shallow
from lecture_code.plotting.shallow import ShallowFigure

ROOT = Path(__file__).resolve().parents[1]


def fixtures(count: int = 60, seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    cases = []
    for k in range(count):
        theta = np.round(rng.uniform(-2, 2, (3, 2)), 1)     # the panel's slider grid (step 0.1)
        phi = np.round(rng.uniform(-2, 2, 4), 1)
        if k % 5 == 0:
            theta[k % 3, 1] = 0.0                             # a flat unit: no kink
        if k % 7 == 0:
            theta[:, :] = rng.uniform(-40, 40, (3, 2))        # far from the slider range
        x = np.concatenate([np.linspace(-1, 1, 41), rng.uniform(-1, 1, 10)])
        y = np.sin(np.pi * x) + 0.1 * rng.standard_normal(x.size)
        predicted = shallow.forward(x, theta, phi)
        cases.append({"theta": theta.tolist(), "phi": phi.tolist(), "x": x.tolist(),
                      "y": y.tolist(), "hidden": shallow.hidden(x, theta).tolist(),
                      "forward": predicted.tolist(),
                      "kinks": [None if np.isnan(v) else float(v) for v in shallow.kinks(theta)],
                      "mse": float(np.mean((predicted - y) ** 2))})
    return cases


def test_the_fixtures_use_the_figures_own_formula_for_the_mse():
    case = fixtures(1)[0]
    figure = ShallowFigure(np.array(case["x"])[:, None], np.array(case["y"]))
    figure.update(np.array(case["theta"]), np.array(case["phi"]))
    assert figure.mse_text.get_text() == f"MSE on the data = {case['mse']:.3f}"


def test_the_browser_engine_equals_the_python_one(tmp_path):
    node = shutil.which("node")
    assert node, "Node.js >= 20 is needed (it also builds and tests the site; see README)"
    path = tmp_path / "shallow_fixtures.json"
    path.write_text(json.dumps(fixtures()), encoding="utf-8")
    result = subprocess.run([node, "--test", str(ROOT / "tests/browser/shallow.test.mjs")],
                            env={**os.environ, "SHALLOW_FIXTURES": str(path)},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "# pass 61" in result.stdout and "# fail 0" in result.stdout
