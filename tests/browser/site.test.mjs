// The built site (_build/html) in a real browser: headless Chromium driven by
// playwright-core, over a static server on 127.0.0.1 that this script starts.
// Run it with scripts/site_test.sh, which builds the expectations below from
// _config.yml and finds the browser. Exit status 0 only if every check passes.
//
// Every page:     loads with no JavaScript error (console.error, uncaught
//                 exception, failed or 4xx/5xx request); requests nothing from
//                 outside the site (every other host is blocked and reported),
//                 and its HTML names no http(s) script, stylesheet or image;
//                 its math is typeset (every .math element holds a MathJax
//                 container, no MathJax error, no raw $$, \( or \begin left in
//                 the text); every image in the article has real alt text;
//                 every internal link and #anchor resolves; axe-core finds no
//                 critical or serious violation (THEME_EXCEPTIONS below are
//                 the only ones tolerated, and only outside the article).
// At 1280 x 900 and at 390 x 844 (a phone), every page: no code block scrolls
//                 sideways and no code block, display equation or table reaches
//                 outside the content column (a wide one scrolls inside its own
//                 box); no visible text shows an NBVAL marker; every figure's
//                 intrinsic width is at least 1.5 times its displayed width;
//                 exactly one search control is visible.
// Chapter pages:  (book/NN_*.html) every control of every kernel-free panel
//                 (sliders with the keyboard over all their values, option
//                 buttons by clicking each) changes the figure, and every frame
//                 it loads exists; every self-check (2 to 4 a chapter) is answered
//                 wrong, then right, then revealed, at 1280 and at 390 px, and says
//                 "Not quite", "Right." and opens its explanation; each panel shows as many controls as it has,
//                 or names the missing ones beside it, and says that Colab or
//                 Binder gives the live version; the Colab and Binder launch
//                 links are exactly the addresses for that notebook; "download
//                 .ipynb" serves the chapter's notebook; the table of contents
//                 numbers the chapters 1, 2, ...; a first visit transfers at
//                 most 1.5 MB (theme and MathJax included, gzip as on GitHub
//                 Pages; panel frames load only when a control asks for them),
//                 and the page's own HTML and images stay under 5 MB.
// Search:         search.html?q=perceptron lists the perceptron chapter.

import { readFileSync, existsSync, statSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { AXE, BROWSER, SITE, launch, serve, siteContext } from "./support.mjs";

const EXPECT = JSON.parse(process.env.SITE_EXPECT ?? "null");
const PAGE_LIMIT_BYTES = 5 * 1024 * 1024;
const FIRST_VISIT_LIMIT_BYTES = 1.5 * 1024 * 1024;
const PHONE = { width: 390, height: 844 };

// axe violations in markup the theme (sphinx-book-theme / pydata-sphinx-theme)
// writes, not the book: tolerated only for this rule, only for nodes matching
// the selector, and only outside <article>. Each entry says why.
const THEME_EXCEPTIONS = [
  // pydata-sphinx-theme 0.17's search button: aria-label "Search" while its
  // visible text is "Search" plus the shortcut keys (Ctrl + K), which axe reads
  // as a label/content mismatch (WCAG 2.5.3). The book cannot change it.
  { rule: "label-content-name-mismatch", selector: ".search-button-field",
    why: "theme search button: visible shortcut keys are not in its aria-label" },
  // pydata-sphinx-theme 0.17's colour-mode switch: aria-label "Color mode",
  // visible content is the icon of the current mode.
  { rule: "label-content-name-mismatch", selector: ".theme-switch-button",
    why: "theme colour-mode switch: icon content, aria-label Color mode" },
];

if (!EXPECT) {
  console.error("SITE_EXPECT is not set: run this through scripts/site_test.sh");
  process.exit(2);
}
if (!existsSync(join(SITE, "index.html"))) {
  console.error(`no built site at ${SITE}: run scripts/build.sh first`);
  process.exit(2);
}


// ----------------------------------------------------------------- pages --
function htmlPages(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const rel = relative(SITE, path).split(sep).join("/");
    if (statSync(path).isDirectory()) {
      if (!["_static", "_sources", "_images"].includes(rel)) htmlPages(path, out);
    } else if (name.endsWith(".html")) out.push(rel);
  }
  return out.sort();
}

