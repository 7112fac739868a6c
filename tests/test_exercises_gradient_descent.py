import pytest

from lecture_code.exercises import REGISTRY, check, load_all

load_all()


def hint(exercise_id, *answer):
    return REGISTRY[exercise_id].checker(*answer)


def test_every_check_of_the_chapter_is_registered_with_points():
    ids = {i for i in REGISTRY if i.startswith("ex-gradient-descent-")}
    assert ids == {"ex-gradient-descent-one-step", "ex-gradient-descent-largest-lr",
                   "ex-gradient-descent-adam-step", "ex-gradient-descent-momentum-lr",
                   "ex-gradient-descent-updates-per-epoch"}
    assert all(REGISTRY[i].points > 0 for i in ids)


def test_one_step():
    assert hint("ex-gradient-descent-one-step", 2.4) is None
    assert "uphill" in hint("ex-gradient-descent-one-step", 3.6)
    assert "2w" in hint("ex-gradient-descent-one-step", 2.7)
    assert hint("ex-gradient-descent-one-step", 0.0) is not None


@pytest.mark.parametrize("right", [0.4, 0.399, 0.401])
def test_largest_lr_accepts_the_boundary(right):
    assert hint("ex-gradient-descent-largest-lr", right) is None


@pytest.mark.parametrize("wrong, words", [(0.8, "2a = 5"), (0.2, "2a = 5"), (0.5, "too large"),
                                          (0.3, "too small"), (-1, "positive")])
def test_largest_lr_hints(wrong, words):
    assert words in hint("ex-gradient-descent-largest-lr", wrong)


def test_adam_step():
    assert hint("ex-gradient-descent-adam-step", [0.9, -1.9]) is None
    assert "plain gradient step" in hint("ex-gradient-descent-adam-step", [0.9997, 2.0])
    assert "eta * g / |g|" in hint("ex-gradient-descent-adam-step", [0.9, -2.1])


def test_momentum_lr():
    assert hint("ex-gradient-descent-momentum-lr", 0.05) is None
    assert "v = (1 - alpha) b" in hint("ex-gradient-descent-momentum-lr", 5.0)
    assert hint("ex-gradient-descent-momentum-lr", 0.5) is not None


def test_updates_per_epoch():
    assert hint("ex-gradient-descent-updates-per-epoch", 32) is None
    assert "8 examples" in hint("ex-gradient-descent-updates-per-epoch", 31)
    assert hint("ex-gradient-descent-updates-per-epoch", 1000) is not None


def test_check_prints_pass_and_not_yet(capsys):
    check("ex-gradient-descent-one-step", 2.4)
    check("ex-gradient-descent-updates-per-epoch", "many")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "PASS ex-gradient-descent-one-step (1/1 points)"
    assert out[1].startswith("NOT YET ex-gradient-descent-updates-per-epoch (0/1 points):")
