// The browser playground: the page face of chapter 8's live cell, with every
// knob of lecture_code.playground, training live in JavaScript with no kernel
// and no server. After TensorFlow Playground's playground.ts.
//
// It mounts into every element with class "nn-playground" (the first one gets
// the interface below) and keeps its whole state in the page's query string,
// so a link reproduces a setting.
//
// The page does not train the network itself: a LiveRun (live.js) does, in a
// Web Worker (worker.js), a second thread, and sends back snapshots (the
// numbers, the new losses, the output over the plane and, every tenth of a
// second, the weights and the units' pictures), which this page paints, one
// per frame at most. So the controls answer at once however large the
// network. Where no worker can start, the same LiveRun runs on this page.
//
// Interface (window.nnPlayground), used by the browser tests and the replay.
// Training happens on the other thread, so what waits for it returns a Promise:
//   set(changes)   change knobs (names as in playground.Config, plus features
//                  and show_test); training restarts from epoch 0. Resolves
//                  once the new run is drawn; rejects a wrong knob by name.
//   step(n)        train n epochs and draw; resolves to
//                  {epoch, trainLoss, testLoss, trainAccuracy, testAccuracy, diverged}.
//   exportRun()    resolves to a JSON-serialisable object: configuration, the
//                  exact training and test points, the initial parameters, the
//                  minibatch orders and dropout decisions so far, and the
//                  per-epoch history; lecture_code.playground.replay(run)
//                  trains the same network with numpy.
//   reset()        the Reset button (a Promise, as set); play(), pause() the
//                  Play button (pause resolves once the paused run is drawn).
//   config()       the current knobs; summary() what step resolves to, for
//                  the latest snapshot (no training, no drawing);
//   trainedIn()    "worker" or "page": where the latest snapshot was computed.

import { DEFAULTS, MAX_LAYERS, MAX_UNITS, PENALTIES, normalise, isRegression, sizes as layerSizes } from "./run.js";
import { FEATURES, FEATURE_LABELS } from "./dataset.js";
import { LiveRun, DENSITY, UNIT_DENSITY } from "./live.js";
import { integer } from "./checks.js";
import * as heatmap from "./heatmap.js";
import * as activations from "./activations.js";
import * as optimizers from "./optimizers.js";

const LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const LAMBDAS = [0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];
const BATCH_SIZES = [null, 1, 5, 10, 20, 50, 100];
const DATASET_NAMES = { circles: "circles", xor: "XOR", blobs: "two blobs", spiral: "spiral", regression: "regression (two bumps)" };
// The output heatmap's and each unit's size in CSS pixels. While playing, the output heatmap, the
// numbers and the curve are redrawn with every snapshot, the network (links and unit heatmaps) with
// those that bring its pictures, every tenth of a second (live.js).
const OUTPUT_SIZE = 260, UNIT_SIZE = 34;
// The network drawing: COLUMN px from one layer's units to the next's, as TensorFlow Playground,
// closer together where the wide layout leaves the network column less room (see fitNetwork).
const COLUMN = 64, MIN_UNIT = 20, LINK_ROOM = 12;

/** Element helper: el("select", {class: "x"}, children...). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== false && v !== null && v !== undefined) node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}
const svgEl = (tag, attrs = {}) => {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
};
const fmt = (v, digits = 3) => (v === null || v === undefined ? "–" : Number.isFinite(v) ? v.toFixed(digits) : String(v));

/** The knobs in the query string: only those that differ from the defaults. */
function toQuery(state) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(state.config)) {
    const d = k === "units" ? DEFAULTS.units : DEFAULTS[k];
    if (k === "units") { if (v.some((u) => u !== d)) q.set(k, v.join(",")); }
    else if (k === "features") { if (v.join(",") !== d.join(",")) q.set(k, v.join(",")); }
    else if (v !== d) q.set(k, v === null ? "full" : String(v));
  }
  if (!state.showTest) q.set("show_test", "0");
  return q;
}