const CHAPTER = /^book\/(\d\d)_[A-Za-z0-9_]+\.html$/;
const failures = [];
const fail = (page, what) => failures.push(`${page}: ${what}`);
const idCache = new Map();

function idsOf(relPath) {   // the id="..." values of a built page, for #anchor checks
  if (!idCache.has(relPath)) {
    const text = readFileSync(join(SITE, relPath), "utf8");
    idCache.set(relPath, new Set([...text.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])));
  }
  return idCache.get(relPath);
}

function expectedLaunch(notebook) {   // notebook: path of the .ipynb in the repository
  const { org, repo, branch, colab_url, binderhub_url, ui_prefix } = EXPECT;
  return {
    colab: `${colab_url}/github/${org}/${repo}/blob/${branch}/${notebook}`,
    binder: `${binderhub_url}/v2/gh/${org}/${repo}/${branch}?urlpath=${ui_prefix}/${notebook}`,
  };
}

// ---------------------------------------------------- in-page inspections --
// Runs in the page: what the math, images and links look like after loading.
function inspectPage() {
  const article = document.querySelector("article.bd-article") ?? document.body;
  const skip = new Set(["PRE", "CODE", "SCRIPT", "STYLE", "TEXTAREA", "MJX-CONTAINER", "MJX-ASSISTIVE-MML"]);
  const raw = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let el = node.parentElement; el && el !== article; el = el.parentElement) {
        if (skip.has(el.tagName) || el.classList.contains("highlight")) return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  const rawMath = /\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\$[^$\s][^$]*?\\[A-Za-z]+[^$]*\$/;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const m = n.textContent.match(rawMath);
    if (m) raw.push(n.textContent.trim().slice(0, 80));
  }
  const mathNodes = [...document.querySelectorAll(".math")];
  const images = [...article.querySelectorAll("img")].map((img) => ({
    alt: img.getAttribute("alt"), src: (img.getAttribute("src") || "").slice(0, 80),
  }));
  const external = [];
  for (const el of document.querySelectorAll("script[src], img[src], iframe[src], link[href]")) {
    const url = el.getAttribute("src") ?? el.getAttribute("href");
    const loads = el.tagName !== "LINK" || /stylesheet|preload|icon|modulepreload|prefetch/.test(el.rel);
    if (loads && url && new URL(url, location.href).origin !== location.origin && !/^(data|blob):/.test(url)) {
      external.push(`<${el.tagName.toLowerCase()}> ${url}`);
    }
  }
  return {
    hasMath: mathNodes.length,
    untypeset: mathNodes.filter((m) => !m.querySelector("mjx-container")).length,
    mathErrors: [...document.querySelectorAll("mjx-merror")].map((e) => e.getAttribute("data-mjx-error") || e.textContent).slice(0, 5),
    rawMath: raw.slice(0, 5),
    images,
    external,
    links: [...document.querySelectorAll("a[href]")].map((a) => a.href),
    colab: [...document.querySelectorAll('a[href^="https://colab.research.google.com/"]')].map((a) => a.href),
    binder: [...document.querySelectorAll('a[href^="https://mybinder.org/"]')].map((a) => a.href),
    download: [...document.querySelectorAll("a.btn-download-source-button")].map((a) => a.href),
    title: (document.querySelector("article h1")?.textContent ?? "").replace(/^\s*[\d.]+\s*/, "").replace(/#$/, "").trim(),
    tocChapters: [...document.querySelectorAll("nav.bd-docs-nav a")]
      .map((a) => ({ text: a.textContent.trim(), href: a.getAttribute("href") })),
    panels: document.querySelectorAll(".lc-panel").length,
    // Page weight. "own": the page's HTML (which holds the sliders' frames)
    // and its images, uncompressed; "firstVisit": everything a first visit
    // transfers, shared theme and MathJax files included, gzip-compressed
    // where GitHub Pages compresses.
    ...(() => {
      const entries = performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"));
      const own = entries.filter((e) => !/\/_static\/|\/searchindex\.js/.test(e.name));
      return { own: own.reduce((s, e) => s + (e.decodedBodySize || 0), 0),
               firstVisit: entries.reduce((s, e) => s + (e.encodedBodySize || 0), 0) };
    })(),
  };
}

