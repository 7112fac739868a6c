"""Checks for chapter 5, gradient descent. Each recomputes the answer with lecture_code."""
from __future__ import annotations

import numpy as np

from .. import descent, network, optimizers, training
from . import _guard, exercise
from ._answers import Unusable, call, close, fresh, number

#: ex-gradient-descent-largest-lr: f(w) = 1/2 w^T H w = 1.5 w1^2 + 2 w1 w2 + 2.5 w2^2.
TILTED_HESSIAN = np.array([[3.0, 2.0], [2.0, 5.0]])
#: ex-gradient-descent-momentum-lr: PyTorch's SGD(lr=0.012, momentum=0.95) to be retraced.
TORCH_LR, TORCH_MOMENTUM = 0.012, 0.95
#: ex-gradient-descent-updates-per-epoch: training examples and batch size.
EPOCH_EXAMPLES, EPOCH_BATCH = 1300, 48


def _sgd_on_square(w0: float, a: float, lr: float, steps: int) -> float:
    """w after ``steps`` steps of optimizers.SGD on f(w) = a w^2 (gradient 2 a w) from w0."""
    w = np.array([float(w0)])
    opt = optimizers.SGD([w], lr=lr)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            opt.step([2.0 * a * w])
    return float(w[0])


def _sgd_on_quadratic(H: np.ndarray, lr: float, steps: int = 400) -> float:
    """|w| after ``steps`` steps of optimizers.SGD on f(w) = 1/2 w^T H w from w = (1, 1)."""
    w = np.ones(len(H))
    opt = optimizers.SGD([w], lr=lr)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            opt.step([H @ w])
        return float(np.sqrt(np.sum(w * w)))


@exercise("ex-gradient-descent-one-step", points=1)
def one_step(w_new):
    """One step of gradient descent on f(w) = w^2 from w = 3 with eta = 0.1."""
    value = number(w_new, "w_new")
    want = _sgd_on_square(3.0, 1.0, 0.1, 1)
    if np.isclose(value, want):
        return None
    if np.isclose(value, 3.0 + 0.1 * 6.0):
        return "you stepped along the gradient, uphill; gradient descent subtracts eta * f'(w)"
    if np.isclose(value, 3.0 - 0.1 * 3.0):
        return "the derivative of w^2 is 2w, so f'(3) = 6"
    return "compute f'(3) = 2 * 3, then w - eta * f'(w)"


@exercise("ex-gradient-descent-largest-lr", points=2)
def largest_lr(eta_max):
    """The largest stable learning rate on the tilted bowl 1.5 w1^2 + 2 w1 w2 + 2.5 w2^2 (two decimals)."""
    eta = number(eta_max, "eta_max")
    if not eta > 0:
        return "a learning rate is a positive number"
    below = _sgd_on_quadratic(TILTED_HESSIAN, 0.98 * eta)
    above = _sgd_on_quadratic(TILTED_HESSIAN, 1.02 * eta)
    if below < 1.0 and not above < 1.0:
        return None
    curvatures = np.linalg.eigvalsh(TILTED_HESSIAN)
    if close(eta, 2.0 / max(np.diag(TILTED_HESSIAN)), decimals=2) \
            or close(eta, 1.0 / max(np.diag(TILTED_HESSIAN)), decimals=2):
        return ("that ignores the cross term 2 w1 w2, which tilts the bowl: the curvatures are the "
                "eigenvalues of the matrix of second derivatives, not its diagonal")
    if close(eta, 2.0 / curvatures.min(), decimals=2):
        return "the largest curvature sets the limit, not the smallest"
    if close(eta, 1.0 / curvatures.max(), decimals=2):
        return "a step multiplies by 1 - eta * curvature, which may go down to -1: eta < 2 / curvature"
    return ("too large: just below your value the steps already blow up" if not below < 1.0
            else "too small: a little above your value descent still converges")


def _adam_sign_flip(lr=0.1, betas=(0.9, 0.999), eps=1e-8, g=1.0, correct=True, momentum=True):
    """The two steps of Adam (or a mistaken variant) on one weight from 0 with gradients +g, then -g."""
    w, m, v, moves = 0.0, 0.0, 0.0, []
    b1, b2 = betas if momentum else (0.0, betas[1])
    for t, grad in ((1, g), (2, -g)):
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad ** 2
        m_hat, v_hat = (m / (1 - b1 ** t), v / (1 - b2 ** t)) if correct else (m, v)
        step = lr * m_hat / (np.sqrt(v_hat) + eps)
        w -= step
        moves.append(step)
    return moves


