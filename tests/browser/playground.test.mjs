// Chapter 8's browser playground on the built site, in headless Chromium.
// Run by scripts/site_test.sh (after site.test.mjs, which checks every page).
//
// - the page loads with no console error, no exception, no failed request
//   and no request outside the site;
// - the playground has more than 14 controls, each with a label (an
//   accessible name), and axe-core finds no serious or critical violation in it;
// - Play advances the epoch counter; Step trains one epoch;
// - operating each control from the keyboard changes the knobs, the training
//   or the picture;
// - at 1280x900 the data, features, network and output sit side by side in that
//   order under the top bar, clear of the navigation; at 390x844 they stack;
//   the page never scrolls sideways, and axe stays clean at both widths (and
//   in the dark theme);
// - a URL with a state restores it (knobs and controls);
// - window.nnPlayground's step(n) and exportRun() work, and
//   lecture_code.playground.replay of exported runs (minibatches, dropout,
//   features, every optimizer, a run paused while playing) gives the
//   browser's losses to 1e-10;
// - the training runs in a Web Worker (the snapshots say where they were
//   made), and a change of a control while playing the largest setting shows
//   the new run at epoch 0 within a bounded number of frames;
// - a snapshot of a run made before a set() is never shown, even when every
//   message of the worker is painted in a frame of its own;
// - without Worker, and with a worker that fails to load, the page trains by
//   itself: Play advances and its runs replay the same.
// Exit status 0 only if every check passes.

import { spawnSync } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { SITE, serve, launch, siteContext, watchErrors, axeViolations } from "./support.mjs";

const PAGE = "book/08_playground.html";
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); return ok; };

const server = await serve(SITE);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();
const { context, outside } = await siteContext(browser, origin, { acceptDownloads: true });

/** The playground page (init: a function run in the page before its scripts). */
async function open(query = "", init = null) {
  const page = await context.newPage();
  const errors = watchErrors(page);
  if (init) await page.addInitScript(init);
  await page.goto(`${origin}/${PAGE}${query}`, { waitUntil: "load" });
  await page.waitForFunction(() => window.nnPlayground !== undefined, null, { timeout: 30000 });
  return { page, errors };
}

// What a change may change: the knobs, the epoch, the numbers and the pixels of every canvas.
// Installed in every page, so that a test can wait until it differs.
await context.addInitScript(() => { window.nnpState = () => {
  const root = document.querySelector(".nn-playground");
  let hash = 0;
  for (const c of root.querySelectorAll("canvas")) {
    const url = c.toDataURL();
    for (let i = 0; i < url.length; i += 7) hash = (hash * 31 + url.charCodeAt(i)) | 0;
  }
  return JSON.stringify([window.nnPlayground.config(), root.querySelector(".nnp-epoch").textContent,
    root.querySelector(".nnp-numbers").textContent, root.querySelector(".nnp-snippet").hidden, hash,
    root.querySelector(".nnp-message").textContent,
    root.querySelector(".nnp-net").children.length]);
}; });
const snapshot = (page) => page.evaluate(() => window.nnpState());
/** Wait (up to 5 s) until the page's state differs from before; false if it never does. */
const changedFrom = (page, before) => page.waitForFunction((b) => window.nnpState() !== b, before, { timeout: 5000, polling: 50 })
  .then(() => true, () => false);

const { page, errors } = await open();

// Labelled controls.
const controls = await page.evaluate(() => {
  const root = document.querySelector(".nn-playground");
  return [...root.querySelectorAll("input, select, button")].map((el, i) => {
    el.dataset.testIndex = String(i);
    const name = el.labels?.length ? [...el.labels].map((l) => l.textContent.trim()).join(" ")
      : el.getAttribute("aria-label") || el.textContent.trim();
    return { i, tag: el.tagName.toLowerCase(), type: el.type, name };
  });
});
check(controls.length > 14, `only ${controls.length} controls (more than 14 expected)`);
for (const c of controls) check(c.name.length > 0, `control ${c.i} (${c.tag} ${c.type}) has no label`);

