// Chapter 3's shallow network in the browser: the same functions, under the same
// names, as lecture_code/shallow.py (hidden, forward, kinks) and the mean squared
// error the panel prints. A ReLU network with one input x, D hidden units
// h_d = relu(theta_d0 + theta_d1 x) and one output y = phi_0 + sum_d phi_d h_d.
// theta is an array of D pairs [theta_d0, theta_d1], phi an array of D + 1 numbers.
// tests/browser/shallow.test.mjs proves it equal to the Python on fixtures that
// tests/test_shallow_js.py writes.

export function relu(z) {
  return z > 0 ? z : 0;
}

/** h[i][d] = relu(theta_d0 + theta_d1 x_i): one row per input, one column per unit. */
export function hidden(x, theta) {
  return x.map((xi) => theta.map(([t0, t1]) => relu(t0 + xi * t1)));
}

/** y_i = phi_0 + sum_d phi_d h_id (equal to the Python to float64 rounding). */
export function forward(x, theta, phi) {
  return hidden(x, theta).map((row) => {
    let sum = 0;
    row.forEach((h, d) => { sum += h * phi[d + 1]; });
    return phi[0] + sum;
  });
}

/** Where each unit bends, x = -theta_d0 / theta_d1; NaN for a unit with theta_d1 = 0. */
export function kinks(theta) {
  return theta.map(([t0, t1]) => (t1 !== 0 ? -t0 / t1 : NaN));
}

/** Mean squared error of the network on the points (x_i, y_i). */
export function mse(x, y, theta, phi) {
  const out = forward(x, theta, phi);
  let sum = 0;
  out.forEach((o, i) => { sum += (o - y[i]) ** 2; });
  return sum / out.length;
}
