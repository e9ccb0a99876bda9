// The page's twin of microgradx/ops.py (the rule table) and engine.py (Value, sort, backward).
//
// Every entry of RULES mirrors one entry of ops.RULES: the same forward, the same domain
// errors, the same vector-Jacobian product written with the same operations in the same
// order, so the page's numbers are the library's (a browser test checks them to 1e-12).
// `power(k)` and `leakyRelu(slope)` mirror ops.power and ops.leaky_relu.
// A Python test fails when ops.RULES gains an op that has no entry here.

const fmtFloat = (x) => (Number.isInteger(x) && Math.abs(x) < 1e16 ? x.toFixed(1) : String(x));

function step(x, below = 0.0) {
  return x > 0 ? 1.0 : below;
}

function sign(x) {
  return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
}

function sigmoidForward(a) {
  // Two branches so exp() only ever sees a non-positive argument, as ops.sigmoid_forward.
  if (a >= 0.0) {
    return 1.0 / (1.0 + Math.exp(-a));
  }
  const e = Math.exp(a);
  return e / (1.0 + e);
}

function logOrNaN(x) {
  if (x > 0) return Math.log(x);
  if (x < 0) return NaN;
  return 0.0;
}

// Python's float operators raise on a division by zero where IEEE arithmetic quietly gives
// ±inf; the rules that can meet it use these two, so the page fails where the library fails.
// An overflow is ±inf in both (ops._pow, ops._inf_on_overflow).

function pyDiv(x, y) {
  if (y === 0.0) throw new RangeError("float division by zero");
  return x / y;
}

function pyPow(a, b) {
  if (a === 0.0 && b < 0.0) throw new RangeError("0.0 cannot be raised to a negative power");
  return a ** b;
}

function powBaseGrad(g, a, b) {
  if (sign(a) === 0.0 && sign(b) === 0.0) return g * 0.0;
  return g * b * powMinusOne(a, b);
}

// ops._pow_minus_one: a^(b − 1) as a^fl(b − 1) · a^d, d the exact rounding error of b − 1.
function powMinusOne(a, b) {
  const s = b - 1.0;
  const d = Math.abs(b) >= 1.0 ? b - s - 1.0 : b - (s + 1.0);
  const power = pyPow(a, s);
  return d === 0.0 || a === 0.0 ? power : power * a ** d;
}

// The accurate forms of ops.py (_sech2, _one_minus_sq, _inv_one_plus_sq, _inv_hypot1).
function sech2(x) {
  if (Math.abs(x) < 0.5) {
    const t = Math.tanh(x);
    return 1.0 - t * t;
  }
  const e = Math.exp(-2.0 * Math.abs(x));
  return (4.0 * e) / ((1.0 + e) * (1.0 + e));
}

function invOnePlusSquare(a) {
  if (Math.abs(a) < 1.0) return 1.0 / (1.0 + a * a);
  const r = 1.0 / a;
  return (r * r) / (1.0 + r * r);
}

// Python's float % and // (the sign of the divisor; CPython's float_divmod), which JS lacks.
function pyMod(a, b) {
  let mod = a % b;
  if (mod !== 0.0 && b < 0.0 !== mod < 0.0) mod += b;
  return mod;
}

function pyFloorDiv(a, b) {
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0.0 && b < 0.0 !== mod < 0.0) div -= 1.0;
  const floor = Math.floor(div);
  return div - floor > 0.5 ? floor + 1.0 : floor;
}

function oneMinusSquare(a) {
  return Math.abs(a) < 0.5 ? 1.0 - a * a : (1.0 - a) * (1.0 + a);
}

function inverseHypot1(a) {
  if (Math.abs(a) < 1.0) return 1.0 / Math.sqrt(1.0 + a * a);
  const r = 1.0 / a;
  return Math.abs(r) / Math.sqrt(1.0 + r * r);
}

function checkFinite(name, out, what) {
  if (!Number.isFinite(out)) throw new RangeError(`${name}: ${what}`);
  return out;
}

/** One primitive: forward on numbers, one VJP rule per input, drawing symbol (as ops.Op). */
function op(name, arity, forward, vjps, symbol, param = null) {
  return Object.freeze({ name, arity, forward, vjps, symbol, param });
}