// Play advances the epoch counter.
await page.evaluate(() => window.nnPlayground.reset());
await page.getByRole("button", { name: "Play" }).click();
await page.waitForFunction(() => window.nnPlayground.summary().epoch > 0, null, { timeout: 10000 }).catch(() => {});
await page.waitForTimeout(500);
const playing = await page.evaluate(() => Number(document.querySelector(".nnp-epoch").textContent.replace(/\D/g, "")));
check(playing > 0, `Play did not advance the epoch counter (${playing})`);
await page.evaluate(() => window.nnPlayground.pause());

// Every control, operated from the keyboard from the starting setting, changes something.
const start = await page.evaluate(() => window.nnPlayground.config());
for (const c of controls) {
  await page.evaluate(async (start) => {
    await window.nnPlayground.set(start);
    await window.nnPlayground.step(3);
    const root = document.querySelector(".nn-playground");
    [...root.querySelectorAll("input, select, button")].forEach((el, i) => { el.dataset.testIndex = String(i); });
  }, start);
  const el = page.locator(`[data-test-index="${c.i}"]`);
  if (process.env.NNP_DEBUG) console.log("control", c.i, c.name, await el.count());
  if (!(await el.count())) { check(false, `control ${c.name} vanished`); continue; }
  const before = await snapshot(page);
  await el.focus();
  if (c.tag === "select") {
    await page.keyboard.press((await el.evaluate((s) => s.selectedIndex === s.options.length - 1)) ? "ArrowUp" : "ArrowDown");
  } else if (c.type === "range") {
    await page.keyboard.press((await el.evaluate((r) => Number(r.value) >= Number(r.max))) ? "ArrowLeft" : "ArrowRight");
  } else if (c.type === "number") {
    await page.keyboard.press((await el.evaluate((r) => Number(r.value) >= Number(r.max))) ? "ArrowDown" : "ArrowUp");
  } else {
    await page.keyboard.press(" ");
  }
  check(await changedFrom(page, before), `operating "${c.name}" (${c.tag} ${c.type}) from the keyboard changed nothing`);
}
await page.evaluate(() => window.nnPlayground.pause());

// The interface: step(n) and exportRun().
const summary = await page.evaluate(async () => { await window.nnPlayground.reset(); return window.nnPlayground.step(5); });
check(summary.epoch === 5 && Number.isFinite(summary.trainLoss) && Number.isFinite(summary.testLoss)
  && summary.trainAccuracy !== undefined && summary.testAccuracy !== undefined, `step(5) returned ${JSON.stringify(summary)}`);

// A setting that diverges shows a plain message; a wrong knob is refused by name.
const extreme = await page.evaluate(async () => {
  await window.nnPlayground.set({ dataset: "regression", optimizer: "sgd", lr: 10 });
  const s = await window.nnPlayground.step(300);
  let refused = "";
  try { await window.nnPlayground.set({ learning_rate: 1 }); } catch (e) { refused = e.message; }
  return { s, message: document.querySelector(".nnp-message").textContent, refused };
});
check(extreme.s.diverged && /diverged/.test(extreme.message), `lr 10 with SGD on the regression set: ${JSON.stringify(extreme)}`);
check(/learning_rate/.test(extreme.refused), `set({learning_rate}) was not refused by name: ${extreme.refused}`);
await page.evaluate(async (start) => { await window.nnPlayground.set(start); }, start);

// axe-core inside the playground.
const violations = (await axeViolations(page, ".nn-playground")).filter((v) => ["serious", "critical"].includes(v.impact));
for (const v of violations) check(false, `axe ${v.impact} ${v.id} (${v.help}): ${v.nodes.join("; ")}`);

