"""The benchmark runs and reports what it promises; timings are printed, never asserted."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lecture_code import bench


KEYS = {"train_ms_median", "render_ms_median", "callback_ms_median", "redraw_ms_median",
        "torch_train_ms_median", "numpy_over_torch", "final_loss_abs_diff", "scaling",
        "growth_exponent", "repeats", "epochs", "load_average"}


@pytest.fixture(scope="module")
def report():
    """``python -m lecture_code.fast.bench --json`` with one repeat and 10 epochs (a few seconds)."""
    out = subprocess.run([sys.executable, "-m", "lecture_code.fast.bench", "--json", "--repeats", "1",
                          "--scaling-repeats", "1", "--epochs", "10"],
                         capture_output=True, text=True, check=True, timeout=600)
    lines = out.stdout.strip().splitlines()
    assert "median ms" in out.stdout and "numpy / torch" in out.stdout    # the readable table
    return json.loads(lines[-1])


def test_json_has_every_key(report):
    assert KEYS <= set(report)
    assert report["epochs"] == 10 and report["repeats"] == 1
    for key in KEYS - {"scaling", "growth_exponent"}:
        assert isinstance(report[key], (int, float)) and report[key] >= 0, key
    assert report["numpy_over_torch"] == pytest.approx(
        report["train_ms_median"] / report["torch_train_ms_median"])


def test_numpy_and_torch_end_at_the_same_loss(report):
    assert report["final_loss_abs_diff"] <= 1e-6
    assert report["final_loss_numpy"] > 0


def test_scaling_table_has_a_row_per_points_and_width(report):
    cells = [(row["points"], row["units"]) for row in report["scaling"]]
    assert cells == [(n, k) for n in bench.POINTS for k in bench.UNITS]
    assert bench.POINTS[0] == 200 and bench.POINTS[-1] == 5000
    assert all(row["callback_ms_median"] > 0 for row in report["scaling"])
    assert set(report["growth_exponent"]) == {str(k) for k in bench.UNITS}


def test_growth_exponent_is_the_slope_in_log_log():
    rows = [{"points": n, "units": 4, "callback_ms_median": 3.0 * n} for n in (200, 1000, 5000)]
    assert bench._growth(rows, 4) == pytest.approx(1.0)
    rows = [{"points": n, "units": 4, "callback_ms_median": n ** 2} for n in (200, 1000)]
    assert bench._growth(rows, 4) == pytest.approx(2.0)

