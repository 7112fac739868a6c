"""Fixtures shared by several test files."""
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lecture_code import datasets, network


@pytest.fixture
def ax():
    """Fresh axes on an Agg canvas (no pyplot, no GUI backend)."""
    figure = Figure()
    FigureCanvasAgg(figure)
    return figure.add_subplot()


@pytest.fixture
def small_problem():
    """``make(seed=0, n=64) -> (MLP [2, 8, 1], X, y)`` on noisy moons, seeded."""
    def make(seed=0, n=64):
        rng = np.random.default_rng(seed)
        X, y = datasets.moons(n, rng=rng, noise=0.2)
        return network.MLP([2, 8, 1], rng=rng), X, y
    return make