// The layout. At 1280x900 the four regions sit side by side in the order data, features, network,
// output (no overlap, tops level), the top bar above them, the playground clear of the navigation on
// the left and of the window's right edge; at 390x844 (a phone) each region is below the one before.
// With six hidden layers, at both, the drawing of the network is fitted into its column.
// At both, the page does not scroll sideways and axe finds nothing serious inside the playground.
const REGIONS = [".nnp-data", ".nnp-feature-col", ".nnp-network", ".nnp-output"];
const layoutErrors = [];
async function layoutAt(width, height, colorScheme = "light", query = "") {
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme });      // the theme follows it: dark, the playground stays white
  layoutErrors.push(watchErrors(page));
  await page.setViewportSize({ width, height });
  await page.goto(`${origin}/${PAGE}${query}`, { waitUntil: "load" });
  await page.waitForFunction(() => window.nnPlayground !== undefined, null, { timeout: 30000 });
  await page.evaluate(() => window.nnPlayground.step(5));
  await page.locator(".nn-playground").scrollIntoViewIfNeeded();
  const at = await page.evaluate((regions) => {
    const box = (e) => { const b = e.getBoundingClientRect(); return { left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: b.width }; };
    const root = document.querySelector(".nn-playground"), nav = document.querySelector(".bd-sidebar-primary");
    const navBox = nav ? box(nav) : null;
    return { regions: regions.map((s) => { const e = root.querySelector(s); return e ? { s, ...box(e) } : { s, missing: true }; }),
      top: box(root.querySelector(".nnp-top")), root: box(root), scrollWidth: document.documentElement.scrollWidth, innerWidth,
      drawing: box(root.querySelector(".nnp-net")), layers: window.nnPlayground.config().hidden_layers,
      // the navigation counts where it is on the screen (below 992 px it is a drawer, off to the left)
      nav: navBox && navBox.width > 0 && navBox.right > 0 && getComputedStyle(nav).visibility !== "hidden" ? navBox : null };
  }, REGIONS);
  const where = `at ${width}x${height}${colorScheme === "dark" ? ", dark theme" : ""}${query ? ", " + query : ""}`;
  const r = at.regions;
  for (const x of r) check(!x.missing, `${where}: no ${x.s} in the playground`);
  check(at.scrollWidth <= at.innerWidth, `${where}: the page scrolls sideways (scrollWidth ${at.scrollWidth} > ${at.innerWidth})`);
  check(at.root.left >= 0 && at.root.right <= at.innerWidth, `${where}: the playground (${at.root.left}..${at.root.right}) is not inside the window`);
  if (at.nav) check(at.root.left >= at.nav.right, `${where}: the playground (left ${at.root.left}) overlaps the navigation (right ${at.nav.right})`);
  if (r.every((x) => !x.missing)) {
    const line = r.map((x) => `${x.s} ${Math.round(x.left)},${Math.round(x.top)} to ${Math.round(x.right)},${Math.round(x.bottom)}`).join("; ");
    for (let i = 1; i < r.length; i++) {
      const a = r[i - 1], b = r[i];
      if (width >= 1200) {
        check(b.left >= a.right && Math.abs(b.top - a.top) <= 8, `${where}: ${b.s} is not right of ${a.s}, level with it: ${line}`);
      } else {
        check(b.top >= a.bottom, `${where}: ${b.s} is not below ${a.s}: ${line}`);
      }
    }
    const net = r[2];
    if (width >= 1200 || width < 600) check(at.drawing.left >= net.left - 1 && at.drawing.right <= Math.min(net.right, at.root.right) + 1,
      `${where}: the network's drawing (${Math.round(at.drawing.left)}..${Math.round(at.drawing.right)}, ${at.layers} hidden layers) does not fit its column (${Math.round(net.left)}..${Math.round(net.right)}) in the playground (..${Math.round(at.root.right)})`);
    if (width >= 1200) check(r.every((x) => x.top >= at.top.bottom && x.left >= at.top.left && x.right <= at.top.right),
      `${where}: the top bar (${Math.round(at.top.left)}..${Math.round(at.top.right)}, bottom ${Math.round(at.top.bottom)}) is not across the top of the columns: ${line}`);
  }
  const bad = (await axeViolations(page, ".nn-playground")).filter((v) => ["serious", "critical"].includes(v.impact));
  for (const v of bad) check(false, `${where}: axe ${v.impact} ${v.id} (${v.help}): ${v.nodes.join("; ")}`);
  if (process.env.NNP_SCREENSHOTS) await page.screenshot({ path: `${process.env.NNP_SCREENSHOTS}/playground-${width}-${colorScheme}.png` });
  await page.close();
}
await layoutAt(1280, 900);
await layoutAt(390, 844);
await layoutAt(1280, 900, "dark");
await layoutAt(1280, 900, "light", "?hidden_layers=6");
await layoutAt(390, 844, "light", "?hidden_layers=6");

