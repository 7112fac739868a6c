// One playground run: a configuration, its data, its network and its training,
// as lecture_code/playground.py's Config, make_data, build and run. No DOM: the
// LiveRun that trains for the page (live.js, in a Web Worker), the page itself
// (playground.js, for the knobs) and the Node tests all use this module.
//
// A configuration uses the names of playground.Config (dataset, points, noise,
// test_fraction, hidden_layers, units, activation, loss, optimizer, lr,
// batch_size, penalty, lam, dropout, epochs, seed, restart) plus features (a
// list of FEATURES names). units may be one number for every hidden layer or a
// list with one number per hidden layer. seed draws the data; restart picks
// another draw of the initial weights (and minibatch orders) for the same data.

import { Generator } from "./random.js";
import { MLP } from "./network.js";
import { Trainer } from "./training.js";
import * as dataset from "./dataset.js";
import * as activations from "./activations.js";
import * as optimizers from "./optimizers.js";
import { choice, fail, integer, number } from "./checks.js";

export const DEFAULTS = Object.freeze({
  dataset: "circles", points: 200, noise: 0.1, test_fraction: 0.25, hidden_layers: 2, units: 16,
  activation: "relu", loss: "bce", optimizer: "adam", lr: 0.01, batch_size: null, penalty: "none",
  lam: 1e-3, dropout: 0.0, epochs: 300, seed: 0, restart: 0, features: ["x1", "x2"],
});
export const MAX_LAYERS = 6;
export const MAX_UNITS = 16;
export const PENALTIES = ["none", "l1", "l2"];


/** A complete, checked configuration from DEFAULTS and changes; units becomes one number per hidden layer. */
export function normalise(changes = {}) {
  const unknown = Object.keys(changes).filter((k) => !(k in DEFAULTS));
  if (unknown.length) throw new Error(`unknown knob(s) ${unknown.join(", ")}; expected ${Object.keys(DEFAULTS).join(", ")}`);
  const c = { ...DEFAULTS, ...changes };
  c.dataset = choice(c.dataset, "dataset", Object.keys(dataset.DATASETS));
  integer(c.points, "points", 10, 5000);
  number(c.noise, "noise", 0, 10);
  number(c.test_fraction, "test_fraction", 0.05, 0.95);
  integer(c.hidden_layers, "hidden_layers", 0, MAX_LAYERS);
  if (Array.isArray(c.units) && c.units.length === 0) fail("units", "a number, or a list of one number per hidden layer", c.units);
  const units = Array.isArray(c.units) ? c.units.slice() : Array(MAX_LAYERS).fill(c.units);
  while (units.length < c.hidden_layers) units.push(units.length ? units[units.length - 1] : DEFAULTS.units);
  units.forEach((u, i) => integer(u, `units[${i}]`, 1, MAX_UNITS));
  c.units = units.slice(0, Math.max(c.hidden_layers, Array.isArray(c.units) ? c.units.length : MAX_LAYERS));
  c.activation = choice(c.activation, "activation", activations.NAMES);
  c.loss = choice(c.loss, "loss", ["bce", "mse"]);
  c.optimizer = choice(c.optimizer, "optimizer", optimizers.NAMES);
  number(c.lr, "lr", 1e-8, 100);
  if (c.batch_size !== null) integer(c.batch_size, "batch_size", 1, 5000);
  c.penalty = choice(c.penalty, "penalty", PENALTIES);
  number(c.lam, "lam", 0, 100);
  number(c.dropout, "dropout", 0, 0.95);
  integer(c.epochs, "epochs", 1, 100000);
  integer(c.seed, "seed", 0, 2 ** 31 - 1);
  integer(c.restart, "restart", 0, 2 ** 31 - 1);
  if (!Array.isArray(c.features) || c.features.length === 0) fail("features", "a non-empty list of feature names", c.features);
  c.features = Object.keys(dataset.FEATURES).filter((f) => c.features.includes(f));
  const bad = changes.features ? changes.features.filter((f) => !(f in dataset.FEATURES)) : [];
  if (bad.length) fail("features", `names from ${Object.keys(dataset.FEATURES).join(", ")}`, bad);
  return c;
}

/** Is this the regression set (linear output, squared error)? */
export const isRegression = (c) => c.dataset === "regression";

/** Units per layer, input first: [features, units..., 1]. */
export const sizes = (c) => [c.features.length, ...c.units.slice(0, c.hidden_layers), 1];

/** The data of c, drawn with Generator(seed) and split: points as [[x1, x2], ...] and targets. */
export function makeData(c) {
  const rng = new Generator(c.seed);
  return dataset.trainTestSplit(dataset.DATASETS[c.dataset](c.points, rng, c.noise), c.test_fraction, rng);
}

/** A run of configuration c: data, untrained network, trainer; step(n) trains n epochs. */
export class Run {
  constructor(changes = {}, data = null) {
    const c = this.config = normalise(changes);
    this.data = data ?? makeData(c);
    const rng = new Generator(c.seed, c.restart);
    this.lossName = isRegression(c) ? "mse" : c.loss;
    this.output = isRegression(c) ? "linear" : "sigmoid";
    this.model = new MLP(sizes(c), c.activation, this.output, { rng, dropout: c.dropout });
    this.initialParams = Array.from(this.model.flatParams);
    const d = c.features.length;
    this.inputs = {
      d,
      X_train: dataset.features(this.data.X_train, c.features), Y_train: Float64Array.from(this.data.y_train),
      X_test: dataset.features(this.data.X_test, c.features), Y_test: Float64Array.from(this.data.y_test),
    };
    this.trainer = new Trainer(this.model, this.inputs, {
      loss: this.lossName, optimizer: c.optimizer, lr: c.lr, batchSize: c.batch_size,
      penalty: c.penalty, lam: c.lam, rng,
    });
  }

  get epoch() { return this.trainer.epoch; }
  get diverged() { return this.trainer.diverged; }

  /** Train up to n more epochs (fewer if the run diverges); returns the summary. */
  step(n = 1) {
    integer(n, "n (epochs to train)", 0);
    for (let i = 0; i < n && this.trainer.epochStep(); i++);
    return this.summary();
  }

  /** {epoch, trainLoss, testLoss, trainAccuracy, testAccuracy, diverged} after the last epoch. */
  summary() {
    const h = this.trainer.history, last = (a) => (a.length ? a[a.length - 1] : null);
    return { epoch: this.epoch, trainLoss: last(h.train_loss), testLoss: last(h.test_loss),
      trainAccuracy: last(h.train_acc), testAccuracy: last(h.test_acc), diverged: this.diverged };
  }

  /** The network's outputs (and every hidden unit's activation) at points [[x1, x2], ...]. */
  predict(points) {
    const X = dataset.features(points, this.config.features);
    const out = this.model.forward(X, points.length, false);
    return { output: out, hidden: this.model.layers.slice(0, -1).map((l) => l.A) };
  }

  /** Everything lecture_code.playground.replay needs to train the same network in numpy. */
  exportRun() {
    const c = this.config;
    return {
      format: "nn-playground-run", version: 1,
      config: { ...c, units: c.units.slice(0, c.hidden_layers) },
      sizes: sizes(c), activation: c.activation, output: this.output, loss: this.lossName,
      data: { X_train: this.data.X_train, y_train: this.data.y_train, X_test: this.data.X_test, y_test: this.data.y_test },
      initial_params: this.initialParams,
      epochs: this.epoch,
      ...this.trainer.draws(),
      history: { ...this.trainer.history, diverged: this.diverged },
    };
  }
}
