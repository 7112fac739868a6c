// Helpers the browser tests share: a static server for the built site on
// 127.0.0.1, headless Chromium with the launch flags that work in CI
// containers, a context that blocks (and reports) every request outside the
// site, and axe-core. Import them; do not copy them.

import { createServer } from "node:http";
import { gzipSync } from "node:zlib";
import { readFileSync, existsSync, statSync } from "node:fs";
import { join, extname, resolve, sep } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
export const SITE = resolve(process.env.SITE_DIR ?? new URL("../../_build/html", import.meta.url).pathname);
export const BROWSER = process.env.CHROME_PATH || "/usr/bin/chromium";
export const AXE = require.resolve("axe-core/axe.min.js");

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg",
  ".gif": "image/gif", ".ico": "image/x-icon", ".woff": "font/woff", ".woff2": "font/woff2",
  ".ttf": "font/ttf", ".eot": "application/vnd.ms-fontobject", ".json": "application/json",
  ".ipynb": "application/x-ipynb+json", ".txt": "text/plain; charset=utf-8", ".md": "text/markdown",
  ".inv": "application/octet-stream", ".map": "application/json",
};
// With gzip, text goes out compressed, as GitHub Pages serves it, so that the
// transfer sizes a test measures are what a reader downloads.
const COMPRESS = new Set([".html", ".js", ".mjs", ".css", ".svg", ".json", ".ipynb", ".txt", ".md", ".map"]);

/** Serve root on 127.0.0.1 (a free port), text gzip-compressed when gzip is set and the
 * browser accepts it; resolves to the server. */
export function serve(root = SITE, { gzip = false } = {}) {
  const gzipped = new Map();
  const server = createServer((req, res) => {
    let file = resolve(root, "." + decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (!file.startsWith(root + sep) && file !== root) { res.writeHead(403).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) { res.writeHead(404).end("not found"); return; }
    let body = readFileSync(file);
    const headers = { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" };
    if (gzip && COMPRESS.has(extname(file)) && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "")) {
      if (!gzipped.has(file)) gzipped.set(file, gzipSync(body));
      body = gzipped.get(file);
      headers["Content-Encoding"] = "gzip";
    }
    headers["Content-Length"] = body.length;
    res.writeHead(200, headers);
    res.end(body);
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

/** Headless Chromium; playwright gives every launch a fresh profile directory of its own. */
export function launch() {
  return chromium.launch({
    executablePath: BROWSER, headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A browser context whose requests outside origin are blocked and listed in outside[]. */
export async function siteContext(browser, origin, options = {}) {
  const context = await browser.newContext(options);
  const outside = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    outside.push(url);
    return route.abort("blockedbyclient");
  });
  return { context, outside };
}

/** Collect console errors, uncaught exceptions and failed requests of a page. */
export function watchErrors(page) {
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(`console.error: ${m.text()}`); });
  page.on("pageerror", (e) => errors.push(`exception: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`); });
  return errors;
}

/** axe-core's violations inside the elements matching selector: [{id, impact, help, nodes}]. */
export async function axeViolations(page, selector) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async (sel) => {
    const result = await window.axe.run(sel, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(" ")} ${n.html.slice(0, 120)}`) }));
  }, selector);
}