// A URL with a state restores it.
const state = "?dataset=spiral&hidden_layers=3&units=4,5,6&activation=tanh&lr=0.03&batch_size=10&features=x1,x2,sinx1&penalty=l2&lam=0.001&dropout=0.1&show_test=0";
const restored = await open(state);
const cfg = await restored.page.evaluate(() => window.nnPlayground.config());
const want = { dataset: "spiral", hidden_layers: 3, units: [4, 5, 6], activation: "tanh", lr: 0.03, batch_size: 10,
  features: ["x1", "x2", "sinx1"], penalty: "l2", lam: 0.001, dropout: 0.1, show_test: false };
for (const [k, v] of Object.entries(want)) {
  check(JSON.stringify(k === "units" ? cfg.units.slice(0, 3) : cfg[k]) === JSON.stringify(v), `URL state: ${k} is ${JSON.stringify(cfg[k])}, expected ${JSON.stringify(v)}`);
}
const shown = await restored.page.evaluate(() => {
  const r = document.querySelector(".nn-playground");
  return { units: [...r.querySelectorAll(".nnp-units input")].map((i) => Number(i.value)),
    sinx1: r.querySelectorAll(".nnp-features input")[5].checked, testShown: r.querySelectorAll(".nnp-output input[type=checkbox]")[0].checked };
});
check(JSON.stringify(shown) === JSON.stringify({ units: [4, 5, 6], sinx1: true, testShown: false }), `URL state not shown by the controls: ${JSON.stringify(shown)}`);
const url = await restored.page.evaluate(async () => { await window.nnPlayground.set({ noise: 0.2 }); return location.search; });
check(url.includes("noise=0.2") && url.includes("dataset=spiral"), `the address does not follow the knobs: ${url}`);

// Exported runs replay in numpy with the same losses.
const settings = [
  [{}, 300],
  [{ dataset: "xor", hidden_layers: 1, units: 3, activation: "sigmoid", optimizer: "momentum", lr: 0.3, batch_size: 10 }, 40],
  [{ dataset: "regression", hidden_layers: 2, units: [6, 3], activation: "elu", optimizer: "rmsprop", dropout: 0.2, batch_size: 20, features: ["x1", "x2", "x1x2"] }, 40],
  [{ dataset: "circles", hidden_layers: 0, loss: "mse", optimizer: "sgd", lr: 1, penalty: "l1", lam: 0.001, features: ["x1sq", "x2sq"] }, 60],
  [{ dataset: "blobs", hidden_layers: 6, units: 2, activation: "linear", optimizer: "adam", penalty: "l2", lam: 0.01, dropout: 0.3 }, 30],
];
/** In the page: the exported runs of settings ([changes, epochs], from the page's starting knobs), and
 *  one more, paused while playing (in the middle of an epoch, the LiveRun finishes it first). */
