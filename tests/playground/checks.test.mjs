// Every layer of the browser engine checks what it is given, as lecture_code
// does: a clear error that names the argument, never a hang, a silent NaN or a
// quiet default. Run by tests/test_playground_engine.py (`node --test`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Run } from "../../book/_static/playground/run.js";
import { Trainer } from "../../book/_static/playground/training.js";
import { MLP, Dropout } from "../../book/_static/playground/network.js";
import { Generator } from "../../book/_static/playground/random.js";
import * as dataset from "../../book/_static/playground/dataset.js";
import * as optimizers from "../../book/_static/playground/optimizers.js";
import { show } from "../../book/_static/playground/checks.js";

const run = new Run({ points: 40 });
const data = run.trainer.data;
const options = (changes = {}) => ({ loss: "bce", optimizer: "adam", lr: 0.01, rng: new Generator(0), ...changes });
const refused = (f, words) => assert.throws(f, (e) => {
  assert.match(e.message, words);
  return true;
});

test("the trainer refuses a batch size that would loop forever or allocate nothing", () => {
  refused(() => new Trainer(run.model, data, options({ batchSize: 0 })), /batchSize must be an integer >= 1, got 0/);
  refused(() => new Trainer(run.model, data, options({ batchSize: -1 })), /batchSize must be an integer >= 1, got -1/);
  refused(() => new Trainer(run.model, data, options({ batchSize: 2.5 })), /batchSize/);
});

test("the trainer refuses targets that do not match the inputs", () => {
  refused(() => new Trainer(run.model, { ...data, Y_train: data.Y_train.subarray(1) }, options()),
    /data.X_train must hold 2 numbers for each of the \d+ targets of data.Y_train/);
  refused(() => new Trainer(run.model, { ...data, d: 3 }, options()), /data.d must be the network's input size 2/);
  const X = Float64Array.from(data.X_train); X[3] = NaN;
  refused(() => new Trainer(run.model, { ...data, X_train: X }, options()), /data.X_train must hold finite numbers, got NaN at 3/);
  refused(() => new Trainer({}, data, options()), /model must be an MLP/);
});

test("the trainer refuses an unknown penalty and a lambda that is not a number", () => {
  refused(() => new Trainer(run.model, data, options({ penalty: "l3" })), /penalty must be one of none, l1, l2, got "l3"/);
  refused(() => new Trainer(run.model, data, options({ penalty: "l2", lam: NaN })), /lam must be a finite number >= 0, got NaN/);
  refused(() => new Trainer(run.model, data, options({ penalty: "l2", lam: -1 })), /lam/);
  assert.equal(new Trainer(run.model, data, options({ penalty: "L2", lam: 0.1 })).penalty, "l2");   // names case-insensitive
  refused(() => new Trainer(run.model, data, options({ rng: undefined })), /rng must be a random generator/);
});

test("the data sets refuse a negative or fractional count, a missing generator and bad noise", () => {
  for (const make of Object.values(dataset.DATASETS)) {
    refused(() => make(-3, new Generator(0), 0.1), /n must be an integer in 1\.\.\d+, got -3/);
    refused(() => make(2.5, new Generator(0), 0.1), /n must be an integer/);
    refused(() => make(10, undefined, 0.1), /rng must be a random generator/);
    refused(() => make(10, new Generator(0), NaN), /noise must be a finite number >= 0, got NaN/);
  }
  refused(() => dataset.features([[1, 2]], []), /names must be a non-empty list/);
  refused(() => dataset.features([[1, NaN]], ["x1"]), /points must be a list of \[x1, x2\] pairs of finite numbers/);
});

test("a network needs its generator, whole sizes and a dropout in [0, 1)", () => {
  refused(() => new MLP([2, 3, 1]), /rng must be a random generator/);
  refused(() => new MLP([2, 0, 1], "relu", "sigmoid", { rng: new Generator(0) }), /sizes\[1\] must be an integer/);
  refused(() => new MLP([2, 1e5, 1e5, 1], "relu", "sigmoid", { rng: new Generator(0) }), /at most 10000000 parameters/);
  refused(() => new MLP([2, 3, 1], "relu", "sigmoid", { rng: new Generator(0), dropout: NaN }), /dropout must be a number/);
  refused(() => new MLP([2, 3, 1], "swish", "sigmoid", { rng: new Generator(0) }), /activation must be one of/);
  refused(() => new Dropout(1, new Generator(0)), /dropout must be a number in \[0, 1\), got 1/);
});

test("an optimizer refuses an infinite learning rate and a gradient that is not finite", () => {
  refused(() => optimizers.make("sgd", new Float64Array(3), Infinity), /lr must be a finite number > 0, got Infinity/);
  refused(() => optimizers.make("adam", new Float64Array(3), NaN), /lr must be a finite number > 0, got NaN/);
  const opt = optimizers.make("momentum", new Float64Array(3), 0.1);
  refused(() => opt.step(new Float64Array([0, NaN, 0])), /grads must hold finite numbers, got NaN at 1/);
  refused(() => opt.step(new Float64Array([0, 0])), /grads must be a Float64Array of 3 numbers/);
  assert.deepEqual(Array.from(opt.params), [0, 0, 0]);           // nothing was applied
  refused(() => new optimizers.Adam(new Float64Array(3), 0.1, 1.5), /b1 must be a number in \[0, /);
});

test("a generator's seeds are whole numbers, never a silent stand-in for 0", () => {
  refused(() => new Generator(NaN), /seeds\[0\] must be an integer in 0\.\.4294967295, got NaN/);
  refused(() => new Generator("abc"), /seeds\[0\] must be an integer/);
  refused(() => new Generator(), /seeds must be one or more integers/);
  refused(() => new Generator(1, -2), /seeds\[1\]/);
  refused(() => new Generator(0).permutation(-1), /n must be an integer/);
});

test("step takes a whole number of epochs", () => {
  const r = new Run({ points: 40 });
  for (const n of [NaN, -1, "3", 1.5]) refused(() => r.step(n), /n \(epochs to train\) must be an integer >= 0/);
  assert.equal(r.epoch, 0);
  r.step(2);
  assert.equal(r.epoch, 2);
});

test("a configuration's units are a number or a list, never an empty list filled in quietly", () => {
  refused(() => new Run({ units: [] }), /units must be a number, or a list of one number per hidden layer, got \[\]/);
});

test("messages show NaN and Infinity as themselves, not as null", () => {
  assert.equal(show(NaN), "NaN");
  assert.equal(show(-Infinity), "-Infinity");
  assert.equal(show([1, NaN]), '[1,"NaN"]');
  refused(() => new Run({ lr: Infinity }), /got Infinity/);
  refused(() => new Run({ noise: NaN }), /got NaN/);
});
