// Minibatch training with a per-epoch history, as lecture_code/training.py.
//
// One epoch shuffles the training set (when the batch is smaller than it),
// cuts it into minibatches, and for each runs forward, loss, backward and an
// optimizer step. The train loss of an epoch is the data loss (no penalty)
// averaged over its minibatches as measured during the epoch; the test loss
// is measured after it, without dropout (both from the logits for the
// cross-entropy, as MLP._loss). A Trainer also records every random
// draw it used (minibatch orders and dropout masks), so the numpy code can
// replay the run. See chapters 5 (gradient descent) and 7 (regularization).

import * as optimizers from "./optimizers.js";
import * as losses from "./losses.js";
import { MLP } from "./network.js";
import { choice, fail, finiteArray, generator, integer, number } from "./checks.js";

/** Fraction classified correctly, threshold 0.5 (as training.accuracy for one output). */
export function accuracy(out, y) {
  let right = 0;
  for (let i = 0; i < out.length; i++) if ((out[i] >= 0.5) === (y[i] >= 0.5)) right++;
  return right / out.length;
}

/** Rows idx[start..start+rows) of the n x d matrix X, gathered into out (rows * d). */
function gather(X, d, idx, start, rows, out) {
  for (let r = 0; r < rows; r++) {
    const src = idx[start + r] * d;
    for (let k = 0; k < d; k++) out[r * d + k] = X[src + k];
  }
  return out;
}

/** Packs bits (dropout keep decisions) into bytes, least significant bit first. */
class BitRecorder {
  constructor() { this.bytes = new Uint8Array(1024); this.count = 0; }
  push(bit) {
    if ((this.count >> 3) >= this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    if (bit) this.bytes[this.count >> 3] |= 1 << (this.count & 7);
    this.count++;
  }
  base64() {
    const used = this.bytes.subarray(0, (this.count + 7) >> 3);
    let s = "";
    for (let i = 0; i < used.length; i += 8192) s += String.fromCharCode(...used.subarray(i, i + 8192));
    return btoa(s);
  }
}

export class Trainer {
  /**
   * model: an MLP; data: {X_train, Y_train, X_test, Y_test, d} (Float64Array, rows of d features);
   * options: {loss, optimizer, lr, batchSize (null: full batch), penalty, lam, rng}.
   */
  constructor(model, data, { loss, optimizer, lr, batchSize = null, penalty = "none", lam = 0.0, rng } = {}) {
    if (!(model instanceof MLP)) fail("model", "an MLP (network.js)", model);
    const d = model.sizes[0];
    if (data === null || typeof data !== "object") fail("data", "{X_train, Y_train, X_test, Y_test, d}", data);
    if (data.d !== d) fail("data.d", `the network's input size ${d}`, data.d);
    for (const [X, Y, part] of [[data.X_train, data.Y_train, "train"], [data.X_test, data.Y_test, "test"]]) {
      finiteArray(X, `data.X_${part}`);
      if (!(Y instanceof Float64Array)) fail(`data.Y_${part}`, "a Float64Array", Y);
      if (Y.length === 0 || X.length !== Y.length * d) {
        throw new Error(`data.X_${part} must hold ${d} numbers for each of the ${Y.length} targets of `
          + `data.Y_${part}, got ${X.length} numbers`);
      }
    }
    if (batchSize !== null) integer(batchSize, "batchSize", 1);
    penalty = choice(penalty, "penalty", ["none", "l1", "l2"]);
    number(lam, "lam", 0);
    generator(rng, "rng", ["permutation", "random"]);
    this.model = model;
    this.data = data;
    this.loss = losses.get(loss);
    losses.checkOutput(this.loss, model.layers[model.layers.length - 1].activation.name);
    losses.targets(this.loss, data.Y_train, "Y_train");
    losses.targets(this.loss, data.Y_test, "Y_test");
    this.opt = optimizers.make(optimizer, model.flatParams, lr);
    this.n = data.Y_train.length;
    this.batch = batchSize === null ? this.n : Math.min(batchSize, this.n);
    this.penalty = penalty;
    this.lam = penalty === "none" ? 0.0 : lam;
    this.rng = rng;
    this.classify = this.loss.name === "bce" || model.layers[model.layers.length - 1].activation.name === "sigmoid";
    this.history = { train_loss: [], test_loss: [], train_acc: [], test_acc: [] };
    this.diverged = false;
    this.orders = [];
    this.keep = new BitRecorder();
    this.current = null;       // the epoch under way (batchStep): its order, next row, sums so far
  }

