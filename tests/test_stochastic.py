"""stochastic: minibatch gradient noise, and noisy descent escaping the false minimum of two_minima."""
import numpy as np
import pytest

from lecture_code import descent, stochastic


def test_gradient_noise_is_a_mean_relative_deviation_that_shrinks_with_the_batch(small_problem):
    model, X, y = small_problem()
    assert stochastic.gradient_noise(model, X, y, 64, rng=np.random.default_rng(0)) < 1e-14
    noise = [stochastic.gradient_noise(model, X, y, b, rng=np.random.default_rng(0), draws=200)
             for b in (1, 4, 16)]
    assert noise[0] > noise[1] > noise[2] > 0
    rng, Y = np.random.default_rng(1), y[:, None].astype(float)
    model.loss_and_grads(X, Y, "bce")
    full = model.flat_grads.copy()
    manual = []
    for _ in range(5):
        rows = rng.choice(64, 4, replace=False)
        model.loss_and_grads(X[rows], Y[rows], "bce")
        manual.append(np.linalg.norm(model.flat_grads - full))
    got = stochastic.gradient_noise(model, X, y, 4, rng=np.random.default_rng(1), draws=5)
    assert got == pytest.approx(np.mean(manual) / np.linalg.norm(full), rel=1e-12)


def test_gradient_noise_rejects_what_is_not_an_mlp_and_mismatched_rows(small_problem):
    _, X, y = small_problem()
    with pytest.raises(ValueError, match="model"):
        stochastic.gradient_noise("net", X, y, 4, rng=np.random.default_rng(0))
    model, _, _ = small_problem()
    with pytest.raises(ValueError, match="y"):
        stochastic.gradient_noise(model, X, y[:10], 4, rng=np.random.default_rng(0))


def test_noisy_descent_without_noise_is_plain_descent_for_every_walker():
    rng = np.random.default_rng(0)
    paths = stochastic.noisy_descent("two_minima", 0.02, 0.0, 100, rng=rng, runs=3)
    plain = descent.run("sgd", "two_minima", steps=100, lr=0.02)
    assert paths.shape == (101, 3, 2)
    for r in range(3):
        np.testing.assert_allclose(paths[:, r], plain, rtol=0, atol=1e-15)


def test_noisy_descent_adds_the_generators_noise_to_each_gradient():
    s = descent.get("ravine")
    paths = stochastic.noisy_descent(s, 0.1, 0.5, 20, rng=np.random.default_rng(7), runs=4,
                                     start=[1.0, -1.0])
    rng, w = np.random.default_rng(7), np.tile([1.0, -1.0], (4, 1))
    for t in range(20):
        w = w - 0.1 * (s.grad(w) + 0.5 * rng.standard_normal((4, 2)))
        np.testing.assert_array_equal(paths[t + 1], w)
    assert not np.allclose(paths[-1, 0], paths[-1, 1])          # independent noise per walker


def test_settle_ends_at_the_bottom_of_each_basin():
    s = descent.get("two_minima")
    ends = stochastic.settle(s, [[4.0, 3.0], [0.5, -0.5], [3.0, 0.9]])
    np.testing.assert_allclose(ends[0], [2.809, 0.747], atol=1e-3)   # the pit
    np.testing.assert_allclose(ends[1], [0.0, 0.0], atol=1e-4)       # the global minimum
    np.testing.assert_allclose(ends[2], ends[0], atol=1e-6)
    assert stochastic.settle(s, [0.5, -0.5]).shape == (2,)


def test_plain_descent_stays_in_the_false_minimum_and_noise_lets_walkers_escape():
    s = descent.get("two_minima")
    fractions = {noise: stochastic.escape_fraction(s, 0.02, noise, 300, rng=np.random.default_rng(0))
                 for noise in (0.0, 1.0, 4.0)}
    assert fractions[0.0] == 0.0 and fractions[1.0] == 0.0     # too little noise: all stay
    assert fractions[4.0] >= 0.9
    assert (fractions[4.0] * 50) % 1 == 0                      # a count out of 50 walkers
    same = stochastic.escape_fraction(s, 0.02, 4.0, 300, rng=np.random.default_rng(0))
    assert same == fractions[4.0]


@pytest.mark.parametrize("call, match", [
    (lambda: stochastic.noisy_descent("bowl", 0.1, -1.0, 5, rng=np.random.default_rng(0)), "noise"),
    (lambda: stochastic.noisy_descent("bowl", 0.0, 1.0, 5, rng=np.random.default_rng(0)), "lr"),
    (lambda: stochastic.noisy_descent("bowl", 0.1, 1.0, 5, rng=0), "rng"),
    (lambda: stochastic.noisy_descent("bowl", 0.1, 1.0, 5, rng=np.random.default_rng(0), runs=0), "runs"),
    (lambda: stochastic.noisy_descent("bowl", 0.1, 1.0, 5, rng=np.random.default_rng(0),
                                      start=[1.0]), "start"),
    (lambda: stochastic.settle("bowl", [[1.0, 2.0, 3.0]]), "w"),
    (lambda: stochastic.settle("bowl", [1.0, 2.0], steps=-1), "steps"),
    (lambda: stochastic.escape_fraction("bowl", 0.1, 1.0, 5, rng=np.random.default_rng(0), tol=0), "tol"),
])
def test_noisy_functions_reject_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_batch_size_panel_shows_every_batch_size_and_counts_the_updates():
    panel = stochastic.batch_size_panel(epochs=5)
    assert panel.controls["batch_size"].extremes() == list(stochastic.PANEL_BATCH_SIZES)
    for batch in stochastic.PANEL_BATCH_SIZES:
        png, message = panel.render(batch_size=batch)
        assert message is None and png.startswith(b"\x89PNG")
    panel.update(batch_size=4)
    figure = panel.figures[0]
    assert figure.title.get_text().startswith("B = 4: 16 updates per epoch, 80 in all")
    assert figure.lines[1].get_xdata()[-1] == 80            # the last update, on the right


def test_batch_size_figure_blits_the_image_a_fresh_figure_draws():
    from lecture_code.plotting import BatchSizeFigure
    full, other = np.linspace(0.7, 0.4, 5), np.linspace(0.7, 0.1, 5)
    figure = BatchSizeFigure(full, 64)
    png = figure.update(other, 4)
    assert figure.update(full, 64) != png
    assert figure.update(other, 4) == png == BatchSizeFigure(full, 64).update(other, 4)
    with pytest.raises(ValueError, match="losses"):
        figure.update(np.ones(3), 4)

