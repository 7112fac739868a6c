// Activation functions, each beside its derivative, as in lecture_code/activations.py.
//
// An activation is {name, forward(z), backward(z, a, da)}: forward maps one
// pre-activation to its activation, backward gives dL/dz = da * g'(z) from
// dL/da, with the derivative in a form without cancellation, exactly as the
// Python Activation.backward does: sigma' = a sigma(-z), not a (1 - a);
// tanh' = 1 / cosh^2, not 1 - a^2; elu' = alpha e^z, not a + alpha. Where
// g'(z) = 0 the unit passes exactly 0, even when da is infinite (times).
// All numbers are float64.
// See chapter 2 (activation functions) and chapter 6 (backpropagation).

/** elu's alpha (lecture_code's default; the playground has no knob for it). */
const ALPHA = 1.0;

/** da * d, and exactly 0 wherever d == 0 (inf * 0 would be NaN), as activations._times. */
function times(da, d) {
  return d === 0.0 ? 0.0 : da * d;
}

/** sigma(z) = 1 / (1 + e^{-z}); exactly 0 below about -709, where e^{-z} overflows. */
export function sigmoidForward(z) {
  return 1.0 / (1.0 + Math.exp(-z));
}

/** sigma'(z) = sigma(z) sigma(-z) (no 1 - sigma(z), which rounds to 0 at z = 40). */
export function sigmoidPrime(z) {
  return sigmoidForward(z) * sigmoidForward(-z);
}

/** tanh'(z) = 1 / cosh(z)^2, divided by cosh twice (exact down to |z| = 710). */
export function tanhPrime(z) {
  const c = Math.cosh(z);
  return 1.0 / c / c;
}

/** relu'(z) = 1 for z > 0, else 0 (torch's convention at 0). */
export function reluPrime(z) {
  return z > 0 ? 1.0 : 0.0;
}

/** elu(z) = z for z > 0, alpha (e^z - 1) otherwise. */
export function eluForward(z) {
  return z > 0 ? z : ALPHA * Math.expm1(Math.min(z, 0.0));
}

/** elu'(z) = 1 for z > 0, alpha e^z for z <= 0 (alpha e^z itself, not elu(z) + alpha). */
export function eluPrime(z) {
  return z > 0 ? 1.0 : ALPHA * Math.exp(Math.min(z, 0.0));
}

export const sigmoid = {
  name: "sigmoid",
  forward: sigmoidForward,
  backward: (z, a, da) => times(da, a * sigmoidForward(-z)),     // sigma(z) sigma(-z)
};

export const tanh = {
  name: "tanh",
  forward: (z) => Math.tanh(z),
  backward: (z, a, da) => times(da, tanhPrime(z)),
};

export const relu = {
  name: "relu",
  forward: (z) => Math.max(z, 0.0),
  backward: (z, a, da) => (z > 0 ? da : 0.0),
};

export const elu = {
  name: "elu",
  forward: eluForward,
  backward: (z, a, da) => times(da, eluPrime(z)),
};

export const linear = {
  name: "linear",
  forward: (z) => z,
  backward: (z, a, da) => da,
};

const REGISTRY = { sigmoid, tanh, relu, elu, linear };
/** The activation names get() accepts (the playground's hidden activations). */
export const NAMES = ["relu", "tanh", "sigmoid", "elu", "linear"];

/** The activation called name (case-insensitive, as lecture_code's), or a clear error. */
export function get(name) {
  const key = typeof name === "string" ? name.toLowerCase() : null;
  const act = key !== null && Object.hasOwn(REGISTRY, key) ? REGISTRY[key] : undefined;
  if (!act) throw new Error(`activation must be one of ${NAMES.join(", ")}, got ${JSON.stringify(name)}`);
  return act;
}