// Runs in the page: what reaches outside the content column, NBVAL markers, soft figures.
function inspectLayout() {
  const article = document.querySelector("article.bd-article") ?? document.body;
  const column = article.getBoundingClientRect();
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const snippet = (el) => (el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 70);
  const problems = [];
  for (const el of article.querySelectorAll("div.highlight pre, div.cell_output pre")) {
    if (!visible(el)) continue;
    if (el.scrollWidth > el.clientWidth + 1) problems.push(`code scrolls sideways (${el.scrollWidth} > ${el.clientWidth} px): ${snippet(el)}`);
  }
  for (const el of article.querySelectorAll("div.highlight, div.math, mjx-container[display='true'], table, .lc-panel, form.lc-selfcheck, img")) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right > column.right + 1 || r.left < column.left - 1) {
      problems.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} reaches outside the column (${Math.round(r.left)}-${Math.round(r.right)} px, column ${Math.round(column.left)}-${Math.round(column.right)}): ${snippet(el)}`);
    }
  }
  for (const el of article.querySelectorAll("div.math, mjx-container[display='true']")) {
    const style = getComputedStyle(el);
    if (visible(el) && el.scrollWidth > el.clientWidth + 1 && !/auto|scroll/.test(style.overflowX)) {
      problems.push(`display equation clipped (${el.scrollWidth} > ${el.clientWidth} px): ${snippet(el)}`);
    }
  }
  const searches = [...document.querySelectorAll(".search-button__button, .search-button-field")]
    .filter((b) => visible(b) && getComputedStyle(b).display !== "none").length;
  if (searches !== 1) problems.push(`${searches} visible search controls, not one`);
  const nbval = (article.innerText.match(/.{0,30}NBVAL.{0,30}/g) || []).slice(0, 3);
  const soft = [];
  for (const img of article.querySelectorAll("img")) {
    if (!visible(img) || !img.complete || !img.naturalWidth || img.clientWidth < 48 || /\.svg(\?|$)/.test(img.src)) continue;
    if (img.naturalWidth < 1.5 * img.clientWidth) {
      soft.push(`${img.naturalWidth} px shown at ${img.clientWidth} px: ${(img.getAttribute("alt") || img.src).slice(0, 60)}`);
    }
  }
  return { problems, nbval, soft };
}

async function checkLayout(page, name, viewport) {
  // figures load lazily: load them all (after the first-visit size was measured)
  await page.evaluate(() => Promise.all([...document.querySelectorAll("article img")].map((img) => {
    img.loading = "eager";
    return img.decode().catch(() => undefined);
  })));
  const layout = await page.evaluate(inspectLayout);
  for (const p of layout.problems) fail(name, `at ${viewport}: ${p}`);
  for (const m of layout.nbval) fail(name, `at ${viewport}: a visible NBVAL marker: "${m}"`);
  for (const m of layout.soft) fail(name, `at ${viewport}: figure softer than 1.5x: ${m}`);
  return layout.problems.length + layout.nbval.length + layout.soft.length;
}

async function runAxe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async (exceptions) => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => {
        const sel = Array.isArray(n.target[0]) ? n.target[0][0] : n.target[0];
        const el = document.querySelector(sel);
        const inArticle = !!el?.closest("article");
        const exception = inArticle || !el ? -1
          : exceptions.findIndex((e) => e.rule === v.id && el.closest(e.selector));
        return { target: n.target.join(" "), inArticle, exception, html: n.html.slice(0, 160) };
      }),
    }));
  }, THEME_EXCEPTIONS);
}

// Move every control of every kernel-free panel: sliders with the keyboard over all
// their values, option buttons by clicking each; the figure must change.
async function exercisePanels(page, name) {
  const panels = page.locator(".lc-panel");
  const count = await panels.count();
  const report = [];
  for (let k = 0; k < count; k++) {
    const panel = panels.nth(k);
    const label = `panel ${k + 1}`;
    const note = (await panel.locator(".lc-note").textContent()) ?? "";
    const shallow = (await panel.getAttribute("data-lc-shallow")) !== null;
    if (!shallow && (!/Colab/.test(note) || !/Binder/.test(note))) fail(name, `${label}: its note does not point to Colab and Binder`);
    const total = Number(await panel.getAttribute("data-controls"));
    const liveOnly = JSON.parse((await panel.getAttribute("data-live-only")) ?? "[]");
    const controls = panel.locator(".lc-control");
    const shown = await controls.count();
    if (shown + liveOnly.length !== total) fail(name, `${label}: ${shown} controls on the page and ${liveOnly.length} named as notebook-only, of ${total}`);
    for (const missing of liveOnly) if (!note.includes(missing)) fail(name, `${label}: the notebook-only control "${missing}" is not named beside the panel`);
    const state = () => panel.evaluate((p) => {
      const out = p.querySelector(".lc-output path.lc-out");
      if (out) return out.getAttribute("d") + (p.querySelector(".lc-mse")?.textContent ?? "");
      const img = p.querySelector("img.lc-frame");
      return JSON.stringify([img.hidden ? "" : img.getAttribute("src"), p.querySelector(".lc-message").textContent]);
    });
    let changing = 0;
    for (let c = 0; c < shown; c++) {
      const control = controls.nth(c);
      const seen = new Set([await state()]);
      const range = control.locator("input.lc-range");
      if (await range.count()) {
        const steps = shallow ? 5 : Number(await range.getAttribute("max"));
        await range.focus();
        await page.keyboard.press(shallow ? "ArrowLeft" : "Home");
        seen.add(await state());
        for (let i = 0; i < steps; i++) {
          await page.keyboard.press("ArrowRight");
          seen.add(await state());
        }
      } else {
        const options = control.locator(".lc-option");
        for (let i = 0; i < await options.count(); i++) {
          await options.nth(i).click();
          seen.add(await state());
        }
      }
      const what = ((await control.locator(".lc-label").first().textContent()) ?? `control ${c + 1}`).trim();
      if (seen.size < 2) fail(name, `${label}: moving "${what}" does not change the figure`);
      else changing += 1;
    }
    await page.waitForLoadState("networkidle");
    const broken = await panel.evaluate((p) => { const i = p.querySelector("img.lc-frame"); return i && !i.hidden && i.complete && !i.naturalWidth; });
    if (broken) fail(name, `${label}: its last frame did not load`);
    report.push({ controls: shown, total, changing });
  }
  return report;
}

// Answer every self-check of a page as a reader would: a wrong answer, the
// right one, then "Show the answer". Returns how many the page has.
async function answerSelfChecks(page, name, viewport) {
  const forms = page.locator("form.lc-selfcheck");
  const count = await forms.count();
  for (let k = 0; k < count; k++) {
    const form = forms.nth(k);
    const id = await form.getAttribute("id");
    const where = `at ${viewport}: self-check ${id}`;
    const kind = await form.getAttribute("data-kind");
    const answer = Number(await form.getAttribute("data-answer"));
    const feedback = form.locator(".lc-sc-feedback");
    const explanation = form.locator(".lc-sc-explanation");
    const submit = form.locator(".lc-sc-check");
    await form.scrollIntoViewIfNeeded();
    if (await explanation.isVisible()) fail(name, `${where}: the explanation shows before any answer`);
    if (kind === "number") {
      const tolerance = Number(await form.getAttribute("data-tolerance"));
      const input = form.locator(".lc-sc-input");
      await input.fill(String(answer + 10 * tolerance + 1 + Math.abs(answer)));
      await submit.click();
      if (!/Not quite/.test(await feedback.textContent())) fail(name, `${where}: a wrong number is not refused`);
      if (await explanation.isVisible()) fail(name, `${where}: a wrong number opens the explanation`);
      await input.fill(String(answer));
      await submit.click();
    } else {
      const radios = form.locator('input[type="radio"]');
      const n = await radios.count();
      if (n < 2 || !(answer >= 0 && answer < n)) { fail(name, `${where}: ${n} choices, answer ${answer}`); continue; }
      await radios.nth((answer + 1) % n).check();
      await submit.click();
      if (!/Not quite/.test(await feedback.textContent())) fail(name, `${where}: a wrong choice is not refused`);
      await radios.nth(answer).check();
      await submit.click();
    }
    if ((await feedback.textContent()).trim() !== "Right.") fail(name, `${where}: the right answer is not accepted`);
    if (!await explanation.isVisible()) fail(name, `${where}: the right answer does not open the explanation`);
    const text = ((await explanation.textContent()) ?? "").replace(/^\s*Answer:\s*/, "").trim();
    if (text.length < 20) fail(name, `${where}: no explanation beyond the answer`);
    await form.locator(".lc-sc-reveal").click();
    if ((await feedback.textContent()).trim() !== "Here is the answer.") fail(name, `${where}: "Show the answer" says nothing`);
  }
  return count;
}

// ------------------------------------------------------------------ main --
const started = Date.now();
const server = await serve(SITE, { gzip: true });   // transfer sizes as a reader downloads them
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();
const { context, outside: externalRequests } = await siteContext(browser, origin,
                                                                 { viewport: { width: 1280, height: 900 } });
const { context: phone } = await siteContext(browser, origin, { viewport: PHONE, isMobile: true, hasTouch: true });

const pages = htmlPages(SITE);
const summary = [];
const axeCounts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
const axeTolerated = [];
const axeRules = {};
const checkedLinks = new Set();
let tocChecked = false;

for (const name of pages) {
  // index.html only redirects (meta refresh) to the root page: check its target.
  const redirect = readFileSync(join(SITE, name), "utf8").match(/http-equiv="refresh" content="\d+;\s*url=([^"]+)"/i);
  if (redirect) {
    if (!existsSync(join(SITE, name, "..", redirect[1]))) fail(name, `redirects to a missing page ${redirect[1]}`);
    summary.push({ page: name, redirect: redirect[1] });
    continue;
  }
  const page = await context.newPage();
  const errors = [];
  const before = externalRequests.length;
  page.on("console", (msg) => { if (msg.type() === "error") errors.push(`console: ${msg.text()}`); });
  page.on("pageerror", (err) => errors.push(`exception: ${err.message}`));
  page.on("requestfailed", (req) => {
    // a panel frame still loading when the next control move replaces it is cancelled, not lost
    if (req.failure()?.errorText === "net::ERR_ABORTED" && req.url().includes("/_static/panels/")) return;
    if (req.url().startsWith(origin)) errors.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on("response", (res) => {
    if (res.url().startsWith(origin) && res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });

  await page.goto(`${origin}/${name}`, { waitUntil: "load" });
  // MathJax typesets after load; wait for it on pages that load it.
  await page.evaluate(() => window.MathJax?.startup?.promise);
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  const info = await page.evaluate(inspectPage);
  await checkLayout(page, name, "1280 px");

  for (const e of errors) fail(name, e);
  for (const url of externalRequests.slice(before)) fail(name, `requested ${url} from outside the site`);
  for (const e of info.external) fail(name, `HTML loads from outside the site: ${e}`);
  if (info.untypeset) fail(name, `${info.untypeset} of ${info.hasMath} math elements were not typeset by MathJax`);
  for (const e of info.mathErrors) fail(name, `MathJax error: ${e}`);
  for (const t of info.rawMath) fail(name, `raw TeX left in the text: "${t}"`);
  for (const img of info.images) {
    const alt = (img.alt ?? "").trim();
    if (!alt || /\.(png|jpe?g|svg|gif)$/i.test(alt) || alt.includes("_images/")) {
      fail(name, `image without alt text (alt=${JSON.stringify(img.alt)}; src ${img.src}...)`);
    }
  }

  // Internal links and #anchors.
  for (const href of info.links) {
    if (!href.startsWith(origin) || checkedLinks.has(href)) continue;
    checkedLinks.add(href);
    const url = new URL(href);
    let path = decodeURIComponent(url.pathname).replace(/^\//, "");
    if (path === "" || path.endsWith("/")) path += "index.html";
    if (!existsSync(join(SITE, path))) { fail(name, `broken link: ${href}`); continue; }
    if (url.hash && path.endsWith(".html") && !idsOf(path).has(decodeURIComponent(url.hash.slice(1)))) {
      fail(name, `link to a missing anchor: ${href}`);
    }
  }

  // Accessibility.
  const violations = await runAxe(page);
  for (const v of violations) {
    axeCounts[v.impact] = (axeCounts[v.impact] ?? 0) + v.nodes.length;
    for (const n of v.nodes) {
      const key = `${v.impact} ${v.id} (${n.inArticle ? "article" : "theme"})`;
      axeRules[key] = (axeRules[key] ?? 0) + 1;
    }
    if (v.impact !== "critical" && v.impact !== "serious") continue;
    for (const n of v.nodes) {
      if (n.exception >= 0) { axeTolerated.push(`${name}: ${v.id} at ${n.target} (${THEME_EXCEPTIONS[n.exception].why})`); continue; }
      fail(name, `axe ${v.impact} ${v.id} (${v.help}) ${n.inArticle ? "in the article" : "in the theme"}: ${n.target} ${n.html}`);
    }
  }

  const row = { page: name, kB: Math.round(statSync(join(SITE, name)).size / 1024),
                ownMB: info.own / 2 ** 20, visitMB: info.firstVisit / 2 ** 20,
                math: info.hasMath, images: info.images.length, sliders: info.panels };

  // The table of contents numbers the chapters 1, 2, ... in order.
  if (!tocChecked && name === "book/intro.html") {
    tocChecked = true;
    const numbered = info.tocChapters.filter((c) => CHAPTER.test("book/" + c.href));
    const numbers = numbered.map((c) => Number((c.text.match(/^(\d+)\.\s/) ?? [])[1]));
    if (!numbered.length) fail(name, "the table of contents lists no chapter");
    numbers.forEach((n, i) => { if (n !== i + 1) fail(name, `table of contents: "${numbered[i].text}" should be numbered ${i + 1}`); });
  }

  const chapter = name.match(CHAPTER);
  if (chapter) {
    const notebook = `${EXPECT.path_to_book ? EXPECT.path_to_book + "/" : ""}${name.replace(/\.html$/, ".ipynb")}`;
    if (!existsSync(join(EXPECT.root, notebook))) fail(name, `the launch links would open ${notebook}, which is not in the repository`);
    const want = expectedLaunch(notebook);
    if (info.colab.length !== 1 || info.colab[0] !== want.colab) fail(name, `Colab link ${JSON.stringify(info.colab)}, expected ${want.colab}`);
    if (info.binder.length !== 1 || info.binder[0] !== want.binder) fail(name, `Binder link ${JSON.stringify(info.binder)}, expected ${want.binder}`);

    // "download .ipynb": the chapter's own notebook.
    if (info.download.length !== 1 || !info.download[0].endsWith(".ipynb")) {
      fail(name, `no "download .ipynb" button (found ${JSON.stringify(info.download)})`);
    } else {
      const res = await page.request.get(info.download[0]);
      let nb = null;
      try { nb = JSON.parse(await res.text()); } catch { /* reported below */ }
      if (!res.ok() || !nb || nb.nbformat !== 4 || !nb.cells?.length) {
        fail(name, `"download .ipynb" (${info.download[0]}) does not serve a notebook (HTTP ${res.status()})`);
      } else if (!String([].concat(nb.cells[0].source).join("")).includes(info.title)) {
        fail(name, `"download .ipynb" serves a notebook whose first cell does not carry the title "${info.title}"`);
      }
    }

    const before = errors.length;
    row.selfChecks = await answerSelfChecks(page, name, "1280 px");
    if (row.selfChecks < 2 || row.selfChecks > 4) fail(name, `${row.selfChecks} self-checks; a chapter has 2 to 4`);
    row.sliders = await exercisePanels(page, name);
    for (const e of errors.slice(before)) fail(name, `while moving the panels' controls: ${e}`);
    if (info.own > PAGE_LIMIT_BYTES) fail(name, `the page and its images weigh ${row.ownMB.toFixed(2)} MB (limit 5 MB)`);
    if (info.firstVisit > FIRST_VISIT_LIMIT_BYTES) fail(name, `a first visit transfers ${row.visitMB.toFixed(2)} MB compressed (limit 1.5 MB)`);
  }
  {                                                   // the same page on a phone
    const small = await phone.newPage();
    await small.goto(`${origin}/${name}`, { waitUntil: "load" });
    await small.evaluate(() => window.MathJax?.startup?.promise);
    await small.evaluate(() => document.fonts.ready.then(() => undefined));
    row.phone = await checkLayout(small, name, "390 px");
    if (chapter) await answerSelfChecks(small, name, "390 px");
    await small.close();
  }
  summary.push(row);
  await page.close();
  console.error(`checked ${name}`);                   // progress (the table comes at the end)
}

