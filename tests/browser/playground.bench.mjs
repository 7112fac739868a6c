// Benchmark (not a test): how fast chapter 8's browser playground trains and
// draws in headless Chromium, against the numpy engine on the same machine.
//
//   bash scripts/site_assets.sh && jupyter-book build .   (or scripts/build.sh)
//   cd tests/browser && node playground.bench.mjs
//
// For the default setting and the largest one the page offers it prints the
// medians of: epochs per second of step(n) (training only), the time to draw
// one frame (heatmaps, network, curve), and while playing the frame interval,
// frames per second and epochs per frame; then the numpy engine's epochs per
// second on exactly the same runs (lecture_code.playground.replay). The
// machine may be shared: the load average is printed with the figures.

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
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const server = await serve(SITE);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();
const { context } = await siteContext(browser, origin);
const page = await context.newPage();
await page.goto(`${origin}/book/08_playground.html`, { waitUntil: "load" });
await page.waitForFunction(() => window.nnPlayground !== undefined);
const start = await page.evaluate(() => { const { show_test, ...c } = window.nnPlayground.config(); return c; });

const rows = [], runs = [];
for (const [name, changes] of Object.entries(SETTINGS)) {
  const epochs = name === "default" ? 300 : 20;
  const r = await page.evaluate(async ({ start, changes, epochs }) => {
    const p = window.nnPlayground, train = [], draw = [];
    for (let k = 0; k < 5; k++) {
      p.set({ ...start, ...changes });
      const t0 = performance.now();
      p.step(epochs);
      train.push(performance.now() - t0);
      const t1 = performance.now();
      p.step(0);
      draw.push(performance.now() - t1);
    }
    const run = p.exportRun();
    p.set({ ...start, ...changes, epochs: 100000 });
    const stamps = [], counts = [];
    await new Promise((done) => {
      const t0 = performance.now();
      const tick = (t) => {
        stamps.push(t);
        counts.push(p.summary().epoch);
        if (t - t0 < 3000 || stamps.length < 12) requestAnimationFrame(tick); else done();
      };
      p.play();
      requestAnimationFrame(tick);
    });
    p.pause();
    let reached = null;
    if (!Object.keys(changes).length) {      // the default run: how long from Play to epoch 300?
      p.set({ ...start });
      const t0 = performance.now();
      p.play();
      await new Promise((done) => { const w = () => (p.summary().epoch >= 300 ? done() : requestAnimationFrame(w)); requestAnimationFrame(w); });
      reached = performance.now() - t0;
      p.pause();
    }
    return { train, draw, stamps, counts, run, reached };
  }, { start, changes, epochs });
  const intervals = r.stamps.slice(1).map((t, i) => t - r.stamps[i]).slice(2);   // after warm-up
  const perFrame = r.counts.slice(1).map((c, i) => c - r.counts[i]).slice(2);
  rows.push({ name, epochs, trainMs: median(r.train), epochsPerSecond: epochs / (median(r.train) / 1000),
    drawMs: median(r.draw), frameMs: median(intervals), fps: 1000 / median(intervals),
    epochsPerFrame: median(perFrame), reached300Ms: r.reached });
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

console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} (1, 5, 15 min)`);
console.log("setting   epochs  JS train ms  JS epochs/s  numpy epochs/s  draw ms  frame ms   fps  epochs/frame  Play->300 ms");
for (const r of rows) {
  console.log(`${r.name.padEnd(9)} ${String(r.epochs).padStart(6)} ${r.trainMs.toFixed(1).padStart(12)} ${r.epochsPerSecond.toFixed(0).padStart(12)}`
    + ` ${r.numpyEpochsPerSecond.toFixed(0).padStart(15)} ${r.drawMs.toFixed(1).padStart(8)} ${r.frameMs.toFixed(1).padStart(9)}`
    + ` ${r.fps.toFixed(0).padStart(5)} ${String(r.epochsPerFrame).padStart(13)} ${r.reached300Ms === null ? "" : r.reached300Ms.toFixed(0).padStart(13)}`);
}
console.log(`largest: ${JSON.stringify(SETTINGS.largest)}`);
