"""generalization: five-point fits, early stopping, random-features double descent, panels."""
from __future__ import annotations


import numpy as np
import pytest

from lecture_code import datasets, generalization, losses, network


# -- the five points -----------------------------------------------------------------
def test_polynomial_fit_is_numpys_least_squares():
    x, y = datasets.polynomial_five_points(rng=np.random.default_rng(0))
    for degree in (0, 1, 2, 3):
        np.testing.assert_allclose(generalization.polynomial_fit(x, y, degree),
                                   np.polyfit(x[:, 0], y, degree), rtol=1e-10, atol=1e-12)


def test_a_cubic_passes_through_four_points_and_a_line_does_not():
    x, y = np.arange(4.0), np.array([1.0, 3.0, 2.0, 5.0])
    cubic = generalization.polynomial_fit(x, y, 3)
    np.testing.assert_allclose(np.polyval(cubic, x), y, atol=1e-12)
    line = generalization.polynomial_fit(x, y, 1)
    assert np.abs(np.polyval(line, x) - y).max() > 0.1


def test_holdout_error_fits_without_the_point_and_measures_the_distance():
    x, y = np.arange(5.0), np.array([1.0, 1.8, 1.9, 2.7, 2.6])
    for held_out in range(5):
        keep = np.arange(5) != held_out
        for degree in (1, 3):
            want = np.polyfit(x[keep], y[keep], degree)
            coefficients, error = generalization.holdout_error(x, y, degree, held_out)
            np.testing.assert_allclose(coefficients, want, rtol=1e-9, atol=1e-12)
            assert error == pytest.approx(abs(np.polyval(want, x[held_out]) - y[held_out]), rel=1e-9)


def test_the_line_wins_most_often_at_the_ends():
    rng = np.random.default_rng(1)
    wins = np.zeros(5)
    for _ in range(300):
        x, y = datasets.polynomial_five_points(rng=rng)
        wins += [generalization.holdout_error(x, y, 1, h)[1]
                 < generalization.holdout_error(x, y, 3, h)[1] for h in range(5)]
    assert (wins > 150).all()                      # the line wins more often everywhere
    assert min(wins[0], wins[4]) > max(wins[1:4])  # and most clearly when extrapolating


@pytest.mark.parametrize("kwargs, match", [
    (dict(degree=-1, held_out=0), "degree"),
    (dict(degree=1.5, held_out=0), "degree"),
    (dict(degree=1, held_out=5), "held_out"),
    (dict(degree=1, held_out=-1), "held_out"),
])
def test_holdout_error_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        generalization.holdout_error(np.arange(5.0), np.ones(5), **kwargs)


def test_polynomial_fit_rejects_mismatched_points():
    with pytest.raises(ValueError, match="same number of rows"):
        generalization.polynomial_fit(np.arange(5.0), np.ones(4), 1)


# -- random features and the minimum-norm fit ----------------------------------------
def test_fourier_features_are_cosines_of_the_drawn_frequencies():
    omega, phase = generalization.draw_features(5, rng=np.random.default_rng(0), scale=3.0)
    x = np.linspace(-1, 1, 7)
    Phi = generalization.fourier_features(x, omega, phase)
    assert Phi.shape == (7, 5)
    for i in range(7):
        for j in range(5):
            assert Phi[i, j] == pytest.approx(np.cos(omega[j] * x[i] + phase[j]), abs=1e-15)


def test_draw_features_follows_its_distribution_and_its_generator():
    omega, phase = generalization.draw_features(20000, rng=np.random.default_rng(1), scale=10.0)
    assert omega.std() == pytest.approx(10.0, rel=0.03) and abs(omega.mean()) < 0.3
    assert phase.min() >= 0 and phase.max() < 2 * np.pi
    a = generalization.draw_features(4, rng=np.random.default_rng(7))
    b = generalization.draw_features(4, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a[0], b[0])
    with pytest.raises(ValueError, match="rng"):
        generalization.draw_features(4, rng=7)
    with pytest.raises(ValueError, match="omega and phase"):
        generalization.fourier_features(np.ones(3), np.ones(2), np.ones(3))