// Search.
{
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  await page.goto(`${origin}/search.html?q=perceptron`, { waitUntil: "load" });
  try {
    await page.waitForSelector("#search-results ul.search li", { timeout: 30000 });
    const hits = await page.$$eval("#search-results ul.search li a", (as) => as.map((a) => a.getAttribute("href")));
    if (!hits.some((h) => h.includes("01_perceptron"))) fail("search.html?q=perceptron", `no result links to the perceptron chapter: ${hits}`);
    summary.push({ page: "search.html?q=perceptron", results: hits.length });
  } catch {
    fail("search.html?q=perceptron", "the search page shows no results");
  }
  for (const e of errors) fail("search.html", `exception: ${e}`);
  await page.close();
}

await phone.close();
await browser.close();
server.close();

const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log("page".padEnd(34), "HTML kB".padStart(8), "own MB".padStart(7), "visit MB gz".padStart(12), "math".padStart(5), "imgs".padStart(5), "checks".padStart(7), " panels (controls shown/of, changing)");
for (const r of summary) {
  if (r.results !== undefined) { console.log(r.page.padEnd(34), `${r.results} results`); continue; }
  if (r.redirect !== undefined) { console.log(r.page.padEnd(34), `redirects to ${r.redirect}`); continue; }
  const sliders = Array.isArray(r.sliders) ? r.sliders.map((s) => `${s.controls}/${s.total},${s.changing}`).join(" ") : r.sliders || "";
  console.log(r.page.padEnd(34), String(r.kB).padStart(8), r.ownMB.toFixed(2).padStart(7), r.visitMB.toFixed(2).padStart(12),
              String(r.math).padStart(5), String(r.images).padStart(5), String(r.selfChecks ?? "").padStart(7), " " + sliders);
}
console.log(`axe violations (nodes, whole pages, all impacts): ${JSON.stringify(axeCounts)}`);
for (const [key, n] of Object.entries(axeRules).sort()) console.log(`  ${String(n).padStart(4)}  ${key}`);
console.log(`${pages.length} pages and the search page checked in ${seconds} s in ${BROWSER}`);
const tolerated = {};
for (const t of axeTolerated) tolerated[t.split(": ")[1].split(" at ")[0]] = (tolerated[t.split(": ")[1].split(" at ")[0]] ?? 0) + 1;
if (axeTolerated.length) console.log(`tolerated theme violations (THEME_EXCEPTIONS): ${JSON.stringify(tolerated)}`);
if (failures.length) {
  console.log(`\n${failures.length} FAILURES:`);
  for (const f of failures) console.log(`  - ${f}`);
  process.exit(1);
}
console.log("site test passed");