/** Knobs read from a query string (unknown or malformed ones are ignored with a console note). */
export function fromQuery(search) {
  const q = new URLSearchParams(search), changes = {};
  let showTest = true;
  for (const [k, raw] of q) {
    if (k === "show_test") { showTest = raw !== "0"; continue; }
    if (!(k in DEFAULTS)) continue;
    const d = DEFAULTS[k];
    let v;
    if (k === "units") v = raw.split(",").map(Number);
    else if (k === "features") v = raw.split(",").filter(Boolean);
    else if (k === "batch_size") v = raw === "full" ? null : Number(raw);
    else if (typeof d === "number") v = Number(raw);
    else v = raw;
    try { normalise({ ...changes, [k]: v }); changes[k] = v; } catch (e) { console.warn(`playground: ignoring ${k}=${raw}: ${e.message}`); }
  }
  return { changes, showTest };
}

/** What summary() gives before the first snapshot arrives. */
const NO_SUMMARY = Object.freeze({ epoch: 0, trainLoss: null, testLoss: null, trainAccuracy: null, testAccuracy: null, diverged: false });

/**
 * Where the network trains: a LiveRun in a Web Worker if the browser starts one,
 * else a LiveRun on this page, reached through a MessageChannel (the same code
 * and the same messages either way). receive(message) gets the LiveRun's answers.
 */
class Engine {
  constructor(receive) {
    this.receive = receive;
    this.target = null;        // where post() sends: the worker once it said hello, or the page's LiveRun
    this.held = [];            // messages posted before that
    let worker;
    try {
      worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    } catch {                  // no Worker here (or none allowed): train on this page
      this.onPage();
      return;
    }
    worker.onmessage = (event) => {
      if (event.data.type !== "hello") receive(event.data);
      else { this.target = worker; this.flush(); }
    };
    worker.onerror = (event) => {      // the worker did not start (a running one reports "failed" itself)
      if (this.target) return;
      event.preventDefault();
      worker.terminate();
      this.onPage();
    };
  }

  onPage() {
    const { port1, port2 } = new MessageChannel();
    const live = new LiveRun((message, transfer = []) => port2.postMessage(message, transfer), (f) => setTimeout(f, 0));
    port2.onmessage = (event) => live.receive(event.data);
    port1.onmessage = (event) => this.receive(event.data);
    this.target = port1;
    this.flush();
  }

  post(message) {
    if (this.target) this.target.postMessage(message);
    else this.held.push(message);
  }

  flush() {
    for (const message of this.held.splice(0)) this.target.postMessage(message);
  }
}

class Playground {
  static ids = 0;

  constructor(root, { changes = {}, showTest = true, syncURL = false } = {}) {
    this.root = root;
    this.syncURL = syncURL;
    this.showTest = showTest;
    this.playing = false;
    this.controls = {};
    this.gen = 0;              // the number of the current run; snapshots of earlier ones are dropped
    this.requests = 0;
    this.waiting = new Map();  // request id -> the Promise's {resolve, reject}
    this.where = null;
    this.frame = 0;            // the animation frame requested to paint, if any
    this.engine = new Engine((message) => this.receive(message));
    this.build();
    this.restart(changes);
  }

  // -- state ------------------------------------------------------------------
  /** A new run of changes at epoch 0: the controls show it at once, the pictures when its first snapshot is painted. */
  restart(changes) {
    this.showPaused();
    this.config = normalise(changes);
    this.gen += 1;
    // what the page knows of the run: its points, its history, its latest numbers and weights
    for (const id of this.fresh?.ids ?? []) this.settle(id, this.summary());   // answered, and never to be painted
    this.view = { data: null, history: { train_loss: [], test_loss: [] }, summary: null, weights: null };
    this.fresh = null;         // the latest snapshot, not yet painted
    this.lastNetwork = null;   // the last network painted, drawn again if the room for it changes
    this.syncControls();
    this.layoutNetwork();
    if (this.syncURL) {
      const q = toQuery(this).toString();
      history.replaceState(null, "", `${location.pathname}${q ? "?" + q : ""}${location.hash}`);
    }
    return this.request({ type: "start", config: this.config });
  }