@pytest.mark.parametrize("n, p", [(10, 4), (10, 10), (10, 30)])
def test_min_norm_fit_is_the_pseudo_inverse_solution(n, p):
    rng = np.random.default_rng(n + p)
    Phi, y = rng.standard_normal((n, p)), rng.standard_normal(n)
    beta = generalization.min_norm_fit(Phi, y)
    np.testing.assert_allclose(beta, np.linalg.pinv(Phi) @ y, rtol=1e-9, atol=1e-12)
    if p >= n:                                              # interpolates ...
        np.testing.assert_allclose(Phi @ beta, y, atol=1e-10)
    if p > n:                                               # ... with the smallest norm
        null = np.linalg.svd(Phi)[2][n:]                    # directions Phi cannot see
        other = beta + null.T @ rng.standard_normal(p - n)
        np.testing.assert_allclose(Phi @ other, y, atol=1e-10)
        assert np.linalg.norm(other) > np.linalg.norm(beta)


@pytest.mark.parametrize("n, p", [(10, 4), (10, 30)])
def test_ridge_solves_its_normal_equations_in_both_forms(n, p):
    rng = np.random.default_rng(3)
    Phi, y, lam = rng.standard_normal((n, p)), rng.standard_normal(n), 0.3
    beta = generalization.min_norm_fit(Phi, y, lam)
    # the gradient of |Phi beta - y|^2 + lam |beta|^2 vanishes at the minimum
    np.testing.assert_allclose(Phi.T @ (Phi @ beta - y) + lam * beta, 0.0, atol=1e-12)
    tiny = generalization.min_norm_fit(Phi, y, 1e-10)      # lam -> 0: the minimum-norm fit
    np.testing.assert_allclose(tiny, generalization.min_norm_fit(Phi, y), atol=1e-6)


def test_min_norm_fit_rejects_bad_input():
    with pytest.raises(ValueError, match="same number of rows"):
        generalization.min_norm_fit(np.ones((3, 2)), np.ones(4))
    with pytest.raises(ValueError, match="lam"):
        generalization.min_norm_fit(np.ones((3, 2)), np.ones(3), lam=-1.0)


def chapter_problem(n=20, seed=0):
    rng = np.random.default_rng(seed)
    x = np.linspace(-1, 1, n)
    y = np.sin(np.pi * x) + 0.2 * rng.standard_normal(n)
    X_test, y_test = datasets.regression_1d(200, rng=rng, noise=0.2, kind="sin")
    return x, y, X_test, y_test, rng


def test_double_descent_peaks_at_the_interpolation_threshold():
    x, y, X_test, y_test, rng = chapter_problem()
    ps = [2, 5, 10, 15, 18, 20, 22, 30, 100, 400]
    result = generalization.double_descent(x, y, X_test, y_test, ps, rng=rng, draws=15)
    np.testing.assert_array_equal(result.n_features, ps)
    assert (result.train_mse[:5] > 1e-4).all()              # p < n: no exact fit
    assert (result.train_mse[5:] < 1e-10).all()             # p >= n: interpolates
    assert ps[int(np.argmax(result.test_mse))] in (20, 22)  # the peak sits at p = n or next to it
    assert ps[int(np.argmax(result.norm))] == 20
    classical = result.test_mse[:5].min()
    assert result.test_mse[5] > 100 * classical             # first descent, then the peak,
    assert result.test_mse[-1] < 2 * classical              # then the second descent


def test_a_small_ridge_penalty_removes_the_peak():
    x, y, X_test, y_test, rng = chapter_problem(seed=1)
    ps = [5, 10, 20, 30, 100]
    ridge = generalization.double_descent(x, y, X_test, y_test, ps, rng=rng, draws=10, lam=1e-3)
    assert ridge.test_mse.max() < 0.5
    assert ridge.train_mse[2] > 1e-4                        # no longer interpolates at p = n


def test_double_descent_takes_the_median_of_its_draws():
    x, y, X_test, y_test, _ = chapter_problem(n=8)
    result = generalization.double_descent(x, y, X_test, y_test, [6], rng=np.random.default_rng(4),
                                           draws=3)
    rng = np.random.default_rng(4)
    tests = []
    for _ in range(3):
        omega, phase = generalization.draw_features(6, rng=rng)
        beta = generalization.min_norm_fit(generalization.fourier_features(x, omega, phase), y)
        tests.append(np.mean((generalization.fourier_features(X_test, omega, phase) @ beta
                              - y_test) ** 2))
    assert result.test_mse[0] == pytest.approx(np.median(tests), rel=1e-12)
    with pytest.raises(ValueError, match="n_features"):
        generalization.double_descent(x, y, X_test, y_test, [0, 3], rng=rng)


# -- classifiers, ablation ----------------------------------------------------------
def moons(seed=0):
    X, y = datasets.moons(150, rng=np.random.default_rng(seed), noise=0.35)
    return X[:50], y[:50], X[50:], y[50:]


