"""descent: the 2-D surfaces against torch autograd, optimizer paths, the lectures' algorithm, the panel."""
import warnings

import numpy as np
import pytest
import torch

from lecture_code import descent, gradcheck, optimizers

NAMES = tuple(descent.SURFACES)


def torch_surface(name, w):
    """The same formulas in torch, for autograd."""
    w1, w2 = w[0], w[1]
    if name == "bowl":
        return w1 ** 2 + w2 ** 2
    if name == "ravine":
        return 0.1 * w1 ** 2 + 2.0 * w2 ** 2
    if name == "rosenbrock":
        return (1 - w1) ** 2 + 100 * (w2 - w1 ** 2) ** 2
    pit = torch.tensor(descent.PIT, dtype=torch.float64)
    d2 = ((w - pit) ** 2).sum()
    return 0.25 * w1 ** 2 + w2 ** 2 - 1.5 * torch.exp(-d2 / (2 * 0.4 ** 2))


def points(n=20, seed=0):
    return np.random.default_rng(seed).uniform(-2, 3.5, size=(n, 2))


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_central_differences(name):
    s = descent.get(name)
    for w in points():
        numeric = gradcheck.numerical_gradient(lambda v: float(s.f(v)), w.copy())
        assert gradcheck.relative_error(s.grad(w), numeric) < 1e-8


