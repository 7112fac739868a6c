"""Optimizers: 100-step trajectories and defaults against torch.optim; errors."""
from __future__ import annotations

import inspect

import numpy as np
import pytest
import torch

from lecture_code import optimizers as opt

STEPS = 100
# Parameters are O(1), so the comparison is absolute. Both sides do the same float64
# arithmetic, grouped slightly differently (e.g. (1 - b) * g * g vs (1 - b) * (g * g)): a few
# ulps per step, 3e-15 after 100 steps. Hyperparameters are chosen where the Rosenbrock
# dynamics do not amplify rounding (a step size at the edge of stability multiplies a 1e-16
# difference by ~4 every 5 steps); 1e-12 leaves room for other CPUs' rounding (FMA).
TOL = 1e-12


def rosenbrock_grad(params):
    """Gradient of sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2 over all entries of params.

    Non-quadratic, so the gradient changes at every step. Both sides compute it with this
    same numpy function, so any difference comes from the update rules alone.
    """
    x = np.concatenate([np.asarray(p).ravel() for p in params])
    g = np.zeros_like(x)
    g[:-1] = -400 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
    g[1:] += 200 * (x[1:] - x[:-1] ** 2)
    sizes = np.cumsum([np.asarray(p).size for p in params])[:-1]
    return [part.reshape(np.shape(p)) for part, p in zip(np.split(g, sizes), params)]


def start():
    """Two parameter arrays (a vector and a matrix), so per-parameter state is exercised."""
    rng = np.random.default_rng(0)
    return [rng.uniform(-1, 1, size=3), rng.uniform(-1, 1, size=(2, 2))]


def trajectories(ours_cls, ours_kw, torch_cls, torch_kw):
    ours = start()
    theirs = [torch.tensor(p) for p in start()]
    o, t = ours_cls(ours, **ours_kw), torch_cls(theirs, **torch_kw)
    a, b = [], []
    for _ in range(STEPS):
        o.step(rosenbrock_grad(ours))
        for p, g in zip(theirs, rosenbrock_grad([p.numpy() for p in theirs])):
            p.grad = torch.tensor(g)
        t.step()
        a.append(np.concatenate([p.ravel() for p in ours]))
        b.append(np.concatenate([p.numpy().ravel() for p in theirs]))
    return np.array(a), np.array(b)


CASES = {
    "sgd": (opt.SGD, dict(lr=1e-3), torch.optim.SGD),
    "sgd-momentum": (opt.SGD, dict(lr=1e-3, momentum=0.9), torch.optim.SGD),
    "sgd-dampening": (opt.SGD, dict(lr=1e-3, momentum=0.9, dampening=0.5), torch.optim.SGD),
    "sgd-nesterov": (opt.SGD, dict(lr=5e-4, momentum=0.9, nesterov=True), torch.optim.SGD),
    "sgd-weight_decay": (opt.SGD, dict(lr=1e-3, momentum=0.5, weight_decay=0.1),
                         torch.optim.SGD),
    "adagrad": (opt.Adagrad, dict(lr=0.1), torch.optim.Adagrad),
    "adagrad-lr_decay": (opt.Adagrad, dict(lr=0.1, lr_decay=0.05), torch.optim.Adagrad),
    "adagrad-initial_acc": (opt.Adagrad, dict(lr=0.1, initial_accumulator_value=0.5,
                                              weight_decay=0.1), torch.optim.Adagrad),
    "rmsprop": (opt.RMSprop, dict(lr=1e-2), torch.optim.RMSprop),
    "rmsprop-centered": (opt.RMSprop, dict(lr=1e-2, centered=True), torch.optim.RMSprop),
    "rmsprop-momentum": (opt.RMSprop, dict(lr=1e-3, momentum=0.9), torch.optim.RMSprop),
    "rmsprop-all": (opt.RMSprop, dict(lr=1e-3, alpha=0.9, momentum=0.5, centered=True,
                                      weight_decay=0.1), torch.optim.RMSprop),
    "adadelta": (opt.Adadelta, dict(), torch.optim.Adadelta),
    "adadelta-options": (opt.Adadelta, dict(lr=0.5, rho=0.95, eps=1e-4, weight_decay=0.1),
                         torch.optim.Adadelta),
    "adam": (opt.Adam, dict(lr=1e-2), torch.optim.Adam),
    "adam-weight_decay": (opt.Adam, dict(lr=1e-2, betas=(0.8, 0.99), eps=1e-6,
                                         weight_decay=0.1), torch.optim.Adam),
}


