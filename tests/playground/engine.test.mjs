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
import { Dropout, MLP } from "../../book/_static/playground/network.js";
import { Trainer } from "../../book/_static/playground/training.js";
import { Generator } from "../../book/_static/playground/random.js";
import { features } from "../../book/_static/playground/dataset.js";
import * as activations from "../../book/_static/playground/activations.js";
import * as losses from "../../book/_static/playground/losses.js";

const PATH = process.env.PLAYGROUND_FIXTURES;
assert.ok(PATH, "PLAYGROUND_FIXTURES must name the fixtures file (tests/test_playground_engine.py writes it)");
const FIXTURES = JSON.parse(readFileSync(PATH, "utf8"));
const EDGES_PATH = process.env.PLAYGROUND_EDGES;
assert.ok(EDGES_PATH, "PLAYGROUND_EDGES must name numpy's values at the edges (tests/test_playground_engine.py writes it)");
const EDGES = JSON.parse(readFileSync(EDGES_PATH, "utf8"));
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

/** numpy's numbers, written as text so that infinities survive JSON. */
const numbers = (texts) => texts.map(Number);

/** Equal to numpy's value: exactly where it is 0 or not finite, else to RTOL relative. */
function same(actual, expected, what) {
  if (expected === 0 || !Number.isFinite(expected)) {
    assert.ok(actual === expected || (Number.isNaN(actual) && Number.isNaN(expected)),
      `${what}: JavaScript ${actual}, numpy ${expected}`);
  } else {
    const err = Math.abs(actual - expected) / Math.abs(expected);
    assert.ok(err <= RTOL, `${what}: JavaScript ${actual}, numpy ${expected} (relative error ${err})`);
  }
}

test("activations, cross-entropy and dropout at the edges equal numpy's", () => {
  const z = numbers(EDGES.z);
  for (const [name, expected] of Object.entries(EDGES.activations)) {
    const act = activations.get(name), a = z.map(act.forward);
    numbers(expected.forward).forEach((e, i) => same(a[i], e, `${name}(${z[i]})`));
    for (const [da, values] of Object.entries(expected.backward)) {
      numbers(values).forEach((e, i) => same(act.backward(z[i], a[i], Number(da)), e,
        `${name} backward at z = ${z[i]}, da = ${da}`));
    }
  }
  for (const [y, expected] of Object.entries(EDGES.bce)) {
    const Y = Float64Array.of(Number(y)), grad = new Float64Array(1);
    numbers(expected.value).forEach((e, i) => same(losses.bce.logitValue(Float64Array.of(z[i]), Y), e,
      `bce from the logit ${z[i]}, label ${y}`));
    numbers(expected.grad).forEach((e, i) => same(losses.bce.logitGrad(Float64Array.of(z[i]), Y, grad)[0], e,
      `bce gradient at the logit ${z[i]}, label ${y}`));
  }
  const drop = new Dropout(0.5, new Generator(0));
  drop.mask = Float64Array.from(numbers(EDGES.dropout.mask));
  const back = drop.backward(Float64Array.from(numbers(EDGES.dropout.dA)));
  numbers(EDGES.dropout.backward).forEach((e, i) => same(back[i], e, `dropout backward, unit ${i}`));
});