export const RULES = Object.freeze({
  add: op("add", 2, (a, b) => a + b, [(g) => g, (g) => g], "+"),
  sub: op("sub", 2, (a, b) => a - b, [(g) => g, (g) => -g], "−"),
  mul: op("mul", 2, (a, b) => a * b, [(g, out, a, b) => g * b, (g, out, a, b) => g * a], "×"),
  div: op(
    "div",
    2,
    (a, b) => {
      if (b === 0.0) {
        throw new RangeError(`div: division by zero (${fmtFloat(a)} / ${fmtFloat(b)})`);
      }
      return a / b;
    },
    [(g, out, a, b) => g / b, (g, out, a, b) => (-g * out) / b],
    "÷",
  ),
  pow: op(
    "pow",
    2,
    (a, b) => powForward(a, b),
    [(g, out, a, b) => powBaseGrad(g, a, b), (g, out, a, b) => g * out * logOrNaN(a)],
    "**",
  ),
  neg: op("neg", 1, (a) => -a, [(g) => -g], "−"),
  abs: op("abs", 1, (a) => Math.abs(a), [(g, out, a) => g * sign(a)], "abs"),
  exp: op(
    "exp",
    1,
    (a) => checkFinite("exp", Math.exp(a), `exp(${fmtFloat(a)}) overflows a float (limit ≈ 709.78)`),
    [(g, out) => g * out],
    "exp",
  ),
  log: op(
    "log",
    1,
    (a) => {
      if (a <= 0.0) throw new RangeError(`log: input must be > 0, got ${fmtFloat(a)}`);
      return Math.log(a);
    },
    [(g, out, a) => g / a],
    "log",
  ),
  sqrt: op(
    "sqrt",
    1,
    (a) => {
      if (a < 0.0) throw new RangeError(`sqrt: input must be >= 0, got ${fmtFloat(a)}`);
      return Math.sqrt(a);
    },
    [(g, out) => pyDiv(g * 0.5, out)],
    "sqrt",
  ),
  tanh: op("tanh", 1, (a) => Math.tanh(a), [(g, out, a) => g * sech2(a)], "tanh"),
  sigmoid: op("sigmoid", 1, sigmoidForward, [(g, out, a) => g * 0.25 * sech2(0.5 * a)], "σ"),
  relu: op("relu", 1, (a) => (a > 0.0 ? a : 0.0), [(g, out, a) => g * step(a)], "relu"),
  softplus: op(
    "softplus",
    1,
    (a) => Math.max(a, 0.0) + Math.log1p(Math.exp(-Math.abs(a))),
    [(g, out, a) => g * sigmoidForward(a)],
    "softplus",
  ),
  sin: op("sin", 1, (a) => Math.sin(a), [(g, out, a) => g * Math.cos(a)], "sin"),
  cos: op("cos", 1, (a) => Math.cos(a), [(g, out, a) => -g * Math.sin(a)], "cos"),
  tan: op("tan", 1, (a) => Math.tan(a), [(g, out) => g * (1.0 + out * out)], "tan"),
  sinh: op(
    "sinh",
    1,
    (a) => checkFinite("sinh", Math.sinh(a), `sinh(${fmtFloat(a)}) overflows a float (limit ≈ 710.48)`),
    [(g, out, a) => g * Math.cosh(a)],
    "sinh",
  ),
  cosh: op(
    "cosh",
    1,
    (a) => checkFinite("cosh", Math.cosh(a), `cosh(${fmtFloat(a)}) overflows a float (limit ≈ 710.48)`),
    [(g, out, a) => g * Math.sinh(a)],
    "cosh",
  ),
  asin: op(
    "asin",
    1,
    (a) => {
      if (!(a >= -1.0 && a <= 1.0)) {
        throw new RangeError(`asin: input must be in [-1, 1], got ${fmtFloat(a)}`);
      }
      return Math.asin(a);
    },
    [(g, out, a) => pyDiv(g, Math.sqrt(oneMinusSquare(a)))],
    "asin",
  ),
  acos: op(
    "acos",
    1,
    (a) => {
      if (!(a >= -1.0 && a <= 1.0)) {
        throw new RangeError(`acos: input must be in [-1, 1], got ${fmtFloat(a)}`);
      }
      return Math.acos(a);
    },
    [(g, out, a) => pyDiv(-g, Math.sqrt(oneMinusSquare(a)))],
    "acos",
  ),
  atan: op("atan", 1, (a) => Math.atan(a), [(g, out, a) => g * invOnePlusSquare(a)], "atan"),
  asinh: op("asinh", 1, (a) => Math.asinh(a), [(g, out, a) => g * inverseHypot1(a)], "asinh"),
  acosh: op(
    "acosh",
    1,
    (a) => {
      if (!(a >= 1.0)) throw new RangeError(`acosh: input must be >= 1, got ${fmtFloat(a)}`);
      return Math.acosh(a);
    },
    [(g, out, a) => pyDiv(g, Math.sqrt(a - 1.0) * Math.sqrt(a + 1.0))],
    "acosh",
  ),
  atanh: op(
    "atanh",
    1,
    (a) => {
      if (!(a > -1.0 && a < 1.0)) {
        throw new RangeError(`atanh: input must be in (-1, 1), got ${fmtFloat(a)}`);
      }
      return Math.atanh(a);
    },
    [(g, out, a) => g / oneMinusSquare(a)],
    "atanh",
  ),
  sign: op("sign", 1, (a) => sign(a), [(g) => g * 0.0], "sign"),
  mod: op(
    "mod",
    2,
    (a, b) => {
      if (b === 0.0) throw new RangeError(`mod: modulo by zero (${fmtFloat(a)} % ${fmtFloat(b)})`);
      return pyMod(a, b);
    },
    [(g) => g, (g, out, a, b) => -g * pyFloorDiv(a, b)],
    "%",
  ),
  log1p: op(
    "log1p",
    1,
    (a) => {
      if (a <= -1.0) throw new RangeError(`log1p: input must be > -1, got ${fmtFloat(a)}`);
      return Math.log1p(a);
    },
    [(g, out, a) => g / (1.0 + a)],
    "log1p",
  ),
  expm1: op(
    "expm1",
    1,
    (a) =>
      checkFinite("expm1", Math.expm1(a), `expm1(${fmtFloat(a)}) overflows a float (limit ≈ 709.78)`),
    [(g, out, a) => g * Math.exp(a)],
    "expm1",
  ),
});

