// Drawing: heatmaps of the network's output (and of each hidden unit), the
// data points, and the loss curve, on canvases sized at the screen's pixel
// ratio so that they stay sharp on high-DPI screens. After TensorFlow
// Playground's heatmap.ts. Colours are the book's: blue for class 0 / negative,
// white at the boundary / zero, vermillion for class 1 / positive.

export const EXTENT = [-1.6, 1.6];
const BLUE = [0, 114, 178], WHITE = [247, 247, 247], RED = [213, 94, 0];

/** The colour of t in [-1, 1]: blue through white to vermillion. */
export function colour(t) {
  const s = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  const [a, b, w] = s < 0 ? [WHITE, BLUE, -s] : [WHITE, RED, s];
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * w));
}

/** Size a canvas to css x css CSS pixels at devicePixelRatio; returns its 2-D context in CSS units. */
export function sharp(canvas, width, height = width) {
  const ratio = globalThis.devicePixelRatio || 1;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

/** The grid points (density x density, row 0 at the top) where heatmaps are evaluated. */
export function grid(density) {
  const [lo, hi] = EXTENT, points = [];
  for (let r = 0; r < density; r++) {
    for (let c = 0; c < density; c++) {
      points.push([lo + (hi - lo) * (c + 0.5) / density, hi - (hi - lo) * (r + 0.5) / density]);
    }
  }
  return points;
}

// 256 colours from -1 to 1, looked up instead of computed per pixel.
const LUT = new Uint8ClampedArray(256 * 3);
for (let i = 0; i < 256; i++) LUT.set(colour(-1 + (2 * i) / 255), 3 * i);

const scratch = new Map();
/** Paint values (density^2, row-major) onto ctx over size x size CSS pixels; map turns a value into [-1, 1]. */
export function paint(ctx, values, density, size, map) {
  let s = scratch.get(density);
  if (!s) {
    const canvas = typeof OffscreenCanvas !== "undefined" ? new OffscreenCanvas(density, density)
      : Object.assign(document.createElement("canvas"), { width: density, height: density });
    const octx = canvas.getContext("2d");
    scratch.set(density, s = { canvas, octx, image: octx.createImageData(density, density) });
  }
  const data = s.image.data;
  for (let i = 0; i < density * density; i++) {
    const t = map(values[i]), k = 3 * Math.round(((Number.isFinite(t) ? Math.max(-1, Math.min(1, t)) : 0) + 1) * 127.5);
    data[4 * i] = LUT[k]; data[4 * i + 1] = LUT[k + 1]; data[4 * i + 2] = LUT[k + 2]; data[4 * i + 3] = 255;
  }
  s.octx.putImageData(s.image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(s.canvas, 0, 0, size, size);
}

/** Draw points [[x1, x2], ...] with targets y: filled for training, hollow (white ring) for test. */
export function points(ctx, X, y, size, { test = false, regression = false } = {}) {
  const [lo, hi] = EXTENT, px = (v) => ((v - lo) / (hi - lo)) * size, py = (v) => ((hi - v) / (hi - lo)) * size;
  ctx.lineWidth = test ? 1.5 : 1;
  for (let i = 0; i < X.length; i++) {
    const [r, g, b] = colour(regression ? y[i] : 2 * y[i] - 1);
    ctx.beginPath();
    ctx.arc(px(X[i][0]), py(X[i][1]), 3, 0, 2 * Math.PI);
    ctx.fillStyle = test ? "white" : `rgb(${r},${g},${b})`;
    ctx.strokeStyle = test ? `rgb(${r},${g},${b})` : "white";
    ctx.fill();
    ctx.stroke();
  }
}

/** The train (solid) and test (dashed) loss per epoch, on a log scale. A long run is drawn through
 *  about two epochs per pixel of the width (every k-th epoch, and the last). */
export function lossCurve(ctx, width, height, train, test) {
  ctx.clearRect(0, 0, width, height);
  let min = Infinity, max = -Infinity;
  for (const values of [train, test]) {
    for (const v of values) if (Number.isFinite(v) && v > 0) { min = Math.min(min, v); max = Math.max(max, v); }
  }
  if (min === Infinity) return;
  const lo = Math.log10(min), hi = Math.max(Math.log10(max), lo + 1e-3);
  const n = Math.max(train.length, 2), every = Math.max(1, Math.floor(n / (2 * width)));
  const line = (values, colourName, dash) => {
    ctx.beginPath();
    ctx.setLineDash(dash);
    ctx.strokeStyle = colourName;
    ctx.lineWidth = 1.5;
    const to = (i) => {
      const x = (i / (n - 1)) * (width - 4) + 2, y = height - 2 - ((Math.log10(values[i]) - lo) / (hi - lo)) * (height - 4);
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    };
    for (let i = 0; i < values.length; i += every) to(i);
    if ((values.length - 1) % every !== 0) to(values.length - 1);
    ctx.stroke();
  };
  line(train, "#333", []);
  line(test, "#0072b2", [4, 3]);
  ctx.setLineDash([]);
}
