// The multilayer perceptron, as in lecture_code/network.py and layers.py.
//
// Rows are examples: an input batch X is a Float64Array of n*d_in numbers,
// row-major; a layer's W is d_in*d_out (row-major, W[k*d_out + j]) and b is
// d_out, so Z = X W + b. All parameters live in one flat vector (each layer's
// W then b, the order of lecture_code's MLP.flat_params), and all gradients in
// another, so one optimizer step updates the whole network. Dropout is
// inverted dropout (mask 0 or 1/(1-p)) after every hidden layer, in training
// only. See chapters 3 (networks), 6 (backpropagation), 7 (regularization).

import * as activations from "./activations.js";
import { fail, generator, integer, number } from "./checks.js";

/** The most parameters an MLP holds (the page's largest network has about 1600). */
export const MAX_PARAMETERS = 10000000;

/** Inverted dropout; the mask is drawn from rng (row-major, like numpy's rng.random(shape)). */
export class Dropout {
  constructor(p, rng) {
    if (!(typeof p === "number" && p >= 0 && p < 1)) fail("dropout", "a number in [0, 1)", p);
    this.p = p;
    this.rng = generator(rng, "rng", ["random"]);
    this.mask = null;
    this.buffers = new Map();     // per batch length: mask, output, gradient (reused, not reallocated)
  }
  buffer(length) {
    let b = this.buffers.get(length);
    if (!b) this.buffers.set(length, b = { mask: new Float64Array(length), out: new Float64Array(length), grad: new Float64Array(length) });
    return b;
  }
  forward(A, training) {
    if (!training || this.p === 0) { this.mask = null; return A; }
    const keep = 1.0 / (1.0 - this.p), { mask, out } = this.buffer(A.length);
    for (let i = 0; i < A.length; i++) {
      mask[i] = this.rng.random() >= this.p ? keep : 0.0;
      out[i] = A[i] * mask[i];
    }
    this.mask = mask;
    return out;
  }
  backward(dA) {
    if (this.mask === null) return dA;
    const out = this.buffer(dA.length).grad, mask = this.mask;
    // a dropped unit passes exactly 0, even when dA is infinite there (inf * 0 would be NaN)
    for (let i = 0; i < dA.length; i++) out[i] = mask[i] === 0.0 ? 0.0 : dA[i] * mask[i];
    return out;
  }
}

/** A fully connected layer A = g(X W + b); W and b are views into the network's flat vector. */
export class Dense {
  constructor(dIn, dOut, activation, params, grads, offset) {
    this.dIn = dIn; this.dOut = dOut;
    this.activation = activations.get(activation);
    this.W = params.subarray(offset, offset + dIn * dOut);
    this.b = params.subarray(offset + dIn * dOut, offset + dIn * dOut + dOut);
    this.gW = grads.subarray(offset, offset + dIn * dOut);
    this.gb = grads.subarray(offset + dIn * dOut, offset + dIn * dOut + dOut);
    this.X = this.Z = this.A = null;
    this.n = 0;
    this.buffers = new Map();     // per number of rows: Z, A, dZ, dX (reused: no allocation per step)
  }

  buffer(n) {
    let b = this.buffers.get(n);
    if (!b) {
      const { dIn, dOut } = this;
      this.buffers.set(n, b = { Z: new Float64Array(n * dOut), A: new Float64Array(n * dOut),
        dZ: new Float64Array(n * dOut), dX: new Float64Array(n * dIn) });
    }
    return b;
  }

  /** Z = X W + b, A = g(Z), for n rows of X; caches X, Z and A. */
  forward(X, n) {
    const { dIn, dOut, W, b } = this, f = this.activation.forward;
    const { Z, A } = this.buffer(n);
    for (let i = 0; i < n; i++) {
      const r = i * dOut, x = i * dIn;
      for (let j = 0; j < dOut; j++) {
        let z = 0.0;       // X[i, 0] W[0, j] + X[i, 1] W[1, j] + ..., added in that order, then b[j]
        for (let k = 0; k < dIn; k++) z += X[x + k] * W[k * dOut + j];
        z += b[j];
        Z[r + j] = z;
        A[r + j] = f(z);
      }
    }
    this.X = X; this.Z = Z; this.A = A; this.n = n;
    return A;
  }

  /** From dZ = dL/dZ: dW = X^T dZ, db = row sum of dZ, and dX = dZ W^T (if needDX). */
  backwardFromZ(dZ, needDX = true) {
    const { dIn, dOut, W, gW, gb, X, n } = this;
    gW.fill(0); gb.fill(0);
    for (let i = 0; i < n; i++) {
      const r = i * dOut, x = i * dIn;
      for (let k = 0; k < dIn; k++) {
        const xk = X[x + k], w = k * dOut;
        for (let j = 0; j < dOut; j++) gW[w + j] += xk * dZ[r + j];
      }
      for (let j = 0; j < dOut; j++) gb[j] += dZ[r + j];
    }
    if (!needDX) return null;
    const dX = this.buffer(n).dX;
    for (let i = 0; i < n; i++) {
      const r = i * dOut, x = i * dIn;
      for (let k = 0; k < dIn; k++) {
        let s = 0.0;
        const w = k * dOut;
        for (let j = 0; j < dOut; j++) s += dZ[r + j] * W[w + j];
        dX[x + k] = s;
      }
    }
    return dX;
  }
}

