// Benchmark (not a test): how fast chapter 8's browser playground trains and
// draws in headless Chromium, against the numpy engine on the same machine.
//
//   bash scripts/site_assets.sh && jupyter-book build .   (or scripts/build.sh)
//   cd tests/browser && node playground.bench.mjs
//
// For the default setting and the largest one the page offers it prints the
// medians of:
// - step epochs/s: await step(n) (training, and one snapshot drawn at the end);
// - while playing for PLAY_MS: pictures/s (new pictures the page drew: the
//   frames per second a reader sees move), page frames/s (how often the page
//   could draw at all), epochs/s and epochs per picture, and the longest task
//   on the page's thread (Long Tasks API; 0 if none took over 50 ms);
// - control latency: while playing, the learning-rate select is changed as a
//   reader would; the time from when that change was due to when the page
//   shows the new run's epoch 0 (the next frame presents it);
// - for the default, the time from Play to epoch 300;
// then the numpy engine's epochs per second on exactly the same runs
// (lecture_code.playground.replay). The machine may be shared: the load
// average is printed with the figures. Works with the page's interface
// whether its calls return Promises or not (await takes both).

import { spawnSync } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir, loadavg } from "node:os";
import { SITE, serve, launch, siteContext } from "./support.mjs";

const SETTINGS = {
  default: {},
  largest: { points: 1000, test_fraction: 0.1, hidden_layers: 6, units: 16, batch_size: 10, dropout: 0.5,
    features: ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"], dataset: "spiral" },
};
const PLAY_MS = 3000, LATENCY_TRIALS = 7;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const server = await serve(SITE);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();
const { context } = await siteContext(browser, origin);
const page = await context.newPage();
await page.goto(`${origin}/book/08_playground.html`, { waitUntil: "load" });
await page.waitForFunction(() => window.nnPlayground !== undefined);
const start = await page.evaluate(() => { const { show_test, ...c } = window.nnPlayground.config(); return c; });
const where = await page.evaluate(async () => {
  await window.nnPlayground.step(0);
  return window.nnPlayground.trainedIn?.() ?? "page (no worker)";
});

const rows = [], runs = [];
for (const [name, changes] of Object.entries(SETTINGS)) {
  const epochs = name === "default" ? 300 : 20;
  const r = await page.evaluate(async ({ start, changes, epochs, PLAY_MS, LATENCY_TRIALS }) => {
    const p = window.nnPlayground, root = document.querySelector(".nn-playground");
    const epochText = root.querySelector(".nnp-epoch");
    const lr = [...root.querySelectorAll("label")].find((l) => l.textContent === "learning rate").control;
    const wait = (ms) => new Promise((done) => setTimeout(done, ms));
    const frame = () => new Promise((done) => requestAnimationFrame(done));
    // every time the page writes the epoch counter: one picture drawn
    let drawn = [];
    new MutationObserver(() => drawn.push([performance.now(), epochText.textContent]))
      .observe(epochText, { childList: true, characterData: true, subtree: true });

    const train = [];
    for (let k = 0; k < 5; k++) {
      await p.set({ ...start, ...changes });
      const t0 = performance.now();
      await p.step(epochs);
      train.push(performance.now() - t0);
    }
    const run = await p.exportRun();

    // playing
    await p.set({ ...start, ...changes, epochs: 100000 });
    let longest = 0;
    const longTasks = new PerformanceObserver((list) => { for (const e of list.getEntries()) longest = Math.max(longest, e.duration); });
    longTasks.observe({ type: "longtask" });
    const stamps = [];
    p.play();
    await wait(300);                                  // warm-up
    const e0 = p.summary().epoch, t0 = performance.now();
    drawn = [];
    while (performance.now() - t0 < PLAY_MS) stamps.push(await frame());
    const e1 = p.summary().epoch, t1 = performance.now(), pictures = drawn.length;
    await p.pause();
    longTasks.disconnect();

    // control latency: a change of the learning rate while playing
    const latency = [];
    for (let k = 0; k < LATENCY_TRIALS; k++) {
      await p.set({ ...start, ...changes, epochs: 100000 });
      p.play();
      await wait(400);
      const value = k % 2 ? "0.01" : "0.03";
      const due = performance.now() + 20;
      drawn = [];
      setTimeout(() => { lr.value = value; lr.dispatchEvent(new Event("change")); }, 20);
      while (!drawn.some(([t, text]) => t >= due && text === "000,000") && performance.now() - due < 5000) await wait(5);
      const hit = drawn.find(([t, text]) => t >= due && text === "000,000");
      latency.push(hit ? hit[0] - due : Infinity);
      await p.pause();
    }

    let reached = null;
    if (!Object.keys(changes).length) {      // the default run: how long from Play to epoch 300?
      await p.set({ ...start });
      const t0 = performance.now();
      p.play();
      while (p.summary().epoch < 300) await frame();
      reached = performance.now() - t0;
      await p.pause();
    }
    return { train, stamps, seconds: (t1 - t0) / 1000, pictures, epochs: e1 - e0, longest, latency, run, reached };
  }, { start, changes, epochs, PLAY_MS, LATENCY_TRIALS });
  const intervals = r.stamps.slice(1).map((t, i) => t - r.stamps[i]);
  rows.push({ name, epochs, trainMs: median(r.train), stepEpochsPerSecond: epochs / (median(r.train) / 1000),
    pagefps: 1000 / median(intervals), pictures: r.pictures / r.seconds, playEpochsPerSecond: r.epochs / r.seconds,
    epochsPerPicture: r.epochs / Math.max(r.pictures, 1), longest: r.longest, latency: median(r.latency), reached300Ms: r.reached });
  runs.push(r.run);
}
await browser.close();
server.close();

const dir = mkdtempSync(join(tmpdir(), "nn-playground-bench-"));
writeFileSync(join(dir, "runs.json"), JSON.stringify(runs));
const numpy = spawnSync(process.env.PYTHON || "python", ["-c", `
import json, sys, time
from lecture_code import playground
for run in json.load(open(sys.argv[1])):
    times = []
    for _ in range(5):
        t0 = time.perf_counter(); h = playground.replay(run); times.append(time.perf_counter() - t0)
    print(sorted(times)[2], h.epochs)
`, join(dir, "runs.json")], { encoding: "utf8" });
if (numpy.status !== 0) { console.error(numpy.stderr); process.exit(1); }
numpy.stdout.trim().split("\n").forEach((line, i) => {
  const [seconds, epochs] = line.split(" ").map(Number);
  rows[i].numpyEpochsPerSecond = epochs / seconds;
});

console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} (1, 5, 15 min); training in: ${where}`);
const columns = [
  ["setting", 9, (r) => r.name], ["step epochs/s", 14, (r) => r.stepEpochsPerSecond.toFixed(0)],
  ["numpy epochs/s", 15, (r) => r.numpyEpochsPerSecond.toFixed(0)],
  ["pictures/s", 11, (r) => r.pictures.toFixed(1)], ["page fps", 9, (r) => r.pagefps.toFixed(0)],
  ["play epochs/s", 14, (r) => r.playEpochsPerSecond.toFixed(1)], ["epochs/picture", 15, (r) => r.epochsPerPicture.toFixed(2)],
  ["longest task ms", 16, (r) => r.longest.toFixed(0)], ["control ms", 11, (r) => r.latency.toFixed(0)],
  ["Play->300 ms", 13, (r) => (r.reached300Ms === null ? "" : r.reached300Ms.toFixed(0))],
];
console.log(columns.map(([title, w], i) => (i ? title.padStart(w) : title.padEnd(w))).join(" "));
for (const r of rows) console.log(columns.map(([, w, f], i) => (i ? String(f(r)).padStart(w) : String(f(r)).padEnd(w))).join(" "));
console.log(`largest: ${JSON.stringify(SETTINGS.largest)}`);
