"""bench --panels runs every chosen chapter's panels and reports what it promises (never asserting a time)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.fixture(scope="module")
def panels_report():
    """``python -m lecture_code.fast.bench --panels`` on chapters 1 and 4, one repeat."""
    out = subprocess.run([sys.executable, "-m", "lecture_code.fast.bench", "--panels", "--json",
                          "--repeats", "1", "--chapters", "01", "04"],
                         capture_output=True, text=True, check=True, timeout=600)
    assert "default ms" in out.stdout and "fast / reference" in out.stdout
    assert "the fast path in the corners of training" in out.stdout
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


def test_a_panel_with_a_cost_estimate_gets_its_corner_from_the_estimate():
    from lecture_code import bench_panels, playground
    corner = bench_panels.corner(playground.panel(), timer=lambda f: 1 / 0)   # never timed
    assert (corner["points"], corner["hidden_layers"], corner["units"], corner["batch_size"],
            corner["epochs"]) == (1000, 6, 16, 10, 1000)


def test_the_corners_cover_an_early_stop_in_a_large_budget_and_a_first_epoch_divergence(panels_report):
    corners = {c["corner"]: c for c in panels_report["corners"]}
    assert len(corners) == 7
    assert corners["early stop in a 20000-epoch budget"]["epochs_run"] < 100
    assert corners["diverges in the first epoch"]["epochs_run"] == 1
    for c in corners.values():
        assert c["fast_over_reference"] == pytest.approx(c["fast_ms"] / c["reference_ms"])
