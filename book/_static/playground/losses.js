// Loss functions, each beside its gradient, as in lecture_code/losses.py.
//
// Convention: a loss takes (p, y), both Float64Array of the n*k output
// entries, and returns the mean over all entries; its gradient includes that
// 1/(n k). A loss is {name, fusedWith, value, grad, logitValue, logitGrad}:
// value and grad are lecture_code's Loss.kernel and Loss.kernel_grad (on the
// output), logitValue and logitGrad its Loss.logit_kernel and Loss.logit_grad
// (on the logits z of the fusedWith output). The network computes the
// cross-entropy of a sigmoid output from its logits (see network.js): the loss
// by softplus (log-sum-exp), the gradient as (1 - y) sigma(z) - y sigma(-z),
// so no probability is ever rounded to 0 or 1 and nothing cancels. The
// cross-entropy on probabilities is exact down to TINY; below it each log is
// floored at log(TINY). See chapter 4 (loss functions).

import { sigmoidForward as sigmoid } from "./activations.js";

/** The smallest normal double: the cross-entropy on probabilities is exact down to it. */
export const TINY = 2.2250738585072014e-308;
const LOG_TINY = Math.log(TINY);       // -708.396...: the floor of every log
const ONE_BELOW = 1.0 - 2 ** -53;      // the largest double below 1

/** log p, floored at log(TINY): exact for p >= TINY, finite for p = 0. */
function log(p) {
  return Math.max(Math.log(p), LOG_TINY);
}

/** log(1 - p) by log1p, exact for small p too, floored at log(TINY) for p = 1. */
function log1m(p) {
  return Math.max(Math.log1p(-p), LOG_TINY);
}

/** numpy's logaddexp(x, y) = log(e^x + e^y), branch for branch (npy_logaddexp). */
export function logaddexp(x, y) {
  if (x === y) return x + Math.LN2;          // also infinities of the same sign
  const tmp = x - y;
  if (tmp > 0) return x + Math.log1p(Math.exp(-tmp));
  if (tmp <= 0) return y + Math.log1p(Math.exp(tmp));
  return tmp;                                // NaN
}

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
  logitValue: null,
  logitGrad: null,
};

export const bce = {
  name: "bce",
  fusedWith: "sigmoid",
  /** -(1/n) sum [y log p + (1 - y) log(1 - p)], each log floored at log(TINY) (losses._bce) */
  value(p, y) {
    let s1 = 0.0, s0 = 0.0;
    for (let i = 0; i < p.length; i++) {
      s1 += y[i] * log(p[i]);
      s0 += (1.0 - y[i]) * log1m(p[i]);
    }
    return -(s1 + s0) / p.length;
  },
  /** dBCE/dp = (p - y) / (p (1 - p)) / n, p read as at least TINY and at most 1 - 2^-53 (losses._bce_grad) */
  grad(p, y, out) {
    for (let i = 0; i < p.length; i++) {
      const q = Math.min(Math.max(p[i], TINY), ONE_BELOW);
      out[i] = (q - y[i]) / (q * (1.0 - q)) / p.length;
    }
    return out;
  },
  /** mean of y softplus(-z) + (1 - y) softplus(z), softplus(z) = logaddexp(0, z) (losses._bce_logits) */
  logitValue(z, y) {
    let s1 = 0.0, s0 = 0.0;
    for (let i = 0; i < z.length; i++) {
      s1 += y[i] * logaddexp(0.0, -z[i]);
      s0 += (1.0 - y[i]) * logaddexp(0.0, z[i]);
    }
    return (s1 + s0) / z.length;
  },
  /** (sigma(z) - y) / n, written (1 - y) sigma(z) - y sigma(-z) so that it does not cancel
   *  (losses._bce_logits_grad), into out */
  logitGrad(z, y, out) {
    for (let i = 0; i < z.length; i++) {
      out[i] = ((1.0 - y[i]) * sigmoid(z[i]) - y[i] * sigmoid(-z[i])) / z.length;
    }
    return out;
  },
};

const REGISTRY = { mse, bce };
/** The loss names get() accepts. */
export const NAMES = ["bce", "mse"];

/** The loss called name (case-insensitive, as lecture_code's), or a clear error. */
export function get(name) {
  const key = typeof name === "string" ? name.toLowerCase() : null;
  if (key === null || !Object.hasOwn(REGISTRY, key)) {
    throw new Error(`loss must be one of ${NAMES.join(", ")}, got ${JSON.stringify(name)}`);
  }
  return REGISTRY[key];
}

/** Throw unless an output layer with activation fits loss, as losses.check_output:
 *  the cross-entropy needs a sigmoid output (its probabilities). */
export function checkOutput(loss, activation) {
  if (loss.fusedWith !== null && activation !== loss.fusedWith) {
    throw new Error(`loss ${JSON.stringify(loss.name)} needs a ${loss.fusedWith} output layer `
      + `(its probabilities), got output activation ${JSON.stringify(activation)}`);
  }
}

/** Throw unless the targets y (one per row) mean something for loss, as losses.targets:
 *  labels in [0, 1] for 'bce', finite numbers for 'mse'; name is the argument's name. */
export function targets(loss, y, name = "y") {
  let lo = Infinity, hi = -Infinity;
  for (const v of y) {
    if (!Number.isFinite(v)) throw new Error(`${name} must hold finite numbers, got ${v}`);
    lo = Math.min(lo, v); hi = Math.max(hi, v);
  }
  if (loss.name === "bce" && (lo < 0 || hi > 1)) {
    throw new Error(`${name} must hold labels in [0, 1] for 'bce' (classes 0 and 1, or `
      + `probabilities), got values from ${lo} to ${hi}`);
  }
  return y;
}
