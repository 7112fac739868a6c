"""plotting.network_graph and plotting.gradient_norm_bars (chapter 6)."""
import numpy as np
import pytest
from matplotlib.patches import Circle

from lecture_code import plotting


LAYERS = [["x1", "x2"], ["h1", "h2"], ["o1"]]


def test_network_graph_places_nodes_and_draws_every_connection(ax):
    pos = plotting.network_graph(ax, LAYERS, forward={"h1": "out 0.51"}, backward={"o1": "δ 0.12"},
                                 edge_labels={("x1", "h1"): "w1", ("h2", "o1"): "w6"})
    assert set(pos) == {"x1", "x2", "h1", "h2", "o1"}
    assert pos["x1"][0] < pos["h1"][0] < pos["o1"][0]
    assert pos["x1"][1] > pos["x2"][1] and pos["o1"][1] == 0.0
    assert sum(isinstance(p, Circle) for p in ax.patches) == 5
    arrows = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == 2 * 2 + 2 * 1                      # dense connections
    texts = {t.get_text() for t in ax.texts}
    assert {"w1", "w6", "out 0.51", "δ 0.12", "x1", "o1"} <= texts
    backward = next(t for t in ax.texts if t.get_text() == "δ 0.12")
    assert backward.get_position()[1] < pos["o1"][1]        # gradients below the node
    ax.figure.canvas.draw()


@pytest.mark.parametrize("kwargs, message", [
    (dict(layers=[["a"], []]), "non-empty"),
    (dict(layers=[["a"], ["a"]]), "once"),
    (dict(layers=LAYERS, forward={"zz": "1"}), "unknown"),
    (dict(layers=LAYERS, edge_labels={("x1", "q"): "w"}), "unknown"),
])
def test_network_graph_rejects_bad_input(ax, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plotting.network_graph(ax, **kwargs)


def test_gradient_norm_bars_heights_and_log_scale(ax):
    norms = np.array([1e-9, 1e-6, 1e-3, 1.0])
    bars = plotting.gradient_norm_bars(ax, norms)
    np.testing.assert_allclose([b.get_height() for b in bars], norms)
    assert ax.get_yscale() == "log"
    assert [b.get_x() + b.get_width() / 2 for b in bars] == [1, 2, 3, 4]
    assert bars[-1].get_facecolor() != bars[0].get_facecolor()   # the output layer stands out
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert "1e-6" in labels and "1e0" in labels


def test_gradient_norm_bars_rejects_non_positive(ax):
    with pytest.raises(ValueError, match="positive"):
        plotting.gradient_norm_bars(ax, [1.0, 0.0])
