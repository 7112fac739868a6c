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
// - a URL with a state restores it (knobs and controls);
// - window.nnPlayground's step(n) and exportRun() work, and
//   lecture_code.playground.replay of exported runs (minibatches, dropout,
//   features, every optimizer) gives the browser's losses to 1e-10.
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

async function open(query = "") {
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${origin}/${PAGE}${query}`, { waitUntil: "load" });
  await page.waitForFunction(() => window.nnPlayground !== undefined, null, { timeout: 30000 });
  return { page, errors };
}

// What a change may change: the knobs, the epoch, the numbers and the pixels of every canvas.
const snapshot = (page) => page.evaluate(() => {
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
});

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
await page.waitForFunction(() => window.nnPlayground.step(0).epoch > 0, null, { timeout: 10000 }).catch(() => {});
await page.waitForTimeout(500);
const playing = await page.evaluate(() => Number(document.querySelector(".nnp-epoch").textContent.replace(/\D/g, "")));
check(playing > 0, `Play did not advance the epoch counter (${playing})`);
await page.evaluate(() => window.nnPlayground.pause());

// Every control, operated from the keyboard from the starting setting, changes something.
const start = await page.evaluate(() => window.nnPlayground.config());
for (const c of controls) {
  await page.evaluate((start) => {
    window.nnPlayground.set(start);
    window.nnPlayground.step(3);
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
  await page.waitForTimeout(c.name === "Play" ? 300 : 50);
  const after = await snapshot(page);
  check(after !== before, `operating "${c.name}" (${c.tag} ${c.type}) from the keyboard changed nothing`);
}
await page.evaluate(() => window.nnPlayground.pause());

// The interface: step(n) and exportRun().
const summary = await page.evaluate(() => { window.nnPlayground.set({ ...{} }); window.nnPlayground.reset(); return window.nnPlayground.step(5); });
check(summary.epoch === 5 && Number.isFinite(summary.trainLoss) && Number.isFinite(summary.testLoss)
  && summary.trainAccuracy !== undefined && summary.testAccuracy !== undefined, `step(5) returned ${JSON.stringify(summary)}`);

// A setting that diverges shows a plain message; a wrong knob is refused by name.
const extreme = await page.evaluate(() => {
  window.nnPlayground.set({ dataset: "regression", optimizer: "sgd", lr: 10 });
  const s = window.nnPlayground.step(300);
  let refused = "";
  try { window.nnPlayground.set({ learning_rate: 1 }); } catch (e) { refused = e.message; }
  return { s, message: document.querySelector(".nnp-message").textContent, refused };
});
check(extreme.s.diverged && /diverged/.test(extreme.message), `lr 10 with SGD on the regression set: ${JSON.stringify(extreme)}`);
check(/learning_rate/.test(extreme.refused), `set({learning_rate}) was not refused by name: ${extreme.refused}`);
await page.evaluate((start) => window.nnPlayground.set(start), start);

// axe-core inside the playground.
const violations = (await axeViolations(page, ".nn-playground")).filter((v) => ["serious", "critical"].includes(v.impact));
for (const v of violations) check(false, `axe ${v.impact} ${v.id} (${v.help}): ${v.nodes.join("; ")}`);

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
const url = await restored.page.evaluate(() => { window.nnPlayground.set({ noise: 0.2 }); return location.search; });
check(url.includes("noise=0.2") && url.includes("dataset=spiral"), `the address does not follow the knobs: ${url}`);

// Exported runs replay in numpy with the same losses.
const settings = [
  [{}, 300],
  [{ dataset: "xor", hidden_layers: 1, units: 3, activation: "sigmoid", optimizer: "momentum", lr: 0.3, batch_size: 10 }, 40],
  [{ dataset: "regression", hidden_layers: 2, units: [6, 3], activation: "elu", optimizer: "rmsprop", dropout: 0.2, batch_size: 20, features: ["x1", "x2", "x1x2"] }, 40],
  [{ dataset: "circles", hidden_layers: 0, loss: "mse", optimizer: "sgd", lr: 1, penalty: "l1", lam: 0.001, features: ["x1sq", "x2sq"] }, 60],
  [{ dataset: "blobs", hidden_layers: 6, units: 2, activation: "linear", optimizer: "adam", penalty: "l2", lam: 0.01, dropout: 0.3 }, 30],
];
const fresh = await open();
const runs = await fresh.page.evaluate((settings) => {
  const { show_test, ...start } = window.nnPlayground.config();     // the page's starting knobs
  return settings.map(([changes, epochs]) => {
    window.nnPlayground.set({ ...start, ...changes });
    window.nnPlayground.step(epochs);
    return window.nnPlayground.exportRun();
  });
}, settings).catch((e) => { check(false, `exportRun over the settings failed: ${e.message}`); return []; });
const dir = mkdtempSync(join(tmpdir(), "nn-playground-runs-"));
writeFileSync(join(dir, "runs.json"), JSON.stringify(runs));
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
check(replay.status === 0 && replay.stdout.includes(`replayed ${settings.length}`), `numpy replay of the browser's runs: ${replay.stdout}${replay.stderr}`);

for (const e of errors.concat(restored.errors, fresh.errors)) check(false, `${PAGE}: ${e}`);
for (const u of outside) check(false, `${PAGE} requested ${u}, outside the site`);

await browser.close();
server.close();
console.log(`playground: ${controls.length} labelled controls, ${settings.length} browser runs replayed in numpy`);
if (failures.length) {
  console.error(`${failures.length} playground check(s) failed:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log("playground: all checks passed");