function powForward(a, b) {
  if (a < 0.0 && !Number.isInteger(b)) {
    throw new RangeError(
      `pow: negative base ${fmtFloat(a)} with non-integer exponent ${fmtFloat(b)} has no real result`,
    );
  }
  if (a === 0.0 && b < 0.0) {
    throw new RangeError(`pow: zero base raised to negative exponent ${fmtFloat(b)}`);
  }
  return checkFinite("pow", a ** b, `${fmtFloat(a)} ** ${fmtFloat(b)} overflows a float`);
}

/** x ** k for a constant exponent k (ops.power); `name` is the library's op name. */
export function power(k, name) {
  if (k === 0.0) {
    return op("pow0", 1, (a) => powForward(a, k), [(g) => g * 0.0], "**0", k);
  }
  const symbol = name.replace(/^pow/, "**");
  const vjp = (g, out, a) => g * k * powMinusOne(a, k);
  return op(name, 1, (a) => powForward(a, k), [vjp], symbol, k);
}

/** max(x, slope·x) (ops.leaky_relu). */
export function leakyRelu(slope) {
  return op(
    "leaky_relu",
    1,
    (a) => (a > 0.0 ? a : slope * a),
    [(g, out, a) => g * step(a, slope)],
    "leaky_relu",
    slope,
  );
}

/** The Op for a tape entry: {op: name, param} as explore.py writes it. */
export function ruleFor(name, param) {
  if (name === "leaky_relu") return leakyRelu(param);
  if (name.startsWith("pow") && name !== "pow") return power(param, name);
  const rule = RULES[name];
  if (rule === undefined) throw new Error(`the page has no rule for op '${name}'`);
  return rule;
}

/**
 * A scalar that records how it was computed (engine.Value's twin). A constant (engine's
 * Constant: a number lifted into an op, or a result of constants alone) needs no gradient.
 */
export class Value {
  constructor(data, label = "", fn = null, a = null, b = null, constant = false) {
    this.data = data;
    this.grad = 0.0;
    this.label = label;
    this.fn = fn;
    this.a = a;
    this.b = b;
    this.constant = constant;
  }

  get parents() {
    if (this.b !== null) return [this.a, this.b];
    return this.a === null ? [] : [this.a];
  }
}

function lift(x) {
  return x instanceof Value ? x : new Value(x, "", null, null, null, true);
}

/**
 * Apply a primitive, as engine._apply1/_apply2: plain numbers become constants, and an op on
 * constants alone records nothing (its result is a constant leaf).
 */
export function apply(fn, a, b) {
  const va = lift(a);
  const vb = fn.arity === 1 ? null : lift(b);
  const out =
    vb === null
      ? checkResult(fn, fn.forward(va.data), va.data)
      : checkResult(fn, fn.forward(va.data, vb.data), va.data, vb.data);
  if (va.constant && (vb === null || vb.constant)) return new Value(out, "", null, null, null, true);
  return new Value(out, "", fn, va, vb);
}

function checkResult(fn, out, ...args) {
  if (Number.isFinite(out) || !args.every(Number.isFinite)) return out;
  throw new RangeError(`${fn.name}: result of ${fn.name}(${args.join(", ")}) is not a finite float`);
}

export const add = (a, b) => apply(RULES.add, a, b);
export const sub = (a, b) => apply(RULES.sub, a, b);
export const mul = (a, b) => apply(RULES.mul, a, b);
export const div = (a, b) => apply(RULES.div, a, b);

