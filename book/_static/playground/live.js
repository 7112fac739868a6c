// A run trained a little at a time while the page shows it learning.
//
// The page (playground.js) does not train: it sends a LiveRun messages and
// paints the snapshots the LiveRun sends back. The LiveRun normally lives in
// a Web Worker (worker.js), a second thread, so that training never holds up
// the page: the buttons answer at once and the pictures move smoothly. Where a
// browser cannot start a worker, the page holds the LiveRun itself and the
// same messages go through a MessageChannel. No DOM here.
//
// Every message carries gen, the number of the run it is about: the page
// counts its runs, and a message about an earlier run is ignored on both
// sides. From the page:
//   {type: "start", gen, config, id}  a new run of this configuration, at epoch 0
//   {type: "play", gen}           train until the last epoch (or a divergence)
//   {type: "pause", gen, id}      stop training
//   {type: "step", gen, n, id}    train n epochs at once
//   {type: "ready", gen}          the page has painted the last snapshot
//   {type: "export", gen, id}     the run, for lecture_code.playground.replay
// To the page (id: that of the request a snapshot answers, or null):
//   {type: "snapshot", gen, id, where, summary, history, output, network, data}
//   {type: "exported", gen, id, run}
//   {type: "failed", gen, id, message}
//
// While playing, a LiveRun trains in slices of about SLICE_MS, a minibatch at
// a time, and returns to its message queue in between, so a change of a
// control reaches it within a slice. It sends a snapshot only when the page has painted the previous one
// (the page says "ready"), so snapshots never pile up and none is computed
// for nothing: at most one per frame the page draws.

import { Run } from "./run.js";
import { features } from "./dataset.js";
import { grid } from "./heatmap.js";

/** The output heatmap is evaluated on DENSITY x DENSITY points, each unit's on UNIT_DENSITY x UNIT_DENSITY. */
export const DENSITY = 50, UNIT_DENSITY = 20;
/** How long one slice of training lasts before the LiveRun looks at its messages again. */
const SLICE_MS = 5;
/** While playing, the network's pictures (weights, unit heatmaps) are sent at most every NETWORK_EVERY_MS. */
const NETWORK_EVERY_MS = 100;

/** The messages after "start", each handled by the method of its name. */
const MESSAGES = ["play", "pause", "step", "ready", "export"];

/** Where this code runs: "worker" in a Web Worker, "page" on the page's own thread. */
const WHERE = typeof WorkerGlobalScope !== "undefined" && globalThis instanceof WorkerGlobalScope ? "worker" : "page";

/** Column j of the rows x width matrix A (row-major), for every j: width x rows, as float32. */
function byUnit(A, rows, width) {
  const out = new Float32Array(rows * width);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < width; j++) out[j * rows + i] = A[i * width + j];
  }
  return out;
}

export class LiveRun {
  /**
   * post(message, transfer): sends a message to the page; later(f): runs f
   * soon, after the messages already waiting; now(): a clock in milliseconds.
   */
  constructor(post, later, now = () => performance.now()) {
    this.post = post;
    this.later = later;
    this.now = now;
    this.gen = -1;
    this.run = null;
    this.playing = false;
    this.painted = false;      // has the page painted the last snapshot?
    this.scheduled = false;    // is a slice of training waiting to run?
    this.sentAt = this.sendMs = this.networkSent = 0;   // when the last snapshot was sent, how long it took
  }

  /** Handle one message from the page. */
  receive(message) {
    this.safely(message.id ?? null, () => {
      if (message.type === "start") this.start(message);
      else if (!MESSAGES.includes(message.type)) throw new Error(`unknown message ${JSON.stringify(message.type)}`);
      else if (message.gen === this.gen) this[message.type](message);   // else: about an earlier run
    });
  }

  /** Run f; a failure stops playing and is sent to the page (with the id of the request it answers), never thrown. */
  safely(id, f) {
    try {
      f();
    } catch (e) {
      this.playing = false;
      this.post({ type: "failed", gen: this.gen, id, message: e.message });
    }
  }

