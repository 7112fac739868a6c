// Activation functions, each beside its derivative, as in lecture_code/activations.py.
//
// An activation is {name, forward(z), backward(z, a, da)}: forward maps one
// pre-activation to its activation, backward gives dL/dz from dL/da, reusing
// the forward output a where the derivative can be written with it
// (sigma' = a (1 - a), tanh' = 1 - a^2, elu' = a + 1 for z <= 0), exactly as
// the Python Activation.backward does. All numbers are float64.
// See chapter 2 (activation functions) and chapter 6 (backpropagation).

export const sigmoid = {
  name: "sigmoid",
  forward: (z) => 1.0 / (1.0 + Math.exp(-z)),
  backward: (z, a, da) => da * a * (1.0 - a),
};

export const tanh = {
  name: "tanh",
  forward: (z) => Math.tanh(z),
  backward: (z, a, da) => da * (1.0 - a * a),
};

export const relu = {
  name: "relu",
  forward: (z) => Math.max(z, 0.0),
  backward: (z, a, da) => (z > 0 ? da : 0.0 * da),
};

export const elu = {
  name: "elu",
  forward: (z) => (z > 0 ? z : Math.expm1(Math.min(z, 0.0))),
  backward: (z, a, da) => da * (z > 0 ? 1.0 : a + 1.0),
};

export const linear = {
  name: "linear",
  forward: (z) => z,
  backward: (z, a, da) => da,
};

const REGISTRY = { sigmoid, tanh, relu, elu, linear };
/** The activation names get() accepts (the playground's hidden activations). */
export const NAMES = ["relu", "tanh", "sigmoid", "elu", "linear"];

/** The activation called name, or a clear error. */
export function get(name) {
  const act = REGISTRY[name];
  if (!act) throw new Error(`activation must be one of ${NAMES.join(", ")}, got ${JSON.stringify(name)}`);
  return act;
}