/**
 * engine._sort: depth-first post-order without recursion; parents in argument order.
 * With resetGrads, op nodes get grad 0 as they are emitted (leaves keep theirs).
 */
export function topologicalOrder(root, { leaves = true, resetGrads = false } = {}) {
  const order = [];
  const visited = new Set();
  const stack = [root];
  while (stack.length) {
    let node = stack.pop();
    if (node === null) {
      node = stack.pop();
      if (resetGrads && node.fn !== null) node.grad = 0.0;
      order.push(node);
    } else if (!visited.has(node)) {
      visited.add(node);
      stack.push(node, null);
      const { a, b } = node;
      if (b !== null && (leaves || b.fn !== null) && !visited.has(b)) stack.push(b);
      if (a !== null && (leaves || a.fn !== null) && !visited.has(a)) stack.push(a);
    }
  }
  return order;
}

/** Value.backward(): the chain rule once per node, in reverse order; constants get none. */
export function backward(root) {
  const order = topologicalOrder(root, { leaves: false, resetGrads: true });
  root.grad = root.fn !== null ? 1.0 : root.grad + 1.0;
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    const fn = node.fn;
    if (fn === null) continue;
    const { a, b } = node;
    try {
      const g = node.grad;
      if (b === null) {
        if (!a.constant) a.grad += fn.vjps[0](g, node.data, a.data);
      } else {
        if (!a.constant) a.grad += fn.vjps[0](g, node.data, a.data, b.data);
        if (!b.constant) b.grad += fn.vjps[1](g, node.data, a.data, b.data);
      }
    } catch (e) {
      throw new RangeError(`backward through '${fn.name}' at data=${fmtFloat(node.data)}: ${e.message}`);
    }
  }
}

/** upstream × ∂node/∂parent for each parent (viz._vjp); NaN where the rule is undefined. */
export function contributions(node, upstream) {
  const fn = node.fn;
  if (fn === null) return [];
  const args = node.parents.map((p) => p.data);
  try {
    return fn.vjps.map((rule) => rule(upstream, node.data, ...args));
  } catch {
    return args.map(() => NaN); // e.g. sqrt at 0: the derivative does not exist
  }
}

// -- number formatting: viz._fmt, i.e. Python's f"{x:#.4g}" with a typographic minus ----------

/** The exact decimal digits of a finite double and its decimal exponent (value = 0.d1d2… × 10^e). */
function exactDigits(x) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent = biased - 1075;
  if (biased === 0) exponent = -1074;
  else mantissa |= 1n << 52n;
  let digits;
  let pointAt;
  if (exponent >= 0) {
    digits = (mantissa << BigInt(exponent)).toString();
    pointAt = digits.length;
  } else {
    digits = (mantissa * 5n ** BigInt(-exponent)).toString();
    pointAt = digits.length + exponent;
  }
  const trimmed = digits.replace(/^0+/, "");
  return { digits: trimmed, pointAt: pointAt - (digits.length - trimmed.length) };
}

/** Round a digit string to `keep` digits, half to even (Python's formatting rounds exactly). */
function roundDigits(digits, keep) {
  if (digits.length <= keep) return { digits: digits.padEnd(keep, "0"), carry: 0 };
  const head = digits.slice(0, keep);
  const rest = digits.slice(keep);
  const first = rest.charCodeAt(0) - 48;
  const beyond = /[1-9]/.test(rest.slice(1));
  const odd = (head.charCodeAt(keep - 1) - 48) % 2 === 1;
  const up = first > 5 || (first === 5 && (beyond || odd));
  if (!up) return { digits: head, carry: 0 };
  const bumped = (BigInt(head) + 1n).toString();
  if (bumped.length > keep) return { digits: bumped.slice(0, keep), carry: 1 };
  return { digits: bumped, carry: 0 };
}

/** viz._fmt: 4 significant digits, trailing zeros kept (−3.000, 0.5000), typographic minus. */
export function fmt(x) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "−inf";
  if (x === 0) return "0.000";
  const negative = x < 0;
  const { digits, pointAt } = exactDigits(Math.abs(x));
  const rounded = roundDigits(digits, 4);
  const exp10 = pointAt - 1 + rounded.carry; // scientific exponent of the rounded value
  const d = rounded.digits;
  let text;
  if (exp10 < -4 || exp10 >= 4) {
    const e = Math.abs(exp10).toString().padStart(2, "0");
    text = `${d[0]}.${d.slice(1)}e${exp10 < 0 ? "-" : "+"}${e}`;
  } else if (exp10 >= 0) {
    text = `${d.slice(0, exp10 + 1)}.${d.slice(exp10 + 1)}`;
  } else {
    text = `0.${"0".repeat(-exp10 - 1)}${d}`;
  }
  return ((negative ? "-" : "") + text).replaceAll("-", "−");
}