/** Draw (W, b) as lecture_code.layers.init_weights: 'he' N(0, 2/d_in), 'glorot' N(0, 2/(d_in+d_out)), b = 0. */
export function initWeights(layer, init, rng) {
  const scale = init === "he" ? Math.sqrt(2.0 / layer.dIn) : Math.sqrt(2.0 / (layer.dIn + layer.dOut));
  for (let i = 0; i < layer.W.length; i++) layer.W[i] = scale * rng.normal();
  layer.b.fill(0);
}

/** The multilayer perceptron MLP(sizes, activation, output, {rng, dropout}). */
export class MLP {
  constructor(sizes, activation = "relu", output = "sigmoid", { rng, dropout = 0.0 } = {}) {
    if (!Array.isArray(sizes) || sizes.length < 2) fail("sizes", "a list of at least an input and an output size", sizes);
    sizes.forEach((s, i) => integer(s, `sizes[${i}]`, 1, MAX_PARAMETERS));
    const count = sizes.slice(1).reduce((total, s, i) => total + (sizes[i] + 1) * s, 0);
    if (count > MAX_PARAMETERS) fail("sizes", `a network of at most ${MAX_PARAMETERS} parameters (these need ${count})`, sizes);
    generator(rng, "rng", ["normal", "random"]);
    number(dropout, "dropout", 0, 0.999999);
    activations.get(activation);
    activations.get(output);
    this.sizes = sizes.slice();
    let total = 0;
    for (let i = 0; i + 1 < sizes.length; i++) total += sizes[i] * sizes[i + 1] + sizes[i + 1];
    this.flatParams = new Float64Array(total);
    this.flatGrads = new Float64Array(total);
    this.layers = [];
    let offset = 0;
    for (let i = 0; i + 1 < sizes.length; i++) {
      const act = i < sizes.length - 2 ? activation : output;
      const layer = new Dense(sizes[i], sizes[i + 1], act, this.flatParams, this.flatGrads, offset);
      initWeights(layer, ["relu", "elu"].includes(act) ? "he" : "glorot", rng);
      this.layers.push(layer);
      offset += sizes[i] * sizes[i + 1] + sizes[i + 1];
    }
    this.dropouts = this.layers.slice(0, -1).map(() => new Dropout(dropout, rng));
  }

  nParameters() { return this.flatParams.length; }

  /** The network's output for n rows of X (dropout only when training). */
  forward(X, n, training = false) {
    let A = X;
    for (let i = 0; i + 1 < this.layers.length; i++) {
      A = this.dropouts[i].forward(this.layers[i].forward(A, n), training);
    }
    return this.layers[this.layers.length - 1].forward(A, n);
  }

  /** Backpropagate from the output layer's dZ, filling flatGrads. */
  backwardFromZ(dZ) {
    const L = this.layers.length;
    let dA = this.layers[L - 1].backwardFromZ(dZ, L > 1);
    for (let i = L - 2; i >= 0; i--) {
      const layer = this.layers[i], act = layer.activation;
      const d = this.dropouts[i].backward(dA), Z = layer.Z, A = layer.A;
      const dZi = layer.buffer(layer.n).dZ;
      for (let k = 0; k < d.length; k++) dZi[k] = act.backward(Z[k], A[k], d[k]);
      dA = layer.backwardFromZ(dZi, i > 0);
    }
  }

  /** [data loss, output] of a forward pass on n rows, like MLP._loss: for a fused pair
   *  (sigmoid output and 'bce') the loss comes from the output's logits Z. */
  loss(X, Y, n, loss, training = false) {
    const out = this.forward(X, n, training);
    const last = this.layers[this.layers.length - 1];
    if (loss.fusedWith === last.activation.name) return [loss.logitValue(last.Z, Y), out];
    return [loss.value(out, Y), out];
  }

  /** Forward, loss and backward on one batch; the gradients include the penalty's.
   *  Returns [data loss, output], like MLP._loss_and_grads: for a fused pair the
   *  gradient at the output's logits is the loss's logitGrad. */
  lossAndGrads(X, Y, n, loss, penalty = "none", lam = 0.0, training = true) {
    const [value, out] = this.loss(X, Y, n, loss, training);
    const last = this.layers[this.layers.length - 1];
    const dZ = last.buffer(n).dZ;
    if (loss.fusedWith === last.activation.name) {
      loss.logitGrad(last.Z, Y, dZ);
    } else {
      loss.grad(out, Y, dZ);
      for (let i = 0; i < out.length; i++) dZ[i] = last.activation.backward(last.Z[i], out[i], dZ[i]);
    }
    this.backwardFromZ(dZ);
    if (penalty !== "none" && lam > 0) {
      for (const layer of this.layers) penaltyGrad(layer.W, layer.gW, penalty, lam);
    }
    return [value, out];
  }
}

/** Add the gradient of lambda R(W) to g: lambda sign(w) (L1) or 2 lambda w (L2), as lecture_code.regularization. */
export function penaltyGrad(W, g, kind, lam) {
  if (kind === "l1") for (let i = 0; i < W.length; i++) g[i] += lam * Math.sign(W[i]);
  else if (kind === "l2") for (let i = 0; i < W.length; i++) g[i] += (2.0 * lam) * W[i];
}

/** lambda R(W) summed over the weight matrices (biases are not penalised). */
export function penalty(model, kind, lam) {
  if (kind === "none" || lam === 0) return 0.0;
  let s = 0.0;
  for (const layer of model.layers) {
    for (const w of layer.W) s += kind === "l1" ? Math.abs(w) : w * w;
  }
  return lam * s;
}
