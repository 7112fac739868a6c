"""Shallow and deep networks in the lectures' notation: theta and phi, Omega and beta, counting.

Deck 004 writes a shallow network with one input x, D hidden units and one output as
h_d = a[theta_d0 + theta_d1 x], y = phi_0 + phi_1 h_1 + ... + phi_D h_D. Here ``theta``
is a (D, 2) array whose row d is (theta_d0, theta_d1) and ``phi`` is (phi_0, ..., phi_D).
Deeper networks stack h_{k+1} = a[beta_k + Omega_k h_k] on column vectors: Omega_k is
the transpose of the book's W^(k+1) (the book's rows are examples) and beta_k = b^(k+1).

See chapter 3 (shallow and deep networks).
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from . import _checks, activations, network

__all__ = ["hidden", "forward", "kinks", "from_mlp", "to_mlp", "interpolating_net", "omega_beta",
           "column_forward", "count_parameters", "linear_pieces", "sawtooth", "sawtooth_deep",
           "sawtooth_shallow"]


def _theta_phi(theta, phi=...):
    """Check theta (D, 2) and phi (D + 1,) (when given) and return them as float arrays."""
    theta = _checks.as_array(theta, "theta", ndim=2)
    if theta.shape[1] != 2:
        raise ValueError(f"theta must have shape (D, 2), one row (theta_d0, theta_d1) per "
                         f"hidden unit, got {theta.shape}")
    if phi is ...:
        return theta, None
    phi = _checks.as_array(phi, "phi", ndim=1)
    if phi.shape != (theta.shape[0] + 1,):
        raise ValueError(f"phi must hold phi_0 and one weight per hidden unit, shape "
                         f"({theta.shape[0] + 1},), got {phi.shape}")
    return theta, phi


def hidden(x, theta, activation: str = "relu") -> np.ndarray:
    """Hidden units h_d = a[theta_d0 + theta_d1 x] of a shallow network with one input.

    Parameters
    ----------
    x : (n,) or (n, 1) inputs; theta : (D, 2), row d is (theta_d0, theta_d1); activation : a.

    Returns
    -------
    h : (n, D), column d is unit d at every input.
    """
    x = _checks.as_matrix(x, "x", columns=1)
    theta, _ = _theta_phi(theta)
    return activations._get(activation, "activation").forward(theta[:, 0] + x * theta[:, 1])


def forward(x, theta, phi, activation: str = "relu") -> np.ndarray:
    """Output y = phi_0 + sum_d phi_d h_d, shape (n,), of a shallow network with one input.

    ``x`` and ``theta`` are as in :func:`hidden`; ``phi`` is (D + 1,), phi[0] the output bias.
    """
    theta, phi = _theta_phi(theta, phi)
    return phi[0] + hidden(x, theta, activation) @ phi[1:]


def kinks(theta) -> np.ndarray:
    """Where each ReLU unit bends, its kink: x = -theta_d0 / theta_d1, shape (D,).
    NaN for a unit with theta_d1 = 0, which is constant and never bends."""
    theta, _ = _theta_phi(theta)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(theta[:, 1] != 0, -theta[:, 0] / theta[:, 1], np.nan)


def from_mlp(model) -> tuple[np.ndarray, np.ndarray]:
    """(theta, phi) of an MLP [1, D, 1]: theta_d0 = b1[d], theta_d1 = W1[0, d], phi_0 = b2[0],
    phi_d = W2[d, 0]. Returns copies, shapes (D, 2) and (D + 1,)."""
    if not isinstance(model, network.MLP) or [model.sizes[0], model.sizes[-1]] != [1, 1] \
            or len(model.sizes) != 3:
        raise ValueError("model must be a lecture_code.network.MLP with sizes [1, D, 1]")
    if model.layers[1].activation.name != "linear":
        raise ValueError("model must have a linear output, as y = phi_0 + sum_d phi_d h_d")
    (W1, b1), (W2, b2) = ((layer.params["W"], layer.params["b"]) for layer in model.layers)
    return np.column_stack([b1, W1[0]]), np.concatenate([b2, W2[:, 0]])


def to_mlp(theta, phi, activation: str = "relu") -> network.MLP:
    """The MLP [1, D, 1] (linear output) whose forward pass equals ``forward(x, theta, phi)``."""
    theta, phi = _theta_phi(theta, phi)
    model = network.MLP([1, theta.shape[0], 1], activation, "linear",
                        rng=np.random.default_rng(0))   # its random weights are overwritten
    model.set_parameters([theta[:, 1][None, :], theta[:, 0], phi[1:, None], phi[:1]])
    return model


def interpolating_net(knots, values) -> tuple[np.ndarray, np.ndarray]:
    """A ReLU shallow net through the points (x_i, v_i): y = v_0 + sum_d c_d relu(x - x_{d-1}).

    With slopes s_d = (v_d - v_{d-1}) / (x_d - x_{d-1}), unit d turns on at knot
    x_{d-1} and adds the change of slope c_d = s_d - s_{d-1} (c_1 = s_1). Between the
    knots the net is the straight line joining them; left of x_0 it is flat at v_0.
    This is the 1-D universal approximation theorem made constructive.

    Parameters
    ----------
    knots : (m,), strictly increasing, m >= 2; values : (m,).

    Returns
    -------
    theta : (m - 1, 2); phi : (m,). D = m - 1 hidden units.
    """
    knots = _checks.as_array(knots, "knots", ndim=1)
    values = _checks.as_array(values, "values", ndim=1)
    _checks.same_shape(knots, values, "knots", "values")
    if knots.size < 2 or np.any(np.diff(knots) <= 0):
        raise ValueError("knots must hold at least two strictly increasing values")
    slopes = np.diff(values) / np.diff(knots)
    theta = np.column_stack([-knots[:-1], np.ones(knots.size - 1)])
    return theta, np.concatenate([[values[0]], np.diff(slopes, prepend=0.0)])


def omega_beta(model) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Deck 004's matrices of an MLP: Omega_k = (W^(k+1))^T, beta_k = b^(k+1), k = 0..K.

    Returns copies: a list of the Omega_k, shapes (d_{k+1}, d_k) with one row per unit,
    and a list of the beta_k, shapes (d_{k+1},).
    """
    if not isinstance(model, network.MLP):
        raise ValueError(f"model must be a lecture_code.network.MLP, got {type(model).__name__}")
    return ([layer.params["W"].T.copy() for layer in model.layers],
            [layer.params["b"].copy() for layer in model.layers])


