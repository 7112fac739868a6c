"""Chapter 5's exercise checks: the right answer passes, typical mistakes get a hint."""
from __future__ import annotations

import numpy as np

from support import exercise_tests

from lecture_code import optimizers
from lecture_code.exercises import attempt, check, gradient_descent as ex
from lecture_code.exercises._answers import CHECK_SEED


def adam_step(opt, grads):
    opt.t += 1
    for p, g, m, v in zip(opt.params, grads, opt.m, opt.v):
        m *= opt.b1
        m += (1 - opt.b1) * g
        v *= opt.b2
        v += (1 - opt.b2) * g * g
        m_hat, v_hat = m / (1 - opt.b1 ** opt.t), v / (1 - opt.b2 ** opt.t)
        p -= opt.lr * m_hat / (np.sqrt(v_hat) + opt.eps)


def adam_variant(*, correct=True, eps_inside=False, keep_state=True, fixed_t=False, numerator="m",
                 in_place=True, count=True):
    """adam_step with one typical mistake."""
    def step(opt, grads):
        if count:
            opt.t += 1
        t = 1 if fixed_t else max(opt.t, 1)
        for i, (p, g) in enumerate(zip(opt.params, grads)):
            m = opt.b1 * (opt.m[i] if keep_state else 0) + (1 - opt.b1) * g
            v = opt.b2 * (opt.v[i] if keep_state else 0) + (1 - opt.b2) * g * g
            opt.m[i], opt.v[i] = m, v
            m_hat, v_hat = (m / (1 - opt.b1 ** t), v / (1 - opt.b2 ** t)) if correct else (m, v)
            top = m_hat if numerator == "m" else g
            new = p - opt.lr * top / (np.sqrt(v_hat + opt.eps) if eps_inside else np.sqrt(v_hat) + opt.eps)
            if in_place:
                p[...] = new
            else:
                opt.params[i] = new          # a new array: the caller's stays as it was
    return step


def sign_flip_ratio():
    w = np.zeros(1)
    opt = optimizers.Adam([w], lr=0.1)
    opt.step([np.array([1.0])])
    first = w.copy()
    opt.step([np.array([-1.0])])
    return float(abs(w[0] - first[0]) / abs(first[0]))


RIGHT = {
    "ex-gradient-descent-one-step": (3 - 0.1 * 2 * 3,),
    "ex-gradient-descent-largest-lr": (float(2 / np.linalg.eigvalsh(ex.TILTED_HESSIAN).max()),),
    "ex-gradient-descent-adam-step": (sign_flip_ratio(),),
    "ex-gradient-descent-momentum-lr": (ex.TORCH_LR / (1 - ex.TORCH_MOMENTUM),),
    "ex-gradient-descent-updates-per-epoch": (int(np.ceil(ex.EPOCH_EXAMPLES / ex.EPOCH_BATCH)),),
    "ex-gradient-descent-adam": (adam_step,),
}

