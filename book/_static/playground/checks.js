// Argument checks shared by every layer of the browser engine, as
// lecture_code/_checks.py is for the numpy package: each public function and
// constructor checks what it is given once, at its boundary, and throws an
// Error that names the argument and what was expected. Inner loops then run
// unchecked. No hang, no silent NaN, no quiet default.

/** How a value reads in a message: numbers as JavaScript writes them (NaN, Infinity), the rest as JSON. */
export function show(value) {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (value === undefined) return "undefined";
  if (typeof value === "function") return `a function ${value.name || ""}`.trim();
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${value.length}`;
  try {
    const text = JSON.stringify(value, (k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
    return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

export function fail(name, expected, value) {
  throw new Error(`${name} must be ${expected}, got ${show(value)}`);
}

/** An integer in lo..hi. */
export function integer(value, name, lo = -Infinity, hi = Infinity) {
  return Number.isInteger(value) && value >= lo && value <= hi ? value
    : fail(name, hi === Infinity ? `an integer >= ${lo}` : `an integer in ${lo}..${hi}`, value);
}

/** A finite number in [lo, hi]. */
export function number(value, name, lo = -Infinity, hi = Infinity) {
  const range = lo === -Infinity && hi === Infinity ? "a finite number"
    : hi === Infinity ? `a finite number >= ${lo}` : `a number in [${lo}, ${hi}]`;
  return typeof value === "number" && Number.isFinite(value) && value >= lo && value <= hi ? value
    : fail(name, range, value);
}

/** A finite number > 0. */
export function positive(value, name) {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value
    : fail(name, "a finite number > 0", value);
}

/** A name from options, case-insensitive, returned lower-case ('Circles' -> 'circles'). */
export function choice(value, name, options) {
  return typeof value === "string" && options.includes(value.toLowerCase()) ? value.toLowerCase()
    : fail(name, `one of ${options.join(", ")}`, value);
}

/** Something that draws like random.js's Generator: the methods named. */
export function generator(value, name, methods = ["random", "normal", "permutation"]) {
  return value !== null && typeof value === "object" && methods.every((m) => typeof value[m] === "function")
    ? value : fail(name, `a random generator (random.js Generator) with ${methods.join(", ")}`, value);
}

/** A Float64Array of length (if given) whose entries are all finite. */
export function finiteArray(value, name, length = null) {
  if (!(value instanceof Float64Array)) fail(name, "a Float64Array", value);
  if (length !== null && value.length !== length) fail(name, `a Float64Array of ${length} numbers`, value);
  for (let i = 0; i < value.length; i++) {
    if (!Number.isFinite(value[i])) throw new Error(`${name} must hold finite numbers, got ${value[i]} at ${i}`);
  }
  return value;
}