@pytest.mark.parametrize("case", CASES)
def test_trajectory_matches_torch(case):
    cls, kw, torch_cls = CASES[case]
    ours, theirs = trajectories(cls, kw, torch_cls, kw)
    assert np.ptp(ours, axis=0).max() > 0.1         # the parameters really moved
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOL)


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_momentum_ema_is_torch_sgd_with_scaled_lr(weight_decay):
    eta, alpha = 0.01, 0.9
    ours, theirs = trajectories(opt.MomentumEMA, dict(lr=eta, alpha=alpha,
                                                      weight_decay=weight_decay),
                                torch.optim.SGD, dict(lr=eta * (1 - alpha), momentum=alpha,
                                                      weight_decay=weight_decay))
    assert np.ptp(ours, axis=0).max() > 0.1
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOL)


@pytest.mark.parametrize("name", ["SGD", "Adagrad", "RMSprop", "Adadelta", "Adam"])
def test_defaults_equal_torch(name):
    ours = inspect.signature(getattr(opt, name)).parameters
    theirs = inspect.signature(getattr(torch.optim, name)).parameters
    for arg in ours.values():
        if arg.name != "params":
            assert arg.name in theirs, arg.name
            assert arg.default == theirs[arg.name].default, arg.name


def test_make_keeps_torch_defaults_and_momentum_means_0_9():
    params = start()
    assert opt.make("adam", params).lr == 1e-3
    assert opt.make("Adadelta", params).lr == 1.0
    assert opt.make("sgd", params, lr=0.5).lr == 0.5
    sgd = opt.make("momentum", params)
    assert isinstance(sgd, opt.SGD) and sgd.momentum == 0.9
    assert isinstance(opt.make("momentum_ema", params), opt.MomentumEMA)


def test_updates_are_in_place():
    params = start()
    ids = [id(p) for p in params]
    opt.SGD(params, lr=0.1).step([np.ones_like(p) for p in params])
    assert [id(p) for p in params] == ids
    np.testing.assert_array_equal(params[0], start()[0] - 0.1)


@pytest.mark.parametrize("call, match", [
    (lambda: opt.make("adamw", start()), "unknown optimizer 'adamw'"),
    (lambda: opt.SGD(start(), lr=0), "lr must be a number > 0"),
    (lambda: opt.Adam(start(), lr=-1e-3), "lr must be a number > 0"),
    (lambda: opt.Adam(start(), lr=float("nan")), "lr must be a number > 0"),
    (lambda: opt.Adam(start(), lr="fast"), "lr must be a number"),
    (lambda: opt.SGD([], lr=0.1), "params is empty"),
    (lambda: opt.SGD([np.ones(2, dtype=int)], lr=0.1), r"params\[0\] must be a float64"),
    (lambda: opt.SGD([[1.0, 2.0]], lr=0.1), r"params\[0\] must be a float64 numpy array"),
    (lambda: opt.SGD(start(), weight_decay=-1), "weight_decay must be a number >= 0"),
    (lambda: opt.SGD(start(), momentum=1.0), "momentum must lie in"),
    (lambda: opt.SGD(start(), nesterov=True), "nesterov needs momentum > 0"),
    (lambda: opt.Adam(start(), betas=(0.9,)), "betas must be a pair"),
    (lambda: opt.Adam(start(), betas=(0.9, 1.0)), r"betas\[1\] must lie in"),
    (lambda: opt.RMSprop(start(), eps=0), "eps must be a number > 0"),
    (lambda: opt.Adadelta(start(), rho=1.5), "rho must lie in"),
    (lambda: opt.Adagrad(start(), lr_decay=-1), "lr_decay must be a number >= 0"),
    (lambda: opt.MomentumEMA(start(), alpha=-0.1), "alpha must lie in"),
    (lambda: opt.SGD(start()).step([np.ones(3)]), "grads must hold 2 arrays, got 1"),
    (lambda: opt.SGD(start()).step([np.ones(3), np.ones(4)]),
     r"grads\[1\] must have shape \(2, 2\)"),
])
def test_bad_arguments_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("betas", [0.9, "ab", (0.9,), {0.9, 0.99}, None])
def test_reproduction_adam_betas_must_be_a_pair(betas):
    # Adam(betas=0.9) said "object of type 'float' has no len()"
    with pytest.raises(ValueError, match=r"betas must be a pair \(beta1, beta2\)"):
        opt.Adam([np.zeros(2)], betas=betas)


def test_flags_and_gradients_are_checked():
    with pytest.raises(TypeError, match="nesterov must be True or False"):
        opt.SGD([np.zeros(2)], momentum=0.9, nesterov="yes")
    with pytest.raises(TypeError, match="centered must be True or False"):
        opt.RMSprop([np.zeros(2)], centered=1)
    with pytest.raises(ValueError, match=r"grads\[0\] must have shape \(2,\)"):
        opt.SGD([np.zeros(2)]).step([[1.0, 2.0]])                    # a list, not an array
    with pytest.raises(ValueError, match="params must be a list of numpy arrays"):
        opt.SGD(np.zeros(2))
