// A seeded random generator for the browser (numpy's Generator in Python).
//
// The browser draws its own data, initial weights, minibatch orders and
// dropout masks with this generator (xoshiro128**, 53-bit uniforms); the
// numbers need not equal numpy's, because a run records what it drew and
// lecture_code.playground.replay(run) feeds exactly those to the numpy code.

import { fail, integer, number } from "./checks.js";

function splitmix32(a) {
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

export class Generator {
  /** seeds: one or more non-negative integers (like default_rng([seed, restart])). */
  constructor(...seeds) {
    if (seeds.length === 0) fail("seeds", "one or more integers in 0..2**32-1", seeds);
    seeds.forEach((s, i) => integer(s, `seeds[${i}]`, 0, 2 ** 32 - 1));
    let h = 0x12345678;
    for (const s of seeds) h = splitmix32((h ^ Math.imul(s | 0, 0x85ebca6b)) | 0)();
    const next = splitmix32(h);
    this.s = new Uint32Array([next(), next(), next(), next() | 1]);
    this.spare = null;
  }

  /** A uniform 32-bit integer (xoshiro128**). */
  uint32() {
    const s = this.s;
    const r = Math.imul(((Math.imul(s[1], 5) << 7) | (Math.imul(s[1], 5) >>> 25)), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t;
    s[3] = (s[3] << 11) | (s[3] >>> 21);
    return r;
  }

  /** A uniform float64 in [0, 1) with 53 random bits. */
  random() {
    return ((this.uint32() >>> 5) * 67108864 + (this.uint32() >>> 6)) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniform(low, high) {
    number(low, "low");
    number(high, "high", low);
    return low + (high - low) * this.random();
  }

  /** A standard normal draw (Marsaglia's polar method). */
  normal() {
    if (this.spare !== null) { const z = this.spare; this.spare = null; return z; }
    let u, v, s;
    do { u = 2 * this.random() - 1; v = 2 * this.random() - 1; s = u * u + v * v; } while (s >= 1 || s === 0);
    const f = Math.sqrt(-2 * Math.log(s) / s);
    this.spare = v * f;
    return u * f;
  }

  /** A random order of 0..n-1 (Fisher-Yates), as an Int32Array. */
  permutation(n) {
    integer(n, "n", 0, 2 ** 31 - 1);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const t = p[i]; p[i] = p[j]; p[j] = t;
    }
    return p;
  }
}