@exercise("ex-gradient-descent-adam-step", points=2)
def adam_second_step(ratio):
    """Adam on one weight, gradient +g then -g: the size of the second step over the first."""
    value = number(ratio, "ratio")
    w = np.zeros(1)
    opt = optimizers.Adam([w], lr=0.1)
    moves = []
    for g in (1.0, -1.0):
        before = w.copy()
        opt.step([np.array([g])])
        moves.append(abs(float(w[0] - before[0])))
    want = moves[1] / moves[0]
    if close(value, want, decimals=3):
        return None
    if close(value, 1.0, decimals=2):
        return ("a step of the same size is what RMSProp would take; Adam's m averages the two "
                "gradients, which nearly cancel")
    if close(value, -want, decimals=3):
        return "the question asks for sizes, |w2 - w1| / |w1 - w0|: a positive ratio"
    wrong = _adam_sign_flip(correct=False)
    if close(value, abs(wrong[1] / wrong[0]), decimals=3):
        return "m and v start at zero: at step t divide them by 1 - beta^t (t = 2 at the second step)"
    return "write out m, v, m_hat and v_hat for t = 1 and t = 2; the size of g does not matter"


@exercise("ex-gradient-descent-momentum-lr", points=2)
def momentum_lr(lr_ema):
    """The lr of MomentumEMA(alpha=0.95) that retraces PyTorch's SGD(lr=0.012, momentum=0.95)."""
    lr = number(lr_ema, "lr_ema")
    if not lr > 0:
        return "a learning rate is a positive number"
    classical = descent.run("sgd", "ravine", steps=30, lr=TORCH_LR, momentum=TORCH_MOMENTUM)
    ema = descent.run("momentum_ema", "ravine", steps=30, lr=lr, alpha=TORCH_MOMENTUM)
    if np.allclose(ema, classical, rtol=1e-12, atol=1e-12):
        return None
    if np.isclose(lr, TORCH_LR * (1 - TORCH_MOMENTUM)):
        return ("that goes the wrong way: the moving average v is the smaller of the two, "
                "v = (1 - alpha) b, so its learning rate must be the larger")
    if np.isclose(lr, TORCH_LR):
        return "the two velocities differ by a constant factor; write v_t in terms of b_t"
    return "write v_t in terms of the buffer b_t = sum of alpha^k g_(t-k); what multiplies b_t?"


@exercise("ex-gradient-descent-updates-per-epoch", points=1)
def updates_per_epoch(updates):
    """Optimizer steps in one epoch of training.train on 1300 examples with batch_size=48."""
    value = number(updates, "updates")
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((EPOCH_EXAMPLES, 2)), rng.integers(0, 2, EPOCH_EXAMPLES)
    model = network.MLP([2, 1], rng=rng)
    opt = optimizers.SGD(model.parameters(), lr=0.1)
    training.train(model, X, y, optimizer=opt, epochs=1, batch_size=EPOCH_BATCH, rng=rng)
    if value == opt.t:
        return None
    if value == EPOCH_EXAMPLES // EPOCH_BATCH:
        return "the examples left over after the full batches still make a (smaller) minibatch and a step"
    return (f"one update per minibatch: how many batches of at most {EPOCH_BATCH} cover "
            f"{EPOCH_EXAMPLES} examples?")


#: The package code ex-gradient-descent-adam asks the student to write: the optimizers' step
#: (Optimizer.step, which every optimizer class inherits) ...
STEP_METHODS = (optimizers.Adam.step,)
#: ... and the per-parameter updates it calls, which a student could call directly (opt._update(i, p, g)).
UPDATE_METHODS = tuple(cls._update for cls in (optimizers.Adam, optimizers.SGD, optimizers.MomentumEMA,
                                               optimizers.Adagrad, optimizers.RMSprop, optimizers.Adadelta))


def _adam_run(params, grads_seq, lr, betas, eps, *, correct=True, eps_inside=False, keep_state=True,
              fixed_t=False, numerator="m"):
    """Adam written out plainly, or one of its typical mistakes: the parameters after each step."""
    params = [p.copy() for p in params]
    m, v, out = [np.zeros_like(p) for p in params], [np.zeros_like(p) for p in params], []
    b1, b2 = betas
    for t, grads in enumerate(grads_seq, start=1):
        t_used = 1 if fixed_t else t
        for i, (p, g) in enumerate(zip(params, grads)):
            if not keep_state:
                m[i], v[i] = np.zeros_like(p), np.zeros_like(p)
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            m_hat, v_hat = (m[i] / (1 - b1 ** t_used), v[i] / (1 - b2 ** t_used)) if correct else (m[i], v[i])
            top = m_hat if numerator == "m" else g
            p -= lr * top / (np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps)
        out.append([p.copy() for p in params])
    return out


