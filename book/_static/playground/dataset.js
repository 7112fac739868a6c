// The playground's data sets and input features, after lecture_code/datasets.py
// and lecture_code/playground.py (bumps, FEATURES).
//
// Each maker returns {X: Float64Array (n*2, row-major), y: Float64Array (n)}:
// class labels 0/1, or real targets for the regression set. The browser draws
// its own points with its own generator (random.js); a run exports the exact
// points it trained on, so the numpy replay uses the same data.

import { generator, integer, number } from "./checks.js";

const TAU = 2 * Math.PI;
/** The most points a data set draws (the page offers up to 5000). */
export const MAX_POINTS = 1000000;

/** The arguments every maker takes: n points, a generator, the noise's size. */
function checked(n, rng, noise) {
  integer(n, "n", 1, MAX_POINTS);
  generator(rng, "rng", ["random", "normal", "uniform"]);
  number(noise, "noise", 0);
}

/** Balanced labels, n // 2 of each, the extra one to class 0. */
function labels(n) {
  const y = new Float64Array(n);
  for (let i = Math.ceil(n / 2); i < n; i++) y[i] = 1;
  return y;
}

/** Two concentric circles: class 0 on radius 1, class 1 on radius 0.5. */
export function circles(n, rng, noise) {
  checked(n, rng, noise);
  const y = labels(n), X = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(0, TAU), r = y[i] === 0 ? 1.0 : 0.5;
    X[2 * i] = r * Math.cos(a) + noise * rng.normal();
    X[2 * i + 1] = r * Math.sin(a) + noise * rng.normal();
  }
  return { X, y };
}

/** XOR of the quadrant signs: class 1 where the signs of x1 and x2 differ. */
export function xor(n, rng, noise) {
  checked(n, rng, noise);
  const y = labels(n), X = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const s1 = rng.random() < 0.5 ? -1 : 1, s2 = y[i] === 1 ? -s1 : s1;
    X[2 * i] = s1 * (1 - rng.random()) + noise * rng.normal();
    X[2 * i + 1] = s2 * (1 - rng.random()) + noise * rng.normal();
  }
  return { X, y };
}

/** Two Gaussian blobs around (1, 0) and (-1, 0), spread by the noise (at least 0.1). */
export function blobs(n, rng, noise) {
  checked(n, rng, noise);
  const y = labels(n), X = new Float64Array(2 * n), s = Math.max(noise, 0.1);
  for (let i = 0; i < n; i++) {
    X[2 * i] = (y[i] === 0 ? 1 : -1) + s * rng.normal();
    X[2 * i + 1] = s * rng.normal();
  }
  return { X, y };
}

/** Two spiral arms of 1.5 turns: radius t, angle 2 pi (1.5 t + k / 2) for arm k. */
export function spiral(n, rng, noise) {
  checked(n, rng, noise);
  const y = labels(n), X = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = rng.uniform(0.05, 1.0), a = TAU * (1.5 * t + y[i] / 2);
    X[2 * i] = t * Math.cos(a) + noise * rng.normal();
    X[2 * i + 1] = t * Math.sin(a) + noise * rng.normal();
  }
  return { X, y };
}

/** The regression set: y = e^{-2|x - c|^2} - e^{-2|x + c|^2} + noise, c = (0.5, 0.5), x in [-1.5, 1.5]^2. */
export function regression(n, rng, noise) {
  checked(n, rng, noise);
  const X = new Float64Array(2 * n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-1.5, 1.5), b = rng.uniform(-1.5, 1.5);
    X[2 * i] = a; X[2 * i + 1] = b;
    y[i] = Math.exp(-2 * ((a - 0.5) ** 2 + (b - 0.5) ** 2)) - Math.exp(-2 * ((a + 0.5) ** 2 + (b + 0.5) ** 2))
      + noise * rng.normal();
  }
  return { X, y };
}

/** The data sets by name, in the order the page lists them (as playground.DATASETS). */
export const DATASETS = { circles, xor, blobs, spiral, regression };

/** Shuffle and hold out ceil(testFraction n) rows (at least 1, at most n - 1). */
export function trainTestSplit({ X, y }, testFraction, rng) {
  if (!(y instanceof Float64Array) || !(X instanceof Float64Array) || X.length !== 2 * y.length || y.length < 2) {
    throw new Error(`the data must be {X, y} of a maker (X holding 2 numbers per point of y, at least 2 points), `
      + `got X of ${X?.length} and y of ${y?.length}`);
  }
  number(testFraction, "testFraction", 0, 1);
  generator(rng, "rng", ["permutation"]);
  const n = y.length, nTest = Math.min(Math.max(Math.ceil(testFraction * n), 1), n - 1);
  const order = rng.permutation(n);
  const part = (from, to) => {
    const Xp = [], yp = [];
    for (let i = from; i < to; i++) { Xp.push([X[2 * order[i]], X[2 * order[i] + 1]]); yp.push(y[order[i]]); }
    return [Xp, yp];
  };
  const [X_test, y_test] = part(0, nTest), [X_train, y_train] = part(nTest, n);
  return { X_train, y_train, X_test, y_test };
}

/** The input features TensorFlow Playground offers, as lecture_code.playground.FEATURES. */
export const FEATURES = {
  x1: (a, b) => a,
  x2: (a, b) => b,
  x1sq: (a, b) => a * a,
  x2sq: (a, b) => b * b,
  x1x2: (a, b) => a * b,
  sinx1: (a, b) => Math.sin(a),
  sinx2: (a, b) => Math.sin(b),
};
/** How the page writes each feature. */
export const FEATURE_LABELS = { x1: "x₁", x2: "x₂", x1sq: "x₁²", x2sq: "x₂²", x1x2: "x₁x₂", sinx1: "sin x₁", sinx2: "sin x₂" };

/** The feature matrix (rows*names.length, row-major) of points given as [[x1, x2], ...]. */
export function features(points, names) {
  if (!Array.isArray(points) || !points.every((p) => Array.isArray(p) && p.length === 2 && p.every(Number.isFinite))) {
    throw new Error("points must be a list of [x1, x2] pairs of finite numbers");
  }
  if (!Array.isArray(names) || names.length === 0) throw new Error(`names must be a non-empty list of feature names, got ${JSON.stringify(names)}`);
  const fs = names.map((name) => {
    if (!FEATURES[name]) throw new Error(`feature must be one of ${Object.keys(FEATURES).join(", ")}, got ${JSON.stringify(name)}`);
    return FEATURES[name];
  });
  const out = new Float64Array(points.length * fs.length);
  points.forEach(([a, b], i) => fs.forEach((f, k) => { out[i * fs.length + k] = f(a, b); }));
  return out;
}
