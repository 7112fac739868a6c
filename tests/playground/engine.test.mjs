// The browser playground's engine against lecture_code, run by Node's own test
// runner: `node --test tests/playground/`. tests/test_playground_engine.py
// writes the fixtures (PLAYGROUND_FIXTURES, a JSON file) with the numpy
// package: for each setting the training and test inputs, the initial flat
// parameters, every minibatch order and every dropout decision numpy drew,
// and the per-epoch losses and accuracies numpy computed. Here the JavaScript
// MLP starts from the same parameters, gets the same draws, and must produce
// the same numbers per epoch to 1e-12 relative.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { MLP } from "../../book/_static/playground/network.js";
import { Trainer } from "../../book/_static/playground/training.js";
import { Generator } from "../../book/_static/playground/random.js";
import { features } from "../../book/_static/playground/dataset.js";

const PATH = process.env.PLAYGROUND_FIXTURES;
assert.ok(PATH, "PLAYGROUND_FIXTURES must name the fixtures file (tests/test_playground_engine.py writes it)");
const FIXTURES = JSON.parse(readFileSync(PATH, "utf8"));
const RTOL = 1e-12;

/** Hands out numpy's recorded draws: one order per epoch, and 1/0 for kept/dropped units. */
class Recorded {
  constructor(orders, keep) { this.orders = orders; this.keep = keep; this.o = 0; this.k = 0; }
  permutation(n) {
    const order = this.orders[this.o++];
    assert.equal(order.length, n, "recorded order has the wrong length");
    return Int32Array.from(order);
  }
  random() {
    assert.ok(this.k < this.keep.length, "more dropout draws than numpy made");
    return this.keep[this.k++];
  }
}

function close(actual, expected, what, scale = (e) => Math.abs(e)) {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} epochs, numpy had ${expected.length}`);
  actual.forEach((a, i) => {
    const e = expected[i], err = Math.abs(a - e) / Math.max(scale(e), 1e-300);
    assert.ok(err <= RTOL, `${what} at epoch ${i}: JavaScript ${a}, numpy ${e} (relative error ${err})`);
  });
}

test("the fixtures cover the grid the issue asks for", () => {
  const seen = (key) => new Set(FIXTURES.map((f) => f[key]));
  for (const a of ["relu", "tanh", "sigmoid", "elu", "linear"]) assert.ok(seen("activation").has(a), a);
  for (const o of ["sgd", "momentum", "rmsprop", "adam"]) assert.ok(seen("optimizer").has(o), o);
  for (const l of ["bce", "mse"]) assert.ok(seen("loss").has(l), l);
  for (const p of ["none", "l1", "l2"]) assert.ok(seen("penalty").has(p), p);
  const depths = new Set(FIXTURES.map((f) => f.sizes.length - 2));
  for (let d = 0; d <= 6; d++) assert.ok(depths.has(d), `depth ${d}`);
  assert.ok(FIXTURES.some((f) => f.batch_size === null) && FIXTURES.some((f) => f.batch_size !== null));
  assert.ok(FIXTURES.some((f) => f.dropout > 0 && f.keep.length > 0));
});

for (const f of FIXTURES) {
  test(f.name, () => {
    const rng = new Recorded(f.orders, f.keep);
    const model = new MLP(f.sizes, f.activation, f.output, { rng: new Generator(0), dropout: f.dropout });
    for (const drop of model.dropouts) drop.rng = rng;
    assert.equal(model.flatParams.length, f.initial_params.length, "parameter count");
    model.flatParams.set(f.initial_params);
    const inputs = {
      d: f.features.length,
      X_train: features(f.X_train, f.features), Y_train: Float64Array.from(f.y_train),
      X_test: features(f.X_test, f.features), Y_test: Float64Array.from(f.y_test),
    };
    const trainer = new Trainer(model, inputs, { loss: f.loss, optimizer: f.optimizer, lr: f.lr,
      batchSize: f.batch_size, penalty: f.penalty, lam: f.lam, rng });
    for (let e = 0; e < f.epochs; e++) trainer.epochStep();
    const h = trainer.history;
    close(h.train_loss, f.train_loss, "train loss");
    close(h.test_loss, f.test_loss, "test loss");
    if (f.train_acc.length) {
      close(h.train_acc, f.train_acc, "train accuracy");
      close(h.test_acc, f.test_acc, "test accuracy");
    }
    assert.equal(rng.k, f.keep.length, "every recorded dropout draw used");
    // parameters near 0: relative to max(|w|, 1)
    close(Array.from(model.flatParams), f.final_params, "final parameters", (e) => Math.max(Math.abs(e), 1));
  });
}