def _adam_cases(rng):
    """Fresh runs: (params, gradient sequence, lr, betas, eps) with random shapes and scales, and edge cases."""
    shapes = [tuple(int(d) for d in rng.integers(1, 5, int(rng.integers(1, 3)))) for _ in range(int(rng.integers(1, 4)))]
    params = [rng.standard_normal(s) for s in shapes]
    scales = [10.0 ** rng.uniform(-3, 3) for _ in shapes]
    steps = int(rng.integers(4, 9))
    grads_seq = [[scale * rng.standard_normal(s) for s, scale in zip(shapes, scales)] for _ in range(steps)]
    grads_seq[0][0] = np.zeros(shapes[0])                    # a weight whose first gradient is 0
    hyper = (float(rng.uniform(0.001, 0.3)), (float(rng.uniform(0.5, 0.95)), float(rng.uniform(0.9, 0.9999))),
             float(10.0 ** rng.uniform(-8, -4)))
    yield params, grads_seq, *hyper
    g = float(rng.choice([-1.0, 1.0]) * 10.0 ** rng.uniform(-4, 2))     # one weight, a zig-zag gradient
    yield [np.array([float(rng.normal())])], [[np.array([g * (-1) ** t])] for t in range(6)], 0.1, (0.9, 0.999), 1e-8
    # gradients near the square root of eps, where epsilon's place shows, whatever the scales above
    eps = float(10.0 ** rng.uniform(-8, -4))
    small = [[np.sqrt(eps) * 10.0 ** rng.uniform(-1, 1, 3) * rng.choice([-1.0, 1.0], 3)] for _ in range(5)]
    yield [rng.standard_normal(3)], small, 0.01, (0.9, 0.999), eps


def _adam_mistake(params, grads_seq, lr, betas, eps, got_after):
    """A hint naming the mistake whose trajectory the student's matches, or None."""
    variants = {
        "m and v start at zero: divide them by 1 - beta^t at step t (the bias correction)": {"correct": False},
        "t counts the steps: 1 at the first step, 2 at the second, and so on (use opt.t after adding 1)":
            {"fixed_t": True},
        "m and v must carry over from step to step: keep them in opt.m[i] and opt.v[i]": {"keep_state": False},
        "epsilon is added after the square root: m_hat / (sqrt(v_hat) + eps)": {"eps_inside": True},
        "Adam's numerator is the bias-corrected moving average m_hat, not the gradient": {"numerator": "g"},
    }
    for hint, options in variants.items():
        wrong = _adam_run(params, grads_seq, lr, betas, eps, **options)
        if all(np.allclose(a, b, rtol=1e-9, atol=1e-12) for a, b in zip(wrong[-1], got_after)):
            return hint
    return None


@exercise("ex-gradient-descent-adam", points=3, writes=STEP_METHODS)
def adam_step_written(function):
    """A function (opt, grads) doing Adam's step on an optimizers.Adam's state, over several fresh steps."""
    for params, grads_seq, lr, betas, eps in _adam_cases(fresh()):
        mine = optimizers.Adam([p.copy() for p in params], lr=lr, betas=betas, eps=eps)
        theirs = optimizers.Adam([p.copy() for p in params], lr=lr, betas=betas, eps=eps)
        held = list(theirs.params)      # the arrays a model would hold: updated in place, or not at all
        for t, grads in enumerate(grads_seq, start=1):
            mine.step([g.copy() for g in grads])
            before = [p.copy() for p in held]
            with np.errstate(all="ignore"), _guard.watching(STEP_METHODS + UPDATE_METHODS) as called:
                call(function, theirs, [g.copy() for g in grads], name="your adam_step")
            if called:
                return _guard.refusal(called)
            got = held
            if len(got) != len(params) or any(np.shape(a) != np.shape(b) for a, b in zip(got, params)):
                raise Unusable("your adam_step must update the arrays of opt.params in place, keeping their shapes")
            if all(np.allclose(a, b, rtol=1e-9, atol=1e-12) for a, b in zip(got, mine.params)):
                continue
            if all(np.array_equal(a, b) for a, b in zip(got, before)):
                return (f"step {t} left the parameters unchanged: update the arrays of opt.params "
                        "in place (p -= ..., or p[...] = ...), as lecture_code's optimizers do")
            replay = _adam_run(params, grads_seq[:t], lr, betas, eps)
            hint = _adam_mistake(params, grads_seq[:t], lr, betas, eps, got)
            if hint is None and all(np.allclose(a, b, rtol=1e-9, atol=1e-12) for a, b in zip(replay[-1], got)):
                hint = "your parameters are right, but increase opt.t by one at every step"
            where = f"after step {t} (lr = {lr:.3g}, betas = ({betas[0]:.3g}, {betas[1]:.4g}), eps = {eps:.1e})"
            return (hint + f"; your parameters differ from Adam's {where}" if hint else
                    f"your parameters differ from Adam's {where}: compare m, v, the bias corrections "
                    "and where epsilon goes with the chapter's rule")
        if theirs.t != mine.t:
            return "increase opt.t by one at every step: the next step's bias corrections depend on it"
    return None