WRONG = [
    ("ex-gradient-descent-one-step", (3.6,), "uphill"),
    ("ex-gradient-descent-one-step", (2.7,), "2w"),
    ("ex-gradient-descent-one-step", (0.0,), "compute f'(3)"),
    ("ex-gradient-descent-largest-lr", (0.4,), "cross term"),
    ("ex-gradient-descent-largest-lr", (0.2,), "cross term"),
    ("ex-gradient-descent-largest-lr", (float(2 / np.linalg.eigvalsh(ex.TILTED_HESSIAN).min()),), "largest curvature"),
    ("ex-gradient-descent-largest-lr", (float(1 / np.linalg.eigvalsh(ex.TILTED_HESSIAN).max()),), "down to -1"),
    ("ex-gradient-descent-largest-lr", (0.5,), "too large"),
    ("ex-gradient-descent-largest-lr", (0.1,), "too small"),
    ("ex-gradient-descent-largest-lr", (-1,), "positive"),
    ("ex-gradient-descent-adam-step", (1.0,), "RMSProp"),
    ("ex-gradient-descent-adam-step", (-sign_flip_ratio(),), "positive ratio"),
    ("ex-gradient-descent-adam-step", (0.0707,), "1 - beta^t"),
    ("ex-gradient-descent-adam-step", (0.5,), "write out m, v"),
    ("ex-gradient-descent-momentum-lr", (ex.TORCH_LR * (1 - ex.TORCH_MOMENTUM),), "wrong way"),
    ("ex-gradient-descent-momentum-lr", (ex.TORCH_LR,), "constant factor"),
    ("ex-gradient-descent-momentum-lr", (0.3,), "write v_t"),
    ("ex-gradient-descent-updates-per-epoch", (ex.EPOCH_EXAMPLES // ex.EPOCH_BATCH,), "left over"),
    ("ex-gradient-descent-updates-per-epoch", (ex.EPOCH_EXAMPLES,), "one update per minibatch"),
    ("ex-gradient-descent-updates-per-epoch", ("many",), "should be a number"),
    ("ex-gradient-descent-adam", (adam_variant(correct=False),), "bias correction"),
    ("ex-gradient-descent-adam", (adam_variant(fixed_t=True),), "t counts the steps"),
    ("ex-gradient-descent-adam", (adam_variant(keep_state=False),), "carry over"),
    ("ex-gradient-descent-adam", (adam_variant(eps_inside=True),), "after the square root"),
    ("ex-gradient-descent-adam", (adam_variant(numerator="g"),), "numerator"),
    ("ex-gradient-descent-adam", (adam_variant(in_place=False),), "in place"),
    ("ex-gradient-descent-adam", (adam_variant(count=False),), "opt.t"),
    ("ex-gradient-descent-adam", (lambda opt, grads: None,), "in place"),
    ("ex-gradient-descent-adam", (lambda opt, grads: [p.__isub__(0.1 * g) for p, g in zip(opt.params, grads)],),
     "differ from Adam's"),
]

globals().update(exercise_tests("ex-gradient-descent-", RIGHT, WRONG))


def test_largest_lr_accepts_two_decimals_either_side():
    for value in (0.32, 0.321, 0.3207):
        assert attempt("ex-gradient-descent-largest-lr", value)[0], value
    assert not attempt("ex-gradient-descent-largest-lr", 0.33)[0]


def test_adam_refuses_the_package_step_called_inside():
    def calls_the_package(opt, grads):
        optimizers.Optimizer.step(opt, grads)
    passed, hint, _ = attempt("ex-gradient-descent-adam", calls_the_package)
    assert not passed and "yourself" in hint


def test_adam_cases_have_a_zero_first_gradient_a_zigzag_and_gradients_near_root_eps():
    for seed in range(20):
        (params, grads, *_), (_, zigzag, *_), (_, small, _, _, eps) = ex._adam_cases(np.random.default_rng(seed))
        assert not grads[0][0].any() and len(grads) >= 4
        assert all(zigzag[t][0][0] == -zigzag[t + 1][0][0] for t in range(len(zigzag) - 1))
        # where epsilon goes shows: the gradients are within a factor 10 of sqrt(eps)
        sizes = np.abs(np.concatenate([g[0] for g in small])) / np.sqrt(eps)
        assert len(small) >= 4 and sizes.min() >= 0.1 - 1e-12 and sizes.max() <= 10 + 1e-12


def test_the_eps_mistake_never_passes(monkeypatch):
    """An eps under the square root changes Adam's steps where the gradients are near sqrt(eps),
    which the third case always has, whatever the scales drawn for the first two (with only
    those, about 1 draw in 100 let this mistake pass)."""
    wrong = adam_variant(eps_inside=True)
    for seed in range(300):
        monkeypatch.setenv(CHECK_SEED, str(seed))
        passed, hint, _ = attempt("ex-gradient-descent-adam", wrong)
        assert not passed and "after the square root" in hint, (seed, hint)


def test_check_prints_pass_and_not_yet(capsys):
    check("ex-gradient-descent-one-step", 2.4)
    check("ex-gradient-descent-updates-per-epoch", "many")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "PASS ex-gradient-descent-one-step (1/1 points)"
    assert out[1].startswith("NOT YET ex-gradient-descent-updates-per-epoch (0/1 points):")


def test_adam_refuses_the_package_update_called_directly():
    def calls_update(opt, grads):
        opt.t += 1
        for i, (p, g) in enumerate(zip(opt.params, grads)):
            opt._update(i, p, g)
    passed, hint, _ = attempt("ex-gradient-descent-adam", calls_update)
    assert not passed and "yourself" in hint and "_update" in hint