def test_train_classifier_builds_the_network_and_applies_the_penalty():
    X, y, _, _ = moons()
    model, history = generalization.train_classifier(X, y, rng=np.random.default_rng(0),
                                                     hidden=(8,), epochs=20)
    assert isinstance(model, network.MLP) and model.sizes == [2, 8, 1] and history.epochs == 20
    big, _ = generalization.train_classifier(X, y, rng=np.random.default_rng(0), penalty="l2",
                                             lam=0.0, hidden=(8,), epochs=200)
    small, _ = generalization.train_classifier(X, y, rng=np.random.default_rng(0), penalty="l2",
                                               lam=0.05, hidden=(8,), epochs=200)
    norm = lambda m: sum((W ** 2).sum() for W in m.weights)   # noqa: E731
    assert norm(small) < 0.5 * norm(big)


def test_l1_switches_off_more_weights_than_l2_at_the_same_lambda():
    X, y, _, _ = moons()
    near_zero = {}
    for kind in ("l1", "l2"):
        model, _ = generalization.train_classifier(X, y, rng=np.random.default_rng(1), penalty=kind,
                                                   lam=1e-3, hidden=(16, 16))
        w = np.concatenate([W.ravel() for W in model.weights])
        near_zero[kind] = np.sum(np.abs(w) < 0.01)
    assert near_zero["l1"] > 3 * near_zero["l2"]


def test_unit_ablation_measures_the_loss_without_each_unit_and_restores_the_weights():
    X, y, _, _ = moons()
    model, _ = generalization.train_classifier(X, y, rng=np.random.default_rng(0), hidden=(6, 5),
                                               epochs=50)
    before = model.copy_parameters()
    rises = generalization.unit_ablation(model, X, y)
    assert rises.shape == (5,)
    for p, q in zip(before, model.parameters()):
        np.testing.assert_array_equal(p, q)
    base = losses.binary_cross_entropy(model.forward(X), y[:, None])
    W = model.layers[2].params["W"]
    keep = W[3].copy()
    W[3] = 0.0
    assert rises[3] == pytest.approx(losses.binary_cross_entropy(model.forward(X), y[:, None]) - base,
                                     rel=1e-12)
    W[3] = keep
    assert generalization.unit_ablation(model, X, y, layer=0).shape == (6,)
    with pytest.raises(ValueError, match="hidden layer"):
        generalization.unit_ablation(network.MLP([2, 1], rng=np.random.default_rng(0)), X, y)


def test_dropout_spreads_the_work_over_the_units():
    X, y, _, _ = moons(3)
    rises = {}
    for p in (0.0, 0.5):
        model, _ = generalization.train_classifier(X, y, rng=np.random.default_rng(1), dropout=p)
        rises[p] = generalization.unit_ablation(model, X, y).max()
    assert rises[0.5] < rises[0.0] / 3


# -- the live panels --------------------------------------------------------------------
@pytest.mark.parametrize("make", [generalization.penalty_panel, generalization.dropout_panel])
def test_panels_render_every_extreme_of_every_control(make):
    panel = make(*moons(), rng=np.random.default_rng(0))
    assert next(iter(panel.controls)) in ("lam", "dropout")
    for name, control in panel.controls.items():
        for value in control.extremes():
            png, message = panel.render(**{name: value})
            assert message is None and png.startswith(b"\x89PNG"), (name, value)


def test_penalty_panel_lambda_slider_spans_tiny_to_large_on_a_log_scale():
    panel = generalization.penalty_panel(*moons(), rng=np.random.default_rng(0))
    lam, penalty = panel.controls["lam"], panel.controls["penalty"]
    assert lam.log and lam.min <= 1e-5 and lam.max >= 1.0
    assert set(penalty.options) == {"none", "l1", "l2"}
    assert panel.controls["lam"].extremes() == [1e-5, 1.0]


def test_every_static_frame_of_the_penalty_panel_is_a_figure():
    panel = generalization.penalty_panel(*moons(), rng=np.random.default_rng(0))
    frames = panel.frames()
    assert panel.static_controls == ("lam", "penalty")           # the site has both controls
    assert [f[0]["lam"] for f in frames[::3]] == [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0]
    assert all(png is not None and message is None for _, png, message in frames)


def test_a_diverging_setting_shows_a_message():
    panel = generalization.penalty_panel(*moons(), rng=np.random.default_rng(0), lr=100.0)
    png, message = panel.render(lam=1.0, penalty="l2")      # each step multiplies w by ~ -199
    assert png is None and "diverged" in message
