// Chapter 3's panel on the static site: ten sliders (theta_10 ... theta_31, phi_0 ...
// phi_3) over two plots drawn as SVG, recomputed in the browser on every move by
// shallow.js. lecture_code/shallow.py (static_panel_html) writes the HTML and the data.
import { hidden, forward, kinks, mse } from "./shallow.js";

const SVG = "http://www.w3.org/2000/svg";
const COLORS = ["#0072B2", "#D55E00", "#009E73"];        // CLASS_COLORS, as in the kernel figure
const W = 340, H = 230, M = { left: 34, right: 8, top: 22, bottom: 28 };

function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

function plot(svg, title, [lo, hi], [ylo, yhi]) {
  const sx = (x) => M.left + ((x - lo) / (hi - lo)) * (W - M.left - M.right);
  const sy = (y) => H - M.bottom - ((y - ylo) / (yhi - ylo)) * (H - M.top - M.bottom);
  const id = "clip" + Math.random().toString(36).slice(2);
  el("rect", { x: M.left, y: M.top, width: W - M.left - M.right, height: H - M.top - M.bottom },
     el("clipPath", { id }, el("defs", {}, svg)));
  el("rect", { x: M.left, y: M.top, width: W - M.left - M.right, height: H - M.top - M.bottom,
               class: "lc-axes" }, svg);
  const ticks = el("g", { class: "lc-ticks" }, svg);
  for (let k = 0; k <= 4; k++) {
    const x = lo + (k * (hi - lo)) / 4, y = ylo + (k * (yhi - ylo)) / 4;
    el("text", { x: sx(x), y: H - M.bottom + 14, "text-anchor": "middle" }, ticks).textContent = +x.toFixed(2);
    el("text", { x: M.left - 4, y: sy(y) + 4, "text-anchor": "end" }, ticks).textContent = +y.toFixed(2);
  }
  el("text", { x: (M.left + W - M.right) / 2, y: H - 2, "text-anchor": "middle" }, ticks).textContent = "x";
  el("text", { x: M.left, y: 14, class: "lc-title" }, svg).textContent = title;
  el("line", { x1: sx(lo), x2: sx(hi), y1: sy(0), y2: sy(0), class: "lc-zero" }, svg);
  return { sx, sy, layer: el("g", { "clip-path": `url(#${id})` }, svg) };
}

function path(p, xs, ys, attrs) {
  const d = xs.map((x, i) => `${i ? "L" : "M"}${p.sx(x).toFixed(2)},${p.sy(ys[i]).toFixed(2)}`).join("");
  return el("path", { d, fill: "none", ...attrs }, p.layer);
}

function setUp(panel) {
  const data = JSON.parse(panel.querySelector(".lc-shallow-data").textContent);
  const grid = Array.from({ length: 201 }, (_, i) => data.x_range[0] + (i * (data.x_range[1] - data.x_range[0])) / 200);
  const ranges = Array.from(panel.querySelectorAll(".lc-range"));
  const left = plot(panel.querySelector(".lc-hidden"), "hidden units h_d = relu(θ_d0 + θ_d1 x)",
                    data.x_range, data.hidden_ylim);
  const right = plot(panel.querySelector(".lc-output"), "output y = φ0 + Σ φ_d h_d",
                     data.x_range, data.output_ylim);
  const text = panel.querySelector(".lc-mse");
  data.X.forEach((x, i) => el("circle", { cx: right.sx(x), cy: right.sy(data.y[i]), r: 2.2, class: "lc-data" }, right.layer));
  let drawn = [];

  function draw() {
    const v = ranges.map((r) => +r.value);
    ranges.forEach((r, i) => { r.parentNode.querySelector(".lc-value").textContent = v[i].toFixed(1); });
    const theta = [[v[0], v[1]], [v[2], v[3]], [v[4], v[5]]], phi = v.slice(6, 10);
    drawn.forEach((node) => node.remove());
    const h = hidden(grid, theta), y = forward(grid, theta, phi);
    drawn = theta.flatMap((_, d) => [
      path(left, grid, h.map((row) => row[d]), { stroke: COLORS[d], "stroke-width": 2 }),
      path(right, grid, h.map((row) => phi[d + 1] * row[d]), { stroke: COLORS[d], "stroke-dasharray": "5 3" }),
    ]);
    drawn.push(path(right, grid, y, { class: "lc-out", "stroke-width": 2.5 }));
    kinks(theta).filter((k) => k > grid[0] && k < grid[grid.length - 1]).forEach((k) => {
      drawn.push(el("circle", { cx: right.sx(k), cy: right.sy(forward([k], theta, phi)[0]), r: 3.5, class: "lc-kink" }, right.layer));
    });
    text.textContent = `MSE on the data = ${mse(data.X, data.y, theta, phi).toFixed(3)}`;
  }
  ranges.forEach((r) => r.addEventListener("input", draw));
  draw();
}

document.querySelectorAll("[data-lc-shallow]").forEach(setUp);