  get epoch() { return this.history.train_loss.length; }

  batchBuffer(rows, d) {
    this.buffers ??= new Map();
    let b = this.buffers.get(rows);
    if (!b) this.buffers.set(rows, b = { X: new Float64Array(rows * d), Y: new Float64Array(rows) });
    return b;
  }

  /** Train one epoch (or the rest of the one under way, after batchStep); returns false (and sets
   *  diverged) if the loss overflowed. */
  epochStep() {
    do if (!this.batchStep()) return false;
    while (this.current !== null);
    return true;
  }

  /**
   * Train on one minibatch: the next of the epoch under way, or the first of a new epoch (whose order
   * is drawn then). After an epoch's last minibatch, its losses and accuracies go into the history.
   * Returns false (and sets diverged) if the loss overflowed. The page's live run trains this way, a
   * minibatch at a time, so that it can stop for a picture in the middle of a long epoch; the numbers
   * are those of epochStep.
   */
  batchStep() {
    if (this.diverged) return false;
    const { model, data, n, batch, loss } = this, d = data.d;
    if (this.current === null) {
      let order = null;
      if (batch < n) {
        order = this.rng.permutation(n);
        this.orders.push(Array.from(order));
      }
      this.current = { order, start: 0, total: 0.0, correct: 0.0 };
    }
    const e = this.current, { order, start } = e;
    const rows = Math.min(batch, n - start);
    const buf = order ? this.batchBuffer(rows, d) : null;
    const Xb = order ? gather(data.X_train, d, order, start, rows, buf.X) : data.X_train;
    const Yb = order ? gather(data.Y_train, 1, order, start, rows, buf.Y) : data.Y_train;
    const [value, out] = model.lossAndGrads(Xb, Yb, rows, loss, this.penalty, this.lam, true);
    for (const drop of model.dropouts) {
      if (drop.mask) for (let i = 0; i < drop.mask.length; i++) this.keep.push(drop.mask[i] !== 0);
    }
    e.total += value * rows;
    if (this.classify) e.correct += accuracy(out, Yb) * rows;
    this.opt._step(model.flatGrads);   // unchecked: a diverging run overflows as numpy's does
    e.start += batch;
    if (e.start < n) return true;
    this.current = null;
    return this.endEpoch(e.total, e.correct);
  }

  /** After an epoch's last minibatch: its train loss and accuracy (averaged over the minibatches), the test loss and accuracy. */
  endEpoch(total, correct) {
    const { model, data, n, loss } = this;
    const trainLoss = total / n;
    if (!Number.isFinite(trainLoss)) { this.diverged = true; return false; }
    const h = this.history;
    h.train_loss.push(trainLoss);
    const [testLoss, out] = model.loss(data.X_test, data.Y_test, data.Y_test.length, loss);
    h.test_loss.push(testLoss);
    if (this.classify) {
      h.train_acc.push(correct / n);
      h.test_acc.push(accuracy(out, data.Y_test));
    }
    const p = model.flatParams;
    for (let i = 0; i < p.length; i++) if (!Number.isFinite(p[i])) { this.diverged = true; break; }   // the last step overflowed
    return true;
  }

  /** The draws so far: minibatch orders (one per epoch) and dropout keep bits (base64). */
  draws() {
    return { orders: this.orders, dropout_keep: this.keep.base64(), dropout_keep_count: this.keep.count };
  }
}
