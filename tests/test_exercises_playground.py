"""Chapter 8's exercise checks: the right answer passes, typical wrong answers get a hint.

The right answers are recomputed here from lecture_code.playground directly, not
through the check's own helpers.
"""
from __future__ import annotations

import numpy as np

from lecture_code import playground
from lecture_code.exercises import REGISTRY, load_all
from lecture_code.exercises import playground as checks

load_all()


def verdict(exercise_id, *answer):
    return REGISTRY[exercise_id].checker(*answer)


def test_every_chapter_8_exercise_is_registered_with_its_points():
    points = {k: v.points for k, v in REGISTRY.items() if k.startswith("ex-playground-")}
    assert points == {"ex-playground-xor-units": 2, "ex-playground-l2": 2,
                      "ex-playground-deepest": 2, "ex-playground-losses": 2}


def test_xor_units():
    def worst(units):
        return min(playground.run(checks.XOR.replace(units=units, restart=r)).accuracy()
                   for r in checks.RESTARTS)
    right = next(u for u in range(1, 9) if worst(u) >= 0.9)
    assert right > 2                     # two units could represent XOR; training says more
    assert verdict("ex-playground-xor-units", right) is None
    assert "worst restart" in verdict("ex-playground-xor-units", 2)
    assert "fewer" in verdict("ex-playground-xor-units", right + 2)


def test_l2_norms():
    def norm(config):
        return sum(float((W ** 2).sum()) for W in playground.run(config).model.weights)
    without = norm(checks.OVERFIT)
    with_l2 = norm(checks.OVERFIT.replace(penalty="l2", lam=0.01))
    assert with_l2 < without / 5
    assert verdict("ex-playground-l2", without, with_l2) is None
    assert "swapped" in verdict("ex-playground-l2", with_l2, without)
    assert "square root" in verdict("ex-playground-l2", np.sqrt(without), np.sqrt(with_l2))
    assert verdict("ex-playground-l2", without, without) is not None


def test_deepest():
    def fewest(name):
        return next(d for d in range(7) if playground.run(checks.DEPTH.replace(
            dataset=name, hidden_layers=d)).accuracy(test=False) >= 0.95)
    depths = {name: fewest(name) for name in ("circles", "xor", "blobs", "spiral")}
    assert depths["blobs"] == 0 and depths["spiral"] == max(depths.values())
    assert sorted(depths.values()).count(depths["spiral"]) == 1     # a unique answer
    assert verdict("ex-playground-deepest", "spiral") is None
    assert verdict("ex-playground-deepest", "Spiral") is None
    assert "another set needs more" in verdict("ex-playground-deepest", "circles")
    assert "answer with one of" in verdict("ex-playground-deepest", "moons")


def test_losses():
    def first(loss):
        acc = np.array(playground.run(checks.SGD.replace(loss=loss)).history.val_acc)
        return int(np.flatnonzero(acc >= 0.95)[0])
    bce, mse = first("bce"), first("mse")
    assert bce < mse                     # cross-entropy learns faster under plain SGD
    assert verdict("ex-playground-losses", bce, mse) is None
    assert "swapped" in verdict("ex-playground-losses", mse, bce)
    assert "counted from 0" in verdict("ex-playground-losses", bce + 1, mse + 1)
    assert verdict("ex-playground-losses", 0, 0) is not None