const exportRuns = (page, settings) => page.evaluate(async (settings) => {
  const p = window.nnPlayground, { show_test, ...start } = p.config();     // the page's starting knobs
  const runs = [];
  for (const [changes, epochs] of settings) {
    await p.set({ ...start, ...changes });
    await p.step(epochs);
    runs.push(await p.exportRun());
  }
  await p.set({ ...start, dataset: "xor", hidden_layers: 2, units: 8, batch_size: 1, dropout: 0.2, epochs: 100000 });
  p.play();
  while (p.summary().epoch < 3) await new Promise((done) => setTimeout(done, 20));
  await p.pause();
  runs.push(await p.exportRun());
  return runs;
}, settings).catch((e) => { check(false, `exportRun over the settings failed: ${e.message}`); return []; });

const fresh = await open();
const runs = await exportRuns(fresh.page, settings);
check(await fresh.page.evaluate(() => window.nnPlayground.trainedIn()) === "worker",
  `the snapshots were not made in a Web Worker but in: ${await fresh.page.evaluate(() => window.nnPlayground.trainedIn())}`);

// A change of a control while playing the largest setting: the page shows the new run's epoch 0 (and
// nothing of the old run after the change) within a bounded number of frames.
const LARGEST = { points: 1000, test_fraction: 0.1, hidden_layers: 6, units: 16, batch_size: 10, dropout: 0.5,
  features: ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"], dataset: "spiral", epochs: 100000 };
const FRAMES = 60;
const change = await fresh.page.evaluate(async ({ LARGEST, FRAMES }) => {
  const p = window.nnPlayground, root = document.querySelector(".nn-playground"), epoch = root.querySelector(".nnp-epoch");
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  const lr = [...root.querySelectorAll("label")].find((l) => l.textContent === "learning rate").control;
  const results = [];
  for (const value of ["0.03", "0.1", "0.01"]) {
    await p.set(LARGEST);
    p.play();
    while (p.summary().epoch < 2) await frame();
    const shown = [];
    const watch = new MutationObserver(() => shown.push(epoch.textContent));
    watch.observe(epoch, { childList: true, characterData: true, subtree: true });
    lr.value = value;
    lr.dispatchEvent(new Event("change"));
    let frames = 0;
    while (!shown.includes("000,000") && frames < FRAMES) { await frame(); frames++; }
    for (let i = 0; i < 5; i++) await frame();      // anything that would still come
    watch.disconnect();
    results.push({ frames, shown, lr: p.config().lr, want: Number(value), pressed: root.querySelector("[aria-pressed]").getAttribute("aria-pressed") });
  }
  return results;
}, { LARGEST, FRAMES });
for (const r of change) {
  check(r.frames < FRAMES && r.shown.length > 0 && r.shown.every((t) => t === "000,000") && r.lr === r.want && r.pressed === "false",
    `changing the learning rate while playing the largest setting: ${JSON.stringify(r)}`);
}

// Snapshots of an earlier run never show, even when the page paints every message of the worker in a
// frame of its own (this page delivers them one per animation frame).
const slow = await open("", () => {
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      const queue = [];
      const deliver = () => { this.handler?.(queue.shift()); if (queue.length) requestAnimationFrame(deliver); };
      super.onmessage = (event) => { if (queue.push(event) === 1) requestAnimationFrame(deliver); };
    }
    set onmessage(f) { this.handler = f; }
    get onmessage() { return this.handler; }
  };
});
const stale = await slow.page.evaluate(async () => {
  const p = window.nnPlayground, epoch = document.querySelector(".nn-playground .nnp-epoch");
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  await p.set({});
  await p.step(10);
  const shown = [];                    // every epoch the page writes, and "set" where set() was called
  new MutationObserver(() => shown.push(epoch.textContent)).observe(epoch, { childList: true, characterData: true, subtree: true });
  const earlier = p.step(50);          // answered after the set below was sent: a snapshot of the earlier run
  shown.push("set");
  const changed = p.set({ lr: 0.03 });
  const [old] = await Promise.all([earlier, changed]);
  for (const lr of [0.1, 0.3, 0.01]) {  // and changes while playing, with snapshots on their way
    p.play();
    for (let i = 0; i < 6; i++) await frame();
    shown.push("set");
    await p.set({ lr });
  }
  for (let i = 0; i < 10; i++) await frame();
  return { old: old.epoch, shown, now: p.summary().epoch, where: p.trainedIn() };
});
const afterSet = stale.shown.flatMap((t, i) => (t === "set" ? [stale.shown[i + 1]] : []));
check(stale.old === 60 && stale.now === 0 && afterSet.length === 4 && afterSet.every((t) => t === "000,000") && stale.where === "worker",
  `a snapshot from before set() was shown (after each set the page must show 000,000 first): ${JSON.stringify(stale)}`);

