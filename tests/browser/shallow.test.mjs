// The browser's shallow network (book/_static/shallow/shallow.js) against lecture_code.shallow:
// tests/test_shallow_js.py writes the fixtures (random networks, inputs and the Python's
// outputs) to the file named by $SHALLOW_FIXTURES and runs `node --test` on this file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { hidden, forward, kinks, mse } from "../../book/_static/shallow/shallow.js";

const path = process.env.SHALLOW_FIXTURES;
if (!path) throw new Error("set SHALLOW_FIXTURES to the fixture file tests/test_shallow_js.py writes");
const cases = JSON.parse(readFileSync(path, "utf8"));
const EPS = 2 ** -52;

// Equal to float64 rounding: a few units in the last place of the largest term summed.
function close(actual, expected, scale, what) {
  assert.ok(Math.abs(actual - expected) <= 4 * EPS * scale,
            `${what}: browser ${actual}, Python ${expected}`);
}

test("there are fixtures, with dead, flat and saturated units among them", () => {
  assert.ok(cases.length >= 50);
  assert.ok(cases.some((c) => c.kinks.includes(null)));
});

for (const [n, c] of cases.entries()) {
  test(`network ${n}: hidden, forward, kinks and MSE equal the Python's`, () => {
    const h = hidden(c.x, c.theta);
    h.forEach((row, i) => row.forEach((v, d) => close(v, c.hidden[i][d], Math.abs(c.theta[d][0]) + Math.abs(c.x[i] * c.theta[d][1]), `h[${i}][${d}]`)));
    const y = forward(c.x, c.theta, c.phi);
    y.forEach((v, i) => {
      const scale = Math.abs(c.phi[0]) + h[i].reduce((s, hd, d) => s + Math.abs(hd * c.phi[d + 1]), 0);
      close(v, c.forward[i], scale, `y[${i}]`);
    });
    kinks(c.theta).forEach((k, d) => {
      if (c.kinks[d] === null) assert.ok(Number.isNaN(k), `kink ${d} should be NaN`);
      else assert.equal(k, c.kinks[d]);                 // one division: exactly equal
    });
    const m = mse(c.x, c.y, c.theta, c.phi);
    assert.ok(Math.abs(m - c.mse) <= 64 * EPS * c.mse, `MSE: browser ${m}, Python ${c.mse}`);
  });
}
