// The LiveRun (book/_static/playground/live.js), the part of the browser
// playground that trains in slices and sends the page snapshots, driven here
// by hand: its messages in, its snapshots out, with a clock and a queue of
// its own instead of a Web Worker. Run by tests/test_playground_engine.py
// (`node --test`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { LiveRun, DENSITY, UNIT_DENSITY } from "../../book/_static/playground/live.js";
import { Run, normalise, sizes } from "../../book/_static/playground/run.js";

/** A LiveRun with its outbox, its queue of later work (run by drain) and a clock that moves 1 ms per reading. */
function harness() {
  const sent = [], queue = [];
  let clock = 0;
  const live = new LiveRun((message) => sent.push(message), (f) => queue.push(f), () => (clock += 1));
  const drain = (limit = 100000) => { for (let i = 0; i < limit && queue.length; i++) queue.shift()(); };
  return { live, sent, queue, drain, snapshots: () => sent.filter((m) => m.type === "snapshot") };
}

const SMALL = normalise({ points: 60, hidden_layers: 2, units: 3, epochs: 40, batch_size: 10, dropout: 0.2 });

test("a start sends the first snapshot: the points, the output grid and the network's pictures", () => {
  const { live, sent } = harness();
  live.receive({ type: "start", gen: 1, config: SMALL, id: 6 });
  assert.equal(sent.length, 1);
  const [s] = sent;
  assert.equal(s.type, "snapshot");
  assert.equal(s.gen, 1);
  assert.equal(s.id, 6);
  assert.equal(s.where, "page");
  assert.equal(s.summary.epoch, 0);
  assert.equal(s.data.X_train.length + s.data.X_test.length, 60);
  assert.ok(s.output instanceof Float32Array && s.output.length === DENSITY * DENSITY);
  const layers = sizes(SMALL);
  assert.deepEqual(s.network.units.map((u) => u.length), layers.map((w) => w * UNIT_DENSITY * UNIT_DENSITY));
  assert.equal(s.network.params.length, new Run(SMALL).model.flatParams.length);
});

test("step trains that many epochs and answers with the history so far, in pieces that fit together", () => {
  const { live, sent } = harness();
  live.receive({ type: "start", gen: 1, config: SMALL });
  live.receive({ type: "step", gen: 1, n: 3, id: 7 });
  live.receive({ type: "step", gen: 1, n: 2, id: 8 });
  const [, a, b] = sent;
  assert.deepEqual([a.id, a.summary.epoch, a.history.from, a.history.train_loss.length], [7, 3, 0, 3]);
  assert.deepEqual([b.id, b.summary.epoch, b.history.from, b.history.train_loss.length], [8, 5, 3, 2]);
  const reference = new Run(SMALL);
  reference.step(5);
  assert.deepEqual([...a.history.train_loss, ...b.history.train_loss], reference.trainer.history.train_loss);
  assert.deepEqual(b.summary, reference.summary());
});

test("messages about an earlier run are ignored", () => {
  const { live, sent } = harness();
  live.receive({ type: "start", gen: 1, config: SMALL });
  live.receive({ type: "start", gen: 2, config: { ...SMALL, lr: 0.1 } });
  live.receive({ type: "step", gen: 1, n: 5, id: 1 });
  live.receive({ type: "export", gen: 1, id: 2 });
  assert.deepEqual(sent.map((m) => [m.type, m.gen, m.summary?.epoch]), [["snapshot", 1, 0], ["snapshot", 2, 0]]);
});

test("while playing it sends a snapshot only after the page has painted the last one", () => {
  const { live, drain, queue, snapshots } = harness();
  live.receive({ type: "start", gen: 1, config: { ...SMALL, epochs: 1000 } });
  live.receive({ type: "play", gen: 1 });
  for (let i = 0; i < 20; i++) queue.shift()();          // twenty slices, and the page never said ready
  assert.equal(snapshots().length, 1);
  live.receive({ type: "ready", gen: 1 });
  queue.shift()();
  assert.equal(snapshots().length, 2);
  const epoch = snapshots()[1].summary.epoch;
  assert.ok(epoch > 20, `trained ${epoch} epochs in 21 slices`);
  queue.shift()();
  assert.equal(snapshots().length, 2, "one snapshot per ready");
  live.receive({ type: "pause", gen: 1, id: 3 });
  drain();
  assert.equal(queue.length, 0, "paused: no more slices");
  assert.ok(snapshots()[2].network !== null && snapshots()[2].id === 3, "the pause is answered with the whole picture");
});

test("played to the last epoch, a LiveRun has trained exactly as Run.step, and stops by itself", () => {
  const { live, sent, drain, snapshots } = harness();
  live.receive({ type: "start", gen: 3, config: SMALL });
  live.receive({ type: "play", gen: 3 });
  drain();
  const last = snapshots().at(-1);
  assert.equal(last.summary.epoch, SMALL.epochs);
  assert.ok(last.network !== null);
  live.receive({ type: "export", gen: 3, id: 9 });
  const exported = sent.at(-1);
  assert.equal(exported.type, "exported");
  assert.equal(exported.id, 9);
  const reference = new Run(SMALL);
  reference.step(SMALL.epochs);
  assert.deepEqual(JSON.parse(JSON.stringify(exported.run)), JSON.parse(JSON.stringify(reference.exportRun())));
  live.receive({ type: "play", gen: 3 });
  drain();
  assert.equal(snapshots().at(-1).summary.epoch, SMALL.epochs, "play at the last epoch trains no further");
});

test("slices stop in the middle of a long epoch; a pause finishes it, so the export replays", () => {
  const { live, sent, queue, snapshots } = harness();
  const config = { ...SMALL, batch_size: 1 };        // 45 minibatches an epoch, a slice takes about 4
  live.receive({ type: "start", gen: 1, config });
  live.receive({ type: "play", gen: 1 });
  queue.shift()();
  assert.equal(live.run.epoch, 0);
  assert.notEqual(live.run.trainer.current, null, "a slice ended inside the first epoch");
  for (let i = 0; i < 30; i++) queue.shift()();
  live.receive({ type: "pause", gen: 1, id: 1 });
  const paused = snapshots().at(-1);
  assert.equal(live.run.trainer.current, null);
  live.receive({ type: "export", gen: 1, id: 2 });
  const { run } = sent.at(-1);
  assert.ok(run.epochs >= 2, `${run.epochs} epochs`);
  assert.equal(paused.summary.epoch, run.epochs);
  assert.equal(run.orders.length, run.epochs);
  const reference = new Run(config);
  reference.step(run.epochs);
  assert.deepEqual(JSON.parse(JSON.stringify(run)), JSON.parse(JSON.stringify(reference.exportRun())));
});

test("a diverging run stops playing and says so", () => {
  const { live, drain, snapshots } = harness();
  live.receive({ type: "start", gen: 1, config: normalise({ dataset: "regression", optimizer: "sgd", lr: 10, epochs: 300 }) });
  live.receive({ type: "play", gen: 1 });
  drain();
  assert.equal(snapshots().at(-1).summary.diverged, true);
});

test("a failure is sent back with the request's id, not thrown", () => {
  const { live, sent } = harness();
  live.receive({ type: "start", gen: 1, config: SMALL });
  live.receive({ type: "step", gen: 1, n: -1, id: 4 });
  live.receive({ type: "train", gen: 1, id: 5 });
  assert.deepEqual(sent.slice(1).map((m) => [m.type, m.id]), [["failed", 4], ["failed", 5]]);
  assert.match(sent[1].message, /n \(epochs to train\) must be an integer >= 0, got -1/);
  assert.match(sent[2].message, /unknown message "train"/);
});
