// Loss functions, each beside its gradient, as in lecture_code/losses.py.
//
// Convention: a loss takes (p, y), both Float64Array of the n*k output
// entries, and returns the mean over all entries; its gradient includes that
// 1/(n k). The cross-entropy clips probabilities to [EPS, 1 - EPS]. With a
// sigmoid output the network fuses sigmoid and cross-entropy into the exact
// gradient (a - y) / n at the pre-activation (see network.js), so bce.grad is
// only needed for other outputs. See chapter 4 (loss functions).

/** Probabilities are clipped to [EPS, 1 - EPS] inside the cross-entropy. */
export const EPS = 1e-12;

const clip = (p) => Math.min(Math.max(p, EPS), 1.0 - EPS);

export const mse = {
  name: "mse",
  fusedWith: null,
  /** (1/n) sum (p - y)^2 */
  value(p, y) {
    let s = 0.0;
    for (let i = 0; i < p.length; i++) { const d = p[i] - y[i]; s += d * d; }
    return s / p.length;
  },
  /** dMSE/dp = 2 (p - y) / n, written into out */
  grad(p, y, out) {
    for (let i = 0; i < p.length; i++) out[i] = (2.0 * (p[i] - y[i])) / p.length;
    return out;
  },
};

export const bce = {
  name: "bce",
  fusedWith: "sigmoid",
  /** -(1/n) sum [y log p + (1 - y) log(1 - p)] */
  value(p, y) {
    let s1 = 0.0, s0 = 0.0;
    for (let i = 0; i < p.length; i++) {
      const q = clip(p[i]);
      s1 += y[i] * Math.log(q);
      s0 += (1.0 - y[i]) * Math.log1p(-q);
    }
    return -(s1 + s0) / p.length;
  },
  /** dBCE/dp = (p - y) / (p (1 - p)) / n, written into out */
  grad(p, y, out) {
    for (let i = 0; i < p.length; i++) {
      const q = clip(p[i]);
      out[i] = (q - y[i]) / (q * (1.0 - q)) / p.length;
    }
    return out;
  },
};

const REGISTRY = { mse, bce };
/** The loss names get() accepts. */
export const NAMES = ["bce", "mse"];

/** The loss called name, or a clear error. */
export function get(name) {
  const loss = REGISTRY[name];
  if (!loss) throw new Error(`loss must be one of ${NAMES.join(", ")}, got ${JSON.stringify(name)}`);
  return loss;
}