  set(changes) {
    try {
      if ("show_test" in changes) { this.showTest = Boolean(changes.show_test); changes = { ...changes }; delete changes.show_test; }
      const { units, ...rest } = changes;
      const next = { ...this.configChanges(), ...rest };
      if (units !== undefined) next.units = Array.isArray(units) ? units : Array(MAX_LAYERS).fill(units);
      normalise(next);           // throws a clear error before anything changes
      return this.restart(next);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  configChanges() {
    const c = { ...this.config };
    c.units = c.units.slice();
    return c;
  }

  step(n = 1) {
    try {
      integer(n, "n (epochs to train)", 0);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.request({ type: "step", n });
  }

  summary() {
    return { ...(this.view.summary ?? NO_SUMMARY) };
  }

  exportRun() {
    return this.request({ type: "export" });
  }

  /** Has the run reached its last epoch, or diverged? */
  finished() {
    const s = this.view.summary;
    return s !== null && (s.diverged || s.epoch >= this.config.epochs);
  }

  play() {
    if (this.playing || this.finished()) return;
    this.playing = true;
    this.controls.play.textContent = "Pause";
    this.controls.play.setAttribute("aria-pressed", "true");
    this.engine.post({ type: "play", gen: this.gen });
  }

  pause() {
    if (!this.playing) return Promise.resolve();
    this.showPaused();
    return this.request({ type: "pause" });     // answered with the whole picture of the paused run
  }

  /** The Play button as when paused. */
  showPaused() {
    this.playing = false;
    if (this.controls.play) {
      this.controls.play.textContent = "Play";
      this.controls.play.setAttribute("aria-pressed", "false");
    }
  }

  // -- talking to the LiveRun ----------------------------------------------------
  /** Send message about the current run; the Promise settles when its answer is painted (or arrives, for export). */
  request(message) {
    const id = ++this.requests;
    const answered = new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.engine.post({ ...message, gen: this.gen, id });
    return answered;
  }

  settle(id, value, error = null) {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    if (error === null) w.resolve(value); else w.reject(new Error(error));
  }

  receive(message) {
    if (message.type === "exported") return this.settle(message.id, message.run);
    if (message.type === "failed") {
      if (message.id === null) console.error(`playground: ${message.message}`);
      return this.settle(message.id, null, message.message);
    }
    if (message.gen !== this.gen) return this.settle(message.id, message.summary);   // an earlier run's: never shown
    this.take(message);
  }

  /** Keep a snapshot of the current run: its history now, its pictures at the next frame. */
  take(snapshot) {
    const v = this.view, h = v.history, { from, train_loss, test_loss } = snapshot.history;
    if (snapshot.data) { v.data = snapshot.data; this.drawPoints(); }
    h.train_loss.length = h.test_loss.length = from;
    for (let i = 0; i < train_loss.length; i++) { h.train_loss.push(train_loss[i]); h.test_loss.push(test_loss[i]); }
    v.summary = snapshot.summary;
    this.where = snapshot.where;
    const before = this.fresh;  // not yet painted: its pictures are out of date, its requests are answered by this one
    this.fresh = { output: snapshot.output, network: snapshot.network ?? before?.network ?? null,
      ids: (before?.ids ?? []).concat(snapshot.id === null ? [] : [snapshot.id]) };
    if (this.playing && this.finished()) this.showPaused();
    if (!this.frame) this.frame = requestAnimationFrame(() => this.paint());
  }

  /** Paint the latest snapshot, then tell the LiveRun the page is ready for the next. */
  paint() {
    this.frame = 0;
    const f = this.fresh;
    if (!f) return;
    this.fresh = null;
    this.render(f.output);
    if (f.network) this.renderNetwork(f.network);
    this.engine.post({ type: "ready", gen: this.gen });
    for (const id of f.ids) this.settle(id, this.summary());
  }

  // -- the controls -------------------------------------------------------------
  build() {
    const root = this.root, c = this.controls;
    root.textContent = "";
    root.classList.add("nnp");
    // A visible label tied to its control by id (an <output> showing the value sits beside it).
    const field = (label, control, out = null) => {
      control.id = `nnp-${++Playground.ids}`;
      if (out) out.setAttribute("for", control.id);
      return el("div", { class: "nnp-field" }, el("span", {}, el("label", { for: control.id }, label), out ? " " : null, out), control);
    };
    this.field = field;
    const select = (key, label, options, parse = (v) => v) => {
      const s = el("select", { onchange: () => this.set({ [key]: parse(s.value) }) },
        ...options.map(([value, text]) => el("option", { value: String(value) }, text)));
      c[key] = s;
      return field(label, s);
    };
    const range = (key, label, min, max, step, show = (v) => v) => {
      const out = el("output", {});
      const r = el("input", { type: "range", min, max, step, oninput: () => { out.textContent = show(Number(r.value)); }, onchange: () => this.set({ [key]: Number(r.value) }) });
      c[key] = r; c[`${key}Out`] = out;
      r.show = show;
      return field(label, r, out);
    };
    const button = (key, text, onclick, attrs = {}) => (c[key] = el("button", { type: "button", class: "nnp-button", onclick, ...attrs }, text));

    this.epochText = el("span", { class: "nnp-epoch", role: "status", "aria-live": "off" }, "000,000");
    const top = el("div", { class: "nnp-top" },
      button("reset", "Reset", () => this.restart(this.configChanges()), { title: "Back to epoch 0 (same initial weights)" }),
      button("play", "Play", () => (this.playing ? this.pause() : this.play()), { "aria-pressed": "false" }),
      button("stepButton", "Step", () => this.step(1), { title: "Train one epoch" }),
      el("span", { class: "nnp-epoch-box" }, "Epoch ", this.epochText),
      range("epochs", "stop at epoch", 10, 5000, 10),
      select("lr", "learning rate", LEARNING_RATES.map((v) => [v, String(v)]), Number),
      select("activation", "activation", activations.NAMES.map((v) => [v, v])),
      select("loss", "loss", [["bce", "cross-entropy"], ["mse", "squared error"]]),
      select("optimizer", "optimizer", optimizers.NAMES.map((v) => [v, { sgd: "SGD", momentum: "momentum", rmsprop: "RMSProp", adam: "Adam" }[v]])),
      select("penalty", "penalty", PENALTIES.map((v) => [v, { none: "none", l1: "L1", l2: "L2" }[v]])),
      select("lam", "penalty rate λ", LAMBDAS.map((v) => [v, String(v)]), Number),
      range("dropout", "dropout", 0, 0.9, 0.05, (v) => v.toFixed(2)),
    );

    const data = el("div", { class: "nnp-col nnp-data" }, el("h3", {}, "Data"),
      select("dataset", "data set", Object.entries(DATASET_NAMES)),
      range("test_fraction", "test share", 0.1, 0.9, 0.05, (v) => `${Math.round(v * 100)}%`),
      range("noise", "noise", 0, 0.6, 0.05, (v) => v.toFixed(2)),
      range("points", "points", 50, 1000, 50),
      select("batch_size", "batch size", BATCH_SIZES.map((v) => [v ?? "full", v ?? "full batch"]), (v) => (v === "full" ? null : Number(v))),
      button("regenerate", "Regenerate", () => this.set({ seed: (this.config.seed + 1) % 1000 }), { title: "Draw new points (next data seed)" }),
      button("restartWeights", "New weights", () => this.set({ restart: this.config.restart + 1 }), { title: "Train again from other initial weights" }));
    // A column of its own, between the data and the network, as in TensorFlow Playground.
    const features = el("div", { class: "nnp-col nnp-feature-col" }, el("h3", {}, "Features"),
      el("fieldset", { class: "nnp-features" }, el("legend", {}, "inputs to the network"),
        ...Object.keys(FEATURES).map((f) => {
          const box = el("input", { type: "checkbox", onchange: () => this.toggleFeature(f, box.checked) });
          c[`feature_${f}`] = box;
          return el("label", { class: "nnp-check" }, box, ` ${FEATURE_LABELS[f]}`);
        })));

    this.layerControls = el("div", { class: "nnp-layers" });
    this.net = el("div", { class: "nnp-net" });
    this.weightText = el("p", { class: "nnp-weight", "aria-live": "polite" }, "Hover over a link to see its weight.");
    const hidden = el("input", { type: "number", min: 0, max: MAX_LAYERS, step: 1, onchange: () => {
      const v = Math.max(0, Math.min(MAX_LAYERS, Math.round(Number(hidden.value) || 0)));
      this.set({ hidden_layers: v });
    } });
    c.hidden_layers = hidden;
    const network = el("div", { class: "nnp-col nnp-network" }, el("h3", {}, "Network"),
      field("hidden layers (0 to 6)", hidden),
      this.layerControls, this.net, this.weightText);
    this.networkCol = network;
    // The wide layout gives the network what the other columns leave: draw it again when that changes.
    if (globalThis.ResizeObserver) {
      let seen = 0;
      new ResizeObserver(() => {
        const room = this.networkRoom();
        if (room === seen) return;
        seen = room;
        if (this.layoutNetwork() && this.lastNetwork) this.renderNetwork(this.lastNetwork);
      }).observe(network);
    }

    this.output = el("canvas", { role: "img", "aria-label": "The network's output over the plane, with the data points" });
    this.curve = el("canvas", { role: "img", "aria-label": "Train and test loss per epoch (log scale)" });
    this.numbers = el("dl", { class: "nnp-numbers" });
    this.message = el("p", { class: "nnp-message", role: "status" });
    const showTest = el("input", { type: "checkbox", onchange: () => this.set({ show_test: showTest.checked }) });
    c.show_test = showTest;
    this.snippet = el("pre", { class: "nnp-snippet", hidden: true });
    const output = el("div", { class: "nnp-col nnp-output" }, el("h3", {}, "Output"),
      this.output, el("label", { class: "nnp-check" }, showTest, " show test data"),
      this.message, this.numbers, this.curve,
      el("p", { class: "nnp-legend" }, "Loss per epoch: training solid, test dashed."),
      button("reproduce", "Reproduce in Python", () => this.reproduce(), { title: "Download this run as JSON for lecture_code.playground.replay" }),
      this.snippet);
    root.append(top, el("div", { class: "nnp-main" }, data, features, network, output));
    this.outputCtx = heatmap.sharp(this.output, OUTPUT_SIZE);
    this.curveCtx = heatmap.sharp(this.curve, OUTPUT_SIZE, 80);
  }

  toggleFeature(name, on) {
    const fs = new Set(this.config.features);
    if (on) fs.add(name); else fs.delete(name);
    if (fs.size === 0) { this.controls[`feature_${name}`].checked = true; this.message.textContent = "The network needs at least one input feature."; return; }
    this.set({ features: Object.keys(FEATURES).filter((f) => fs.has(f)) });
  }

  syncControls() {
    const c = this.controls, cfg = this.config;
    for (const key of ["lr", "activation", "loss", "optimizer", "penalty", "lam", "dataset"]) c[key].value = String(cfg[key]);
    c.batch_size.value = cfg.batch_size === null ? "full" : String(cfg.batch_size);
    if (cfg.batch_size !== null && !BATCH_SIZES.includes(cfg.batch_size)) {
      c.batch_size.append(el("option", { value: String(cfg.batch_size) }, String(cfg.batch_size)));
      c.batch_size.value = String(cfg.batch_size);
    }
    for (const key of ["lr", "lam"]) {
      if (c[key].value !== String(cfg[key])) { c[key].append(el("option", { value: String(cfg[key]) }, String(cfg[key]))); c[key].value = String(cfg[key]); }
    }
    for (const key of ["epochs", "dropout", "test_fraction", "noise", "points"]) {
      c[key].value = String(cfg[key]);
      c[`${key}Out`].textContent = c[key].show(cfg[key]);
    }
    c.hidden_layers.value = String(cfg.hidden_layers);
    c.loss.disabled = isRegression(cfg);
    c.loss.title = isRegression(cfg) ? "The regression set always uses the squared error" : "";
    for (const f of Object.keys(FEATURES)) c[`feature_${f}`].checked = cfg.features.includes(f);
    c.show_test.checked = this.showTest;
    this.layerControls.textContent = "";
    for (let i = 0; i < cfg.hidden_layers; i++) {
      const input = el("input", { type: "number", min: 1, max: MAX_UNITS, step: 1, value: cfg.units[i], onchange: () => {
        const units = this.config.units.slice();
        units[i] = Math.max(1, Math.min(MAX_UNITS, Math.round(Number(input.value) || 1)));
        this.set({ units });
      } });
      c[`units_${i}`] = input;
      const row = this.field(`layer ${i + 1} units`, input);
      row.classList.add("nnp-units");
      this.layerControls.append(row);
    }
  }

  // -- drawing -----------------------------------------------------------------
  /** The width the network's drawing may take: in the wide layout (from 1200 px) what the other
   *  columns leave of the row, on a phone (below 600 px) the screen's width; in between no limit
   *  (the row wraps instead, and the network gets a row of its own). */
  networkRoom() {
    const fitted = globalThis.matchMedia?.("(min-width: 1200px), (max-width: 599.98px)").matches;
    if (!this.networkCol || !fitted) return Infinity;
    return Math.floor(this.networkCol.getBoundingClientRect().width) || Infinity;   // no padding, no border
  }

  /** { colW, unit } for `columns` columns of units in `room` px: TensorFlow Playground's
   *  spacing and unit size where they fit; else the columns closer, down to LINK_ROOM px of links
   *  between two units, and then the units smaller too, down to MIN_UNIT px. */
  static fitNetwork(columns, room) {
    const width = (colW, unit) => (columns - 1) * colW + unit + 8;
    if (columns < 2 || width(COLUMN, UNIT_SIZE) <= room) return { colW: COLUMN, unit: UNIT_SIZE };
    for (let unit = UNIT_SIZE; unit > MIN_UNIT; unit -= 2) {
      const colW = Math.floor((room - unit - 8) / (columns - 1));
      if (colW >= unit + LINK_ROOM) return { colW: Math.min(COLUMN, colW), unit };
    }
    return { colW: MIN_UNIT + LINK_ROOM, unit: MIN_UNIT };
  }

  /** Lay out the network's units and links, unless the layer sizes, the features and the room are
   *  those already shown; true if it did. */
  layoutNetwork() {
    const cfg = this.config, sizes = layerSizes(cfg);
    const { colW, unit } = Playground.fitNetwork(sizes.length, this.networkRoom());
    const key = JSON.stringify([sizes, cfg.features, colW, unit]);
    if (key === this.layout) return false;
    this.layout = key;
    this.unitSize = unit;
    const rowH = unit + 8, height = Math.max(...sizes) * rowH + 8, width = (sizes.length - 1) * colW + unit + 8;
    this.net.textContent = "";
    this.net.style.width = `${width}px`;
    this.net.style.height = `${height}px`;
    const pos = sizes.map((n, l) => Array.from({ length: n }, (_, j) => [4 + l * colW, 4 + (height - n * rowH) / 2 + j * rowH]));
    const svg = svgEl("svg", { width, height, class: "nnp-links", "aria-hidden": "true" });
    this.links = [];
    let offset = 0;            // where layer l's W starts in the flat weights (each layer's W, then its b)
    for (let l = 0; l + 1 < sizes.length; l++) {
      const dIn = sizes[l], dOut = sizes[l + 1];
      for (let k = 0; k < dIn; k++) {
        for (let j = 0; j < dOut; j++) {
          const [x0, y0] = pos[l][k], [x1, y1] = pos[l + 1][j], h = unit / 2;
          const path = svgEl("path", { d: `M${x0 + unit},${y0 + h} C${(x0 + unit + x1) / 2},${y0 + h} ${(x0 + unit + x1) / 2},${y1 + h} ${x1},${y1 + h}` });
          const title = svgEl("title");
          path.append(title);
          const index = offset + k * dOut + j, from = l === 0 ? FEATURE_LABELS[cfg.features[k]] : `unit ${k + 1} of layer ${l}`;
          const to = l === sizes.length - 2 ? "the output" : `unit ${j + 1} of layer ${l + 1}`;
          path.addEventListener("mouseenter", () => { this.weightText.textContent = `weight from ${from} to ${to}: ${fmt(this.view.weights?.[index], 4)}`; });
          svg.append(path);
          this.links.push({ path, title, index, stroke: "", width: "", text: "" });
        }
      }
      offset += dIn * dOut + dOut;
    }
    this.net.append(svg);
    this.unitCanvases = sizes.map((n, l) => pos[l].map(([x, y], j) => {
      const canvas = el("canvas", { class: "nnp-unit", role: "img", "aria-label": l === 0 ? `input ${FEATURE_LABELS[cfg.features[j]]}` : l === sizes.length - 1 ? "output unit" : `unit ${j + 1} of hidden layer ${l}` });
      canvas.style.left = `${x}px`; canvas.style.top = `${y}px`;
      this.net.append(canvas);
      return heatmap.sharp(canvas, unit);
    }));
    return true;
  }

  /** The run's points, drawn once per run on a canvas of their own that every frame copies over the heatmap. */
  drawPoints() {
    const { data } = this.view, regression = isRegression(this.config);
    this.points ??= document.createElement("canvas");
    const ctx = heatmap.sharp(this.points, OUTPUT_SIZE);
    ctx.clearRect(0, 0, OUTPUT_SIZE, OUTPUT_SIZE);
    heatmap.points(ctx, data.X_train, data.y_train, OUTPUT_SIZE, { regression });
    if (this.showTest) heatmap.points(ctx, data.X_test, data.y_test, OUTPUT_SIZE, { regression, test: true });
  }

  /** The epoch, the output heatmap (output: the network's output on the DENSITY grid) with the points, the numbers, the curve. */
  render(output) {
    const cfg = this.config, h = this.view.history, s = this.summary();
    this.epochText.textContent = String(s.epoch).padStart(6, "0").replace(/(\d{3})$/, ",$1");
    const regression = isRegression(cfg);
    const ctx = this.outputCtx;
    heatmap.paint(ctx, output, DENSITY, OUTPUT_SIZE, regression ? (v) => v : (v) => 2 * v - 1);
    ctx.drawImage(this.points, 0, 0, OUTPUT_SIZE, OUTPUT_SIZE);
    const rows = [["train loss", fmt(s.trainLoss)], ["test loss", fmt(s.testLoss)]];
    if (!regression) rows.push(["train accuracy", fmt(s.trainAccuracy, 2)], ["test accuracy", fmt(s.testAccuracy, 2)]);
    this.showNumbers(rows);
    const message = s.diverged ? "Training diverged: the loss overflowed. Try a smaller learning rate." : "";
    if (this.message.textContent !== message) this.message.textContent = message;
    heatmap.lossCurve(this.curveCtx, OUTPUT_SIZE, 80, h.train_loss, h.test_loss);
  }

  /** The numbers as a list of [name, value] rows; when the names are those shown, only the values that changed are written. */
  showNumbers(rows) {
    const key = rows.map(([k]) => k).join();
    if (key !== this.numbersKey) {
      this.numbersKey = key;
      this.numbers.textContent = "";
      for (const [k, v] of rows) this.numbers.append(el("dt", {}, k), el("dd", {}, v));
      return;
    }
    const values = this.numbers.querySelectorAll("dd");
    rows.forEach(([, v], i) => { if (values[i].textContent !== v) values[i].textContent = v; });
  }

  /** Every unit's heatmap and every link's colour and width, from the network part of a snapshot:
   *  params, the flat weights, and units, per layer every unit's values on the UNIT_DENSITY grid. */
  renderNetwork({ params, units }) {
    const regression = isRegression(this.config), n = UNIT_DENSITY * UNIT_DENSITY, last = this.unitCanvases.length - 1;
    this.view.weights = params;
    this.lastNetwork = { params, units };
    this.unitCanvases.forEach((ctxs, l) => ctxs.forEach((uctx, j) => {
      const values = units[l].subarray(j * n, (j + 1) * n);
      let m = 0;
      for (const v of values) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
      const scale = m || 1;        // each unit on its own scale, as in TensorFlow Playground
      heatmap.paint(uctx, values, UNIT_DENSITY, this.unitSize, l === last && !regression ? (v) => 2 * v - 1 : (v) => v / scale);
    }));
    let wmax = 0;
    for (const { index } of this.links) wmax = Math.max(wmax, Math.abs(params[index]) || 0);
    // Only what changed is written, and widths go in quarter pixels: a large network has some 1400
    // links, and each link whose look changes costs the browser the work of restyling it.
    for (const link of this.links) {
      const w = params[link.index];
      const stroke = w >= 0 ? "#d55e00" : "#0072b2", text = `weight ${fmt(w, 4)}`;
      const width = String(0.5 + Math.round(16 * Math.min(1, Math.abs(w) / (wmax || 1))) / 4);   // 0.5 to 4.5 px
      if (stroke !== link.stroke) link.path.setAttribute("stroke", link.stroke = stroke);
      if (width !== link.width) link.path.setAttribute("stroke-width", link.width = width);
      if (text !== link.text) link.title.textContent = link.text = text;
    }
  }

  async reproduce() {
    const run = await this.exportRun();
    const blob = new Blob([JSON.stringify(run)], { type: "application/json" });
    const a = el("a", { href: URL.createObjectURL(blob), download: "playground-run.json" });
    document.body.append(a);
    a.click();
    a.remove();
    this.snippet.hidden = false;
    this.snippet.textContent = `# playground-run.json: ${run.epochs} epochs of this setting\nfrom lecture_code import playground\nhistory = playground.replay("playground-run.json")\nprint(history.train_loss[-1], history.val_loss[-1])   # the browser's numbers`;
  }
}

function loadStyle() {
  if (document.querySelector("link[data-nnp]")) return;
  document.head.append(el("link", { rel: "stylesheet", href: new URL("./playground.css", import.meta.url).href, "data-nnp": "" }));
}

export function mount(root, options) {
  return new Playground(root, options);
}

if (typeof document !== "undefined") {
  loadStyle();
  const roots = document.querySelectorAll(".nn-playground");
  roots.forEach((root, i) => {
    const first = i === 0, { changes, showTest } = first ? fromQuery(location.search) : { changes: {}, showTest: true };
    try {     // the starting knobs the page was built with (playground.site_html), then the address's
      const initial = JSON.parse(root.dataset.config || "{}");
      for (const [k, v] of Object.entries(initial)) if (!(k in changes) && k in DEFAULTS) changes[k] = v;
      normalise(changes);
    } catch (e) {
      console.warn(`playground: ignoring the page's starting knobs: ${e.message}`);
    }
    const p = mount(root, { changes, showTest, syncURL: first });
    if (first) {
      window.nnPlayground = {
        set: (changes) => p.set(changes),
        step: (n = 1) => p.step(n),
        exportRun: () => p.exportRun(),
        summary: () => p.summary(),
        play: () => p.play(),
        pause: () => p.pause(),
        reset: () => p.restart(p.configChanges()),
        config: () => ({ ...p.config, show_test: p.showTest }),
        trainedIn: () => p.where,
      };
    }
  });
}
