// Gradient-descent optimizers with torch.optim's update rules and defaults,
// as in lecture_code/optimizers.py. An optimizer updates one flat parameter
// vector in place from the flat gradient: opt.step(grads). The arithmetic is
// written in the same order as the numpy code, so both round alike.
// step(grads) checks the gradient (finite, one per parameter); the trainer,
// which has checked its inputs once and must let a run diverge as numpy's
// does, calls the unchecked _step.
// See chapter 5 (gradient descent and optimizers).

import { fail, finiteArray, number, positive } from "./checks.js";

class Optimizer {
  constructor(params, lr) {
    if (!(params instanceof Float64Array) || params.length === 0) fail("params", "a non-empty Float64Array", params);
    this.params = params;
    this.lr = positive(lr, "lr");
    this.t = 0;
  }
  /** One update from grads, a Float64Array of finite numbers, one per parameter. */
  step(grads) {
    finiteArray(grads, "grads", this.params.length);
    this._step(grads);
  }
  /** The update without checks (the trainer's inner loop). */
  _step(grads) {
    this.t += 1;
    this.update(this.params, grads);
  }
}

/** Plain gradient descent: w <- w - eta g. */
export class SGD extends Optimizer {
  update(p, g) {
    const lr = this.lr;
    for (let i = 0; i < p.length; i++) p[i] -= lr * g[i];
  }
}

/** torch's SGD with momentum mu: b <- mu b + g (b = g on the first step); w <- w - eta b. */
export class Momentum extends Optimizer {
  constructor(params, lr, momentum = 0.9) {
    super(params, lr);
    this.momentum = number(momentum, "momentum", 0, 0.999999);
    this.buf = null;
  }
  update(p, g) {
    const lr = this.lr, mu = this.momentum;
    if (this.buf === null) {
      this.buf = Float64Array.from(g);
    } else {
      const b = this.buf;
      for (let i = 0; i < p.length; i++) b[i] = b[i] * mu + 1.0 * g[i];
    }
    const b = this.buf;
    for (let i = 0; i < p.length; i++) p[i] -= lr * b[i];
  }
}

/** RMSProp: s <- rho s + (1 - rho) g^2; w <- w - eta g / (sqrt(s) + eps). */
export class RMSprop extends Optimizer {
  constructor(params, lr, alpha = 0.99, eps = 1e-8) {
    super(params, lr);
    this.alpha = number(alpha, "alpha", 0, 0.999999);
    this.eps = positive(eps, "eps");
    this.s = new Float64Array(params.length);
  }
  update(p, g) {
    const { lr, alpha, eps, s } = this;
    for (let i = 0; i < p.length; i++) {
      s[i] = s[i] * alpha + ((1.0 - alpha) * g[i]) * g[i];
      p[i] -= (lr * g[i]) / (Math.sqrt(s[i]) + eps);
    }
  }
}

/** Adam: m <- b1 m + (1-b1) g; v <- b2 v + (1-b2) g^2;
 *  w <- w - eta m_hat / (sqrt(v_hat) + eps), both moments bias-corrected. */
export class Adam extends Optimizer {
  constructor(params, lr, b1 = 0.9, b2 = 0.999, eps = 1e-8) {
    super(params, lr);
    this.b1 = number(b1, "b1", 0, 0.999999);
    this.b2 = number(b2, "b2", 0, 0.999999);
    this.eps = positive(eps, "eps");
    this.m = new Float64Array(params.length);
    this.v = new Float64Array(params.length);
  }
  update(p, g) {
    const { lr, b1, b2, eps, m, v, t } = this;
    const step = lr / (1.0 - b1 ** t);
    const root = Math.sqrt(1.0 - b2 ** t);
    for (let i = 0; i < p.length; i++) {
      m[i] = m[i] * b1 + (1.0 - b1) * g[i];
      v[i] = v[i] * b2 + ((1.0 - b2) * g[i]) * g[i];
      p[i] -= (step * m[i]) / (Math.sqrt(v[i]) / root + eps);
    }
  }
}

const CLASSES = { sgd: SGD, momentum: Momentum, rmsprop: RMSprop, adam: Adam };
/** The optimizer names make() accepts. */
export const NAMES = ["sgd", "momentum", "rmsprop", "adam"];

/** Build an optimizer by name (case-insensitive) over the flat parameter vector params. */
export function make(name, params, lr) {
  const key = typeof name === "string" ? name.toLowerCase() : null;
  const Class = key !== null && Object.hasOwn(CLASSES, key) ? CLASSES[key] : undefined;
  if (!Class) throw new Error(`optimizer must be one of ${NAMES.join(", ")}, got ${JSON.stringify(name)}`);
  return new Class(params, lr);
}