def column_forward(X, omegas: Sequence, betas: Sequence, activation: str = "relu",
                   output: str = "linear") -> np.ndarray:
    """Deck 004's forward pass on columns: h_{k+1} = a[beta_k + Omega_k h_k], then the output.

    The last layer uses ``output`` instead of a: y = beta_K + Omega_K h_K when it is linear.

    Parameters
    ----------
    X : (n, d_0), each row turned into a column h_0 = x; omegas : Omega_k, (d_{k+1}, d_k);
    betas : beta_k, (d_{k+1},); activation, output : a of the hidden layers and of the last.

    Returns
    -------
    (n, d_{K+1}): the output columns turned back into rows.
    """
    omegas = _checks.items(omegas, "omegas", "weight matrices")
    betas = _checks.items(betas, "betas", "bias vectors")
    activation = activations._get(activation, "activation")
    output = activations._get(output, "output")
    if len(omegas) != len(betas):
        raise ValueError("omegas and betas must be non-empty lists of the same length")
    H = _checks.as_matrix(X, "X").T
    for k, (omega, beta) in enumerate(zip(omegas, betas)):
        omega = _checks.as_array(omega, f"omegas[{k}]", ndim=2)
        beta = _checks.as_array(beta, f"betas[{k}]", ndim=1)
        if omega.shape[1] != H.shape[0] or beta.shape != (omega.shape[0],):
            raise ValueError(f"omegas[{k}] must have {H.shape[0]} columns and betas[{k}] one entry "
                             f"per row of it, got {omega.shape} and {beta.shape}")
        g = output if k == len(omegas) - 1 else activation
        H = g.forward(beta[:, None] + omega @ H)
    return H.T