// Without Worker (deleted before the page's scripts), and with a worker whose script fails to load,
// the page trains by itself: Play advances, and its runs replay in numpy as the worker's do.
const playsOnPage = async (page, what) => {
  await page.evaluate(() => window.nnPlayground.reset());
  await page.getByRole("button", { name: "Play" }).click();
  await page.waitForFunction(() => window.nnPlayground.summary().epoch > 0, null, { timeout: 10000 }).catch(() => {});
  await page.waitForTimeout(300);
  const shown = await page.evaluate(() => Number(document.querySelector(".nnp-epoch").textContent.replace(/\D/g, "")));
  await page.evaluate(() => window.nnPlayground.pause());
  const where = await page.evaluate(() => window.nnPlayground.trainedIn());
  check(shown > 0 && where === "page", `${what}: Play showed epoch ${shown}, snapshots made in ${where}`);
};
const noWorker = await open("", () => { delete window.Worker; });
await playsOnPage(noWorker.page, "without Worker");
const pageRuns = await exportRuns(noWorker.page, settings.slice(0, 3));
const broken = await context.newPage();
await broken.route("**/_static/playground/worker.js", (route) => route.fulfill({ status: 200, contentType: "text/javascript", body: "throw new Error('this worker does not start')" }));
await broken.goto(`${origin}/${PAGE}`, { waitUntil: "load" });
await broken.waitForFunction(() => window.nnPlayground !== undefined, null, { timeout: 30000 });
await playsOnPage(broken, "with a worker that fails to start");
const allRuns = runs.concat(pageRuns);

const dir = mkdtempSync(join(tmpdir(), "nn-playground-runs-"));
writeFileSync(join(dir, "runs.json"), JSON.stringify(allRuns));
const replay = spawnSync(process.env.PYTHON || "python", ["-c", `
import json, sys
import numpy as np
from lecture_code import playground
for run in json.load(open(sys.argv[1])):
    h = playground.replay(run)
    b = run["history"]
    assert run["epochs"] == h.epochs == len(b["train_loss"]) > 0
    np.testing.assert_allclose(h.train_loss, b["train_loss"], rtol=1e-10, atol=0)
    np.testing.assert_allclose(h.val_loss, b["test_loss"], rtol=1e-10, atol=0)
print("replayed", len(json.load(open(sys.argv[1]))))
`, join(dir, "runs.json")], { encoding: "utf8" });
check(replay.status === 0 && allRuns.length === settings.length + 5 && replay.stdout.includes(`replayed ${allRuns.length}`),
  `numpy replay of the browser's runs: ${allRuns.length} runs, ${replay.stdout}${replay.stderr}`);

for (const e of errors.concat(...layoutErrors, restored.errors, fresh.errors, slow.errors, noWorker.errors)) check(false, `${PAGE}: ${e}`);
for (const u of outside) check(false, `${PAGE} requested ${u}, outside the site`);

await browser.close();
server.close();
console.log(`playground: ${controls.length} labelled controls, ${allRuns.length} browser runs replayed in numpy`);
if (failures.length) {
  console.error(`${failures.length} playground check(s) failed:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log("playground: all checks passed");
