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
    """``python -m lecture_code.bench --json`` with one repeat and 10 epochs (a few seconds)."""
    out = subprocess.run([sys.executable, "-m", "lecture_code.bench", "--json", "--repeats", "1",
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


@pytest.fixture(scope="module")
def panels_report():
    """``python -m lecture_code.bench --panels`` on chapters 1 and 4, one repeat."""
    out = subprocess.run([sys.executable, "-m", "lecture_code.bench", "--panels", "--json",
                          "--repeats", "1", "--chapters", "01", "04"],
                         capture_output=True, text=True, check=True, timeout=600)
    assert "default ms" in out.stdout and "fast / reference" in out.stdout
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_panels_bench_times_every_panel_of_the_chosen_chapters(panels_report):
    rows = panels_report["panels"]
    assert [r["chapter"] for r in rows] == ["01_perceptron", "04_loss"]
    assert rows[0]["panel"] == "Panel(lr, epochs)"
    for row in rows:
        assert row["default_ms_median"] > 0 and row["corner_compute_ms"] > 0
        assert row["corner_shows"] in ("figure", "message", "estimate + button")
        assert set(row["corner"]) == set(row["panel"][6:-1].split(", "))
    ratio = panels_report["ratio"]
    assert ratio["fast_over_reference"] == pytest.approx(
        ratio["fast_train_ms_median"] / ratio["reference_train_ms_median"])
    assert len(panels_report["load_average_before"]) == 3


def test_the_corner_takes_each_controls_slower_end():
    from lecture_code import bench_panels, widgets
    from lecture_code.controls import Choice, Slider
    work = []

    def update(a, b, kind):
        work.append((a == 0) + 2 * (b == 1) + 3 * (kind == "big"))   # slow at a=0, b=1, big
        return b"\x89PNG"

    def timer(f):            # a clock that counts the work instead of reading the time
        f()
        return float(work[-1])

    panel = widgets.Panel(update, {"a": Slider("a", 0, 1, 0.5), "b": Slider("b", 0, 1, 0.5),
                                   "kind": Choice("kind", ("small", "big", "tiny"), "small")},
                          alt="x")
    assert bench_panels.corner(panel, timer) == {"a": 0.0, "b": 1.0, "kind": "big"}