def count_parameters(sizes: Sequence[int]) -> int:
    """Trainable numbers of an MLP with layer sizes d_0, ..., d_K: sum_k (d_{k-1} + 1) d_k."""
    return _checks.weights_of(_checks.layer_sizes(sizes))     # Python ints: exact


def linear_pieces(f: Callable, lo: float, hi: float, resolution: int = 2 ** 14 + 1,
                  tol: float = 1e-6) -> int:
    """Count the straight pieces of a piecewise-linear f on [lo, hi], numerically.

    f is sampled on ``resolution`` equally spaced points; a bend shows as a change of
    slope between neighbouring intervals larger than ``tol`` times the largest slope
    (at least 1). Each run of such changes is one bend (a bend strictly inside an
    interval changes two slopes), so bends closer than two grid steps count once.
    Returns the number of pieces, bends + 1 (an int).
    """
    f = _checks.function(f, "f")
    lo, hi = _checks.finite(lo, "lo"), _checks.finite(hi, "hi")
    if not lo < hi:
        raise ValueError(f"lo and hi must be finite with lo < hi, got {lo} and {hi}")
    tol = _checks.positive(tol, "tol", allow_zero=True)
    resolution = _checks.count(resolution, "resolution", minimum=3, each=8, of="samples")
    x = np.linspace(lo, hi, resolution)
    y = _checks.as_array(np.asarray(f(x[:, None]), dtype=np.float64).reshape(-1), "f(x)")
    if y.shape != x.shape:
        raise ValueError(f"f must return one value per input, got shape {y.shape}")
    slopes = np.diff(y) / np.diff(x)
    bent = np.abs(np.diff(slopes)) > tol * max(1.0, np.abs(slopes).max())
    return int(np.sum(bent[1:] & ~bent[:-1]) + bent[0]) + 1


def sawtooth(x, k: int) -> np.ndarray:
    """T^k(x): the tent map T(x) = min(2x, 2 - 2x) applied k times; 2^k pieces on [0, 1].

    T climbs from 0 to 1 on [0, 1/2] and falls back on [1/2, 1]; every application
    folds [0, 1] onto itself, which doubles the number of teeth. Elementwise: ``x``
    may have any shape.
    """
    out = _checks.as_array(x, "x")
    k = _checks.count(k, "k", minimum=0)
    _checks.workable(k * (out.size + 1000), "k", k, f"folds of {out.size} value(s)")
    for _ in range(k):
        out = np.minimum(2.0 * out, 2.0 - 2.0 * out)
    return out


def sawtooth_deep(k: int) -> network.MLP:
    """An MLP [1, 2, ..., 2, 1] with k ReLU layers of 2 units that equals T^k on [0, 1].

    Each layer computes (relu(t), relu(t - 1/2)) of its input t; T(t) = 2 relu(t) - 4 relu(t - 1/2)
    on [0, 1] is folded into the next layer's weights. Parameters: 4 + 6 (k - 1) + 3 = 6k + 1.
    """
    k = _checks.count(k, "k")
    _checks.affordable(500 * k, "k", k, "memory for its layers")   # a Dense layer: ~4 kB
    model = network.MLP([1] + [2] * k + [1], "relu", "linear", rng=np.random.default_rng(0))
    fold = np.array([[2.0], [-4.0]])                       # t = 2 h_1 - 4 h_2
    ones, shift = np.array([[1.0, 1.0]]), np.array([0.0, -0.5])   # (relu(t), relu(t - 1/2))
    model.set_parameters([ones, shift] + [fold @ ones, shift] * (k - 1) + [fold, np.zeros(1)])
    return model


def sawtooth_shallow(k: int) -> tuple[np.ndarray, np.ndarray]:
    """(theta, phi) of a shallow net with 2^k ReLU units equal to T^k on [0, 1]: the
    :func:`interpolating_net` through the 2^k + 1 corners of the sawtooth."""
    k = _checks.count(k, "k")
    _checks.affordable(8 * 2.0 ** min(k, 1000), "k", k, f"memory for 2**{k} + 1 knots")
    knots = np.linspace(0.0, 1.0, 2 ** k + 1)
    return interpolating_net(knots, sawtooth(knots, k))