@pytest.mark.parametrize("name", NAMES)
def test_function_and_gradient_match_torch_autograd(name):
    s = descent.get(name)
    for w in points(seed=1):
        wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
        value = torch_surface(name, wt)
        value.backward()
        np.testing.assert_allclose(s.f(w), value.item(), rtol=1e-14, atol=1e-14)
        np.testing.assert_allclose(s.grad(w), wt.grad.numpy(), rtol=1e-13, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_surfaces_evaluate_a_whole_grid_at_once(name):
    s = descent.get(name)
    grid = points(12).reshape(3, 4, 2)
    assert s.f(grid).shape == (3, 4) and s.grad(grid).shape == (3, 4, 2)
    for i, j in np.ndindex(3, 4):
        assert s.f(grid)[i, j] == s.f(grid[i, j])
        np.testing.assert_array_equal(s.grad(grid)[i, j], s.grad(grid[i, j]))


@pytest.mark.parametrize("name", NAMES)
def test_minimum_is_a_stationary_point_below_every_sampled_point(name):
    s = descent.get(name)
    m = np.array(s.minimum)
    assert np.abs(s.grad(m)).max() < 2e-12
    settled = descent.run("sgd", s, start=m, steps=500, lr=0.5)[-1]
    assert np.linalg.norm(settled - m) < 1e-11
    xs, ys = np.meshgrid(np.linspace(*s.xlim, 60), np.linspace(*s.ylim, 60))
    assert s.f(np.stack([xs, ys], axis=-1)).min() >= s.f(m) - 1e-12
    assert s.xlim[0] < s.start[0] < s.xlim[1] and s.ylim[0] < s.start[1] < s.ylim[1]


def test_two_minima_has_a_false_local_minimum_in_the_pit():
    s = descent.get("two_minima")
    w = descent.run("sgd", s, steps=3000, lr=0.01)[-1]
    assert np.abs(s.grad(w)).max() < 1e-10
    np.testing.assert_allclose(w, [2.809, 0.747], atol=1e-3)
    assert 1.3 < s.f(w) - s.f(np.array(s.minimum)) < 1.4
    h = 1e-5
    hessian = np.array([(s.grad(w + h * e) - s.grad(w - h * e)) / (2 * h) for e in np.eye(2)])
    assert np.all(np.linalg.eigvalsh((hessian + hessian.T) / 2) > 0)


@pytest.mark.parametrize("name", optimizers.NAMES)
def test_run_is_the_optimizer_stepping_on_the_gradient(name):
    s = descent.get("rosenbrock")
    path = descent.run(name, s, start=[-1.0, 1.5], steps=25, lr=1e-3)
    w = np.array([-1.0, 1.5])
    opt = optimizers.make(name, [w], lr=1e-3)
    for t in range(1, 26):
        opt.step([s.grad(w)])
        np.testing.assert_array_equal(path[t], w)
    assert path.shape == (26, 2)


def test_run_defaults_options_and_zero_steps():
    s = descent.get("ravine")
    np.testing.assert_array_equal(descent.run("sgd", "ravine", steps=0), [s.start])
    a = descent.run("momentum_ema", s, steps=30, lr=0.2, alpha=0.5)
    b = descent.run("momentum_ema", s, steps=30, lr=0.2, alpha=0.9)
    assert not np.allclose(a, b)


def test_run_marks_overflow_with_nan_and_warns_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = descent.run("sgd", "rosenbrock", steps=50, lr=3.0)
    finite = np.isfinite(path).all(axis=1)
    k = int(np.argmin(finite))
    assert 0 < k < 50 and finite[:k].all() and np.isnan(path[k:]).all()


@pytest.mark.parametrize("lr, converges", [(0.99, True), (1.01, False)])
def test_bowl_converges_only_below_two_over_the_curvature(lr, converges):
    path = descent.run("sgd", "bowl", steps=200, lr=lr)   # curvature 2, so eta < 2 / 2 = 1
    shrank = np.linalg.norm(path[-1]) < np.linalg.norm(path[0])
    assert shrank == converges


def test_two_minima_shows_the_three_learning_rate_regimes():
    s = descent.get("two_minima")
    small, stable, large = (descent.run("sgd", s, steps=100, lr=lr) for lr in (0.02, 0.3, 1.1))
    np.testing.assert_allclose(small[-1], [2.809, 0.747], atol=2e-3)        # stuck in the pit
    assert np.linalg.norm(stable[-1]) < 1e-6                                 # the global minimum
    assert np.abs(large[-1]).max() > 1e6                                     # diverged


def test_gradient_descent_is_sgd_from_a_normal_start():
    grad = descent.get("ravine").grad
    W, path = descent.gradient_descent(grad, 0.3, rng=np.random.default_rng(3), sigma=2.0)
    np.testing.assert_array_equal(path[0], 2.0 * np.random.default_rng(3).standard_normal(2))
    np.testing.assert_array_equal(W, path[-1])
    same = descent.run("sgd", "ravine", start=path[0], steps=len(path) - 1, lr=0.3)
    np.testing.assert_array_equal(path, same)
    assert np.linalg.norm(path[-1] - path[-2]) < 1e-8 <= np.linalg.norm(path[-2] - path[-3])


def test_gradient_descent_stops_at_max_steps_and_validates():
    _, path = descent.gradient_descent(descent.get("bowl").grad, 0.01, rng=np.random.default_rng(0),
                                       max_steps=7)
    assert path.shape == (8, 2)
    with pytest.raises(ValueError, match="lr"):
        descent.gradient_descent(descent.get("bowl").grad, -0.1, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng"):
        descent.gradient_descent(descent.get("bowl").grad, 0.1, rng=0)


def test_directional_slopes_are_the_gradient_dotted_with_the_direction():
    s, w = descent.get("ravine"), np.array([-3.0, 1.0])
    angles = np.linspace(-np.pi, np.pi, 721)
    slopes = descent.directional_slopes(s.f, w, angles)
    g = s.grad(w)
    np.testing.assert_allclose(slopes, np.cos(angles) * g[0] + np.sin(angles) * g[1], atol=1e-8)
    best = angles[slopes.argmax()]
    assert abs(best - np.arctan2(g[1], g[0])) <= np.pi / 720
    assert slopes.max() == pytest.approx(np.linalg.norm(g), rel=1e-5)


@pytest.mark.parametrize("bad, match", [
    (dict(start=[1.0, 2.0, 3.0]), "start"), (dict(start=[np.nan, 1.0]), "start"),
    (dict(steps=-1), "steps"), (dict(surface="banana"), "surface"),
    (dict(optimizer_name="lbfgs"), "optimizer"), (dict(lr=-1.0), "lr")])
def test_run_rejects_bad_arguments(bad, match):
    args = dict(optimizer_name="sgd", surface="bowl", steps=5, lr=0.1) | bad
    with pytest.raises(ValueError, match=match):
        descent.run(**args)


def test_directional_slopes_reject_a_point_that_is_not_two_numbers():
    with pytest.raises(ValueError, match="w"):
        descent.directional_slopes(descent.bowl, [1.0], [0.0])


def test_path_panel_renders_every_extreme_of_every_control():
    panel = descent.path_panel(steps=60)
    for name, control in panel.controls.items():
        for value in control.extremes():
            png, message = panel.render(**{name: value})
            assert message is None and png.startswith(b"\x89PNG")
    lr = panel.controls["lr"]
    for optimizer in panel.controls["optimizer"].options:
        for surface in panel.controls["surface"].options:
            for value in lr.extremes():
                png, message = panel.render(lr=value, optimizer=optimizer, surface=surface)
                assert message is None and png.startswith(b"\x89PNG")