  start({ gen, config, id = null }) {
    this.run = new Run(config);
    this.gen = gen;
    this.playing = false;
    this.painted = false;
    this.sent = 0;             // epochs of the history the page already has
    const names = this.run.config.features;
    this.outputInputs = features(grid(DENSITY), names);
    this.unitInputs = features(grid(UNIT_DENSITY), names);
    this.send({ id, data: this.run.data, network: true });
  }

  play() {
    if (this.finished()) { this.send({ network: true }); return; }
    this.playing = true;
    this.schedule();
  }

  pause({ id = null }) {
    this.playing = false;
    this.wholeEpochs();
    this.send({ id, network: true });
  }

  step({ n, id }) {
    this.wholeEpochs();
    this.run.step(n);
    if (this.finished()) this.playing = false;
    this.send({ id, network: true });
  }

  ready() {
    this.painted = true;
  }

  export({ id }) {
    this.wholeEpochs();
    this.post({ type: "exported", gen: this.gen, id, run: this.run.exportRun() });
  }

  /** Has the run reached its last epoch, or diverged? */
  finished() {
    return this.run.diverged || this.run.epoch >= this.run.config.epochs;
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    this.later(() => this.safely(null, () => this.slice()));
  }

  /**
   * One slice of training, a minibatch at a time (an epoch of the largest setting takes longer than a
   * frame), for SLICE_MS; then a snapshot if the page is ready for one and the LiveRun has trained at
   * least as long as the last snapshot took to make, so that training keeps at least half the time.
   */
  slice() {
    this.scheduled = false;
    if (!this.playing) return;
    const trainer = this.run.trainer, start = this.now();
    do trainer.batchStep();
    while (!this.finished() && this.now() - start < SLICE_MS);
    if (this.finished()) this.playing = false;
    if (!this.playing) this.send({ network: true });
    else if (this.painted && this.now() - this.sentAt >= this.sendMs) {
      this.send({ network: this.now() - this.networkSent >= NETWORK_EVERY_MS });
    }
    if (this.playing) this.schedule();
  }

  /** Train to the end of the epoch under way, if a slice stopped in the middle of one. */
  wholeEpochs() {
    if (this.run.trainer.current !== null) this.run.trainer.epochStep();
  }

  /** The run's state for the page: the numbers, the new part of the history, and the output over the plane;
   *  with network, the weights and every unit's heatmap; with data, the points (once per run). */
  send({ id = null, data = null, network = false } = {}) {
    const began = this.now(), h = this.run.trainer.history, from = this.sent;
    this.sent = h.train_loss.length;
    const output = this.outputGrid(), transfer = [output.buffer];
    const snapshot = {
      type: "snapshot", gen: this.gen, id, where: WHERE, summary: this.run.summary(), output, data,
      history: { from, train_loss: h.train_loss.slice(from), test_loss: h.test_loss.slice(from) },
      network: null,
    };
    if (network) {
      snapshot.network = this.networkPictures();
      transfer.push(snapshot.network.params.buffer, ...snapshot.network.units.map((u) => u.buffer));
      this.networkSent = this.now();
    }
    this.painted = false;
    this.post(snapshot, transfer);
    this.sentAt = this.now();
    this.sendMs = this.sentAt - began;
  }

  /** The network's output at the DENSITY x DENSITY points of the output heatmap. */
  outputGrid() {
    const n = DENSITY * DENSITY;
    return Float32Array.from(this.run.model.forward(this.outputInputs, n, false));
  }

  /** A copy of the weights, and per layer (the inputs first, the output last) every unit's values on the
   *  UNIT_DENSITY grid, unit after unit. */
  networkPictures() {
    const model = this.run.model, n = UNIT_DENSITY * UNIT_DENSITY;
    model.forward(this.unitInputs, n, false);
    const units = [byUnit(this.unitInputs, n, model.sizes[0]), ...model.layers.map((layer) => byUnit(layer.A, n, layer.dOut))];
    return { params: Float64Array.from(model.flatParams), units };
  }
}
