"""Checks for chapter 8, the playground. Each recomputes the answer with lecture_code.playground."""
from __future__ import annotations

import functools

import numpy as np

from .. import playground
from ..playground import Config
from . import exercise

#: ex-playground-xor-units: one hidden tanh layer on clean XOR; restarts 0, 1, 2.
XOR = Config(dataset="xor", noise=0.0, hidden_layers=1, activation="tanh", lr=0.03)
RESTARTS = (0, 1, 2)
#: ex-playground-l2: the chapter's overfitting setting, with and without an L2 penalty.
OVERFIT = Config(noise=0.25, points=100, test_fraction=0.5, hidden_layers=3, epochs=1000)
L2 = 0.01
#: ex-playground-deepest: 6 units per hidden layer, 400 points without noise.
DEPTH = Config(points=400, noise=0.0, units=6)
CLASSIFICATION = ("circles", "xor", "blobs", "spiral")
#: ex-playground-losses: plain gradient descent on the circles.
SGD = Config(optimizer="sgd", lr=0.3)

_run = functools.lru_cache(maxsize=128)(playground.run)     # a Config is hashable


def xor_units() -> tuple[int, dict]:
    """Fewest units with test accuracy >= 0.9 from every restart, and the accuracies seen."""
    seen = {}
    for units in range(1, 9):
        seen[units] = [_run(XOR.replace(units=units, restart=r)).accuracy() for r in RESTARTS]
        if min(seen[units]) >= 0.9:
            return units, seen
    raise ArithmeticError("no width up to 8 solves XOR from every restart")


@exercise("ex-playground-xor-units", points=2)
def fewest_xor_units(units):
    """Smallest one-layer tanh network that solves XOR from every restart."""
    right, seen = xor_units()
    units = int(units)
    if units == right:
        return None
    if units < right:
        worst = min(seen.get(units) or [_run(XOR.replace(units=units, restart=r)).accuracy()
                                        for r in RESTARTS])
        return (f"with {units} units the worst restart reaches test accuracy {worst:.2f}; "
                "every restart must reach 0.9")
    return f"fewer than {units} units already reach 0.9 from every restart: try smaller widths"


def weight_norms() -> tuple[float, float]:
    """Sum of squared weights after training OVERFIT without and with the L2 penalty."""
    return (_run(OVERFIT).weight_norm(),
            _run(OVERFIT.replace(penalty="l2", lam=L2)).weight_norm())


@exercise("ex-playground-l2", points=2)
def l2_norms(without, with_l2):
    """The weight norms of OVERFIT trained without and with L2 (lambda = 0.01)."""
    right = weight_norms()
    got = (float(without), float(with_l2))
    if np.allclose(got, right, rtol=1e-6):
        return None
    if np.allclose(got[::-1], right, rtol=1e-6):
        return "the two numbers are swapped: the penalty makes the weights smaller"
    if np.allclose(np.sqrt(got), right, rtol=1e-6) or np.allclose(got, np.sqrt(right), rtol=1e-6):
        return "use the sum of squared weights (result.weight_norm()), not its square root"
    return ("train OVERFIT twice, with penalty='none' and with penalty='l2', lam=0.01, and "
            "read result.weight_norm() (biases are not penalised and not counted)")


def fewest_layers() -> dict[str, int | None]:
    """Per data set, the fewest hidden layers (0 to 6) with training accuracy >= 0.95."""
    out = {}
    for name in CLASSIFICATION:
        out[name] = next((depth for depth in range(7) if _run(DEPTH.replace(
            dataset=name, hidden_layers=depth)).accuracy(test=False) >= 0.95), None)
    return out


@exercise("ex-playground-deepest", points=2)
def deepest(name):
    """The data set among the four classification sets that needs the most hidden layers."""
    depths = fewest_layers()
    most = max(d for d in depths.values() if d is not None)
    right = [n for n, d in depths.items() if d == most]
    if str(name).lower() in right:
        return None
    if str(name).lower() not in depths:
        return f"answer with one of {', '.join(CLASSIFICATION)}"
    return (f"{name} reaches training accuracy 0.95 with {depths[str(name).lower()]} hidden "
            "layer(s); another set needs more")


def epochs_to_95() -> tuple[int | None, int | None]:
    """First epoch (0-based) with test accuracy >= 0.95, for cross-entropy and squared error."""
    out = []
    for loss in ("bce", "mse"):
        reached = np.flatnonzero(np.array(_run(SGD.replace(loss=loss)).history.val_acc) >= 0.95)
        out.append(int(reached[0]) if reached.size else None)
    return tuple(out)


@exercise("ex-playground-losses", points=2)
def losses_compared(bce_epoch, mse_epoch):
    """Epochs of plain gradient descent until 95% test accuracy, per loss."""
    right = epochs_to_95()
    if (int(bce_epoch), int(mse_epoch)) == right:
        return None
    if (int(mse_epoch), int(bce_epoch)) == right:
        return "the two epochs are swapped: which loss has the larger gradient at the output?"
    if (int(bce_epoch) - 1, int(mse_epoch) - 1) == right:
        return "epochs are counted from 0: history.val_acc[0] is after the first epoch"
    return ("train SGD twice with loss='bce' and loss='mse' and find the first index where "
            "history.val_acc reaches 0.95")
